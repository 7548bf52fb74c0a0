//! Access: tokens, invitations, and this device's name.

use recolte_core::ids::EventId;
use recolte_store::Store;

use crate::args::{self, DeviceCmd, InviteCmd, TokenCmd};
use crate::commands::Context;
use crate::output::Out;
use crate::{data_dir_of, CliError};

/// `recolte token`: access tokens made and read.
pub(crate) fn token(store: &mut Store, ctx: &Context, command: TokenCmd, out: &Out) -> Result<(), CliError> {
    match command {
        TokenCmd::Create { scope, expires, name } => {
            let scope = parse_scope(ctx.event(store)?, scope)?;
            let valid_for = store.invitation_validity(scope.event, &expires)?;
            let token = store.issue_token(&scope, name.as_deref(), valid_for)?;
            out.text(&token)
        }
        TokenCmd::Inspect { token } => {
            let grant =
                recolte_core::token::peek(&token).map_err(|e| CliError::Store(recolte_store::Error::Token(e)))?;
            out.grant(&grant)
        }
    }
}

/// `recolte device`: this device's name.
pub(crate) fn device(store: &mut Store, command: DeviceCmd, out: &Out) -> Result<(), CliError> {
    match command {
        DeviceCmd::Name { name } => {
            if let Some(name) = name {
                store.set_author(&name)?;
            }
            out.text(&store.author()?)
        }
    }
}

fn parse_scope(event: EventId, args: args::ScopeArgs) -> Result<recolte_core::access::Scope, CliError> {
    let role = args.role.parse().map_err(|en: String| CliError::Usage {
        fr: format!("rôle « {} » inconnu : utilisez organiser, facilitator, rapporteur ou panel", args.role),
        en,
    })?;
    let sessions = args.sessions.iter().map(|s| s.parse()).collect::<Result<Vec<_>, _>>()?;
    Ok(recolte_core::access::Scope { event, role, sessions, themes: args.themes })
}

/// `recolte invite`: invitations made, listed, revoked, printed.
pub(crate) fn invite(store: &mut Store, ctx: &Context, command: InviteCmd, out: &Out) -> Result<(), CliError> {
    let event = ctx.event(store)?;
    // The invitations live on the organiser's device, which holds the event's key: elsewhere
    // that is said first (not « aucune invitation », nor the hub the cards would name).
    store.ensure_holds_key(event)?;
    match command {
        InviteCmd::Create { scope, hubs, valid, for_name, fingerprint } => {
            let hubs = hubs_or_the_synced_one(store, hubs, out)?;
            let scope = parse_scope(event, scope)?;
            let request = recolte_store::InvitationRequest {
                role: scope.role,
                sessions: scope.sessions,
                themes: scope.themes,
                for_name,
                valid_for: store.invitation_validity(event, &valid)?,
                fingerprint: match fingerprint {
                    Some(given) => Some(given),
                    None => invitation_fingerprint(store, &hubs)?,
                },
                hubs,
            };
            let invitation = store.create_invitation(event, &request, out.lang)?;
            out.invitation(&invitation)
        }
        InviteCmd::All { hubs, fingerprint, valid, sheet } => {
            let hubs = hubs_or_the_synced_one(store, hubs, out)?;
            let fingerprint = match fingerprint {
                Some(given) => Some(given),
                None => invitation_fingerprint(store, &hubs)?,
            };
            // A sheet that cannot be written must not leave fifty invitations made behind it.
            recolte_export::check_sheet_name(&sheet).map_err(CliError::Export)?;
            recolte_export::check_writable(&sheet).map_err(CliError::Export)?;
            let valid_for = store.invitation_validity(event, &valid)?;
            let created = store.create_all_invitations(event, &hubs, valid_for, fingerprint.as_deref(), out.lang)?;
            let ids: Vec<String> = created.invitations.iter().map(|i| i.id.clone()).collect();
            let written = recolte_export::export_invitation_sheet(store, event, &ids, &sheet, out.lang)
                .map_err(CliError::Export)?;
            out.sheet(&sheet, &written, Some(created.created))
        }
        InviteCmd::List => out.invitations(&store.invitations(event, out.lang)?),
        InviteCmd::Revoke { id } => match store.revoke_invitation(event, &id)? {
            true => out.done(),
            false => out.unchanged("cette invitation était déjà révoquée", "this invitation was already revoked"),
        },
        InviteCmd::Sheet { out: path, ids } => {
            recolte_export::check_writable(&path).map_err(CliError::Export)?;
            let written = recolte_export::export_invitation_sheet(store, event, &ids, &path, out.lang)
                .map_err(CliError::Export)?;
            out.sheet(&path, &written, None)
        }
    }
}

/// The hubs invitations name: those given with `--hub`, else the one this device syncs with
/// (as the app suggests it), said on stderr; with neither, none, and a warning: such cards
/// are joined only where the event is found served nearby (it made a second set of cards with
/// no address without a word).
fn hubs_or_the_synced_one(store: &Store, hubs: Vec<String>, out: &Out) -> Result<Vec<String>, CliError> {
    if !hubs.is_empty() {
        return Ok(hubs);
    }
    let warning = out.lang.pick("attention :", "warning:");
    match recolte_sync::join::remembered_target(store)? {
        Some(target) => {
            let said = match out.lang {
                recolte_core::Lang::Fr => format!(
                    "les invitations nomment {}, le serveur avec lequel cet appareil se synchronise (--hub pour en nommer d'autres)",
                    target.hub
                ),
                recolte_core::Lang::En => format!(
                    "the invitations name {}, the hub this device syncs with (--hub to name others)",
                    target.hub
                ),
            };
            eprintln!("{said}");
            Ok(vec![target.hub])
        }
        None => {
            eprintln!(
                "{warning} {}",
                out.lang.pick(
                    "ces invitations ne nomment aucun serveur : on ne les rejoint que là où l'événement est servi à proximité (l'ordinateur de la salle) ; donnez --hub ws://… pour une adresse",
                    "these invitations name no hub: they are joined only where the event is served nearby (the room's laptop); give --hub ws://… for an address",
                )
            );
            Ok(hubs)
        }
    }
}

/// The certificate fingerprint invitations for `hubs` carry: that of the hub this device syncs
/// with, or of its own (see the library's).
fn invitation_fingerprint(store: &Store, hubs: &[String]) -> Result<Option<String>, CliError> {
    let synced = recolte_sync::join::remembered_target(store)?;
    recolte_sync::tls::invitation_fingerprint(&data_dir_of(store), hubs, synced.as_ref())
        .map_err(|e| CliError::Hub(recolte_sync::hub::HubError::Tls(e)))
}
