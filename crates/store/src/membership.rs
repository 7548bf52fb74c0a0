//! Invitations, revocations and arrivals, as the store keeps them.
//!
//! - The organiser's device signs invitations with the event's key and keeps them (their
//!   links hold secret tokens: they stay on this device, in `invitations`).
//! - A revocation is written into the event document, by token id: it reaches every hub and
//!   device that syncs the event, and hubs refuse the token from then on.
//! - A device that joins records its arrival (its name, the invitation's id) in the documents
//!   it may write, so that the organiser learns of it through any hub or bundle.

use recolte_core::access::{Role, Scope};
use recolte_core::ids::{EventId, SessionId};
use recolte_core::invitation::{self, Invitation};
use recolte_core::schema::{self, DocName, JoinedDevice, Revocation};
use recolte_core::token;
use recolte_core::Lang;
use rusqlite::{params, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::{Error, ResultExt};
use crate::Store;

/// The validity of an invitation made for the event: until the end of the day after its last
/// day, 3 days at least (see [`Store::invitation_validity`]).
pub const FOR_THE_EVENT: &str = "event";

/// The shortest validity of an invitation made for the event, in seconds: 3 days.
const AT_LEAST_FOR_THE_EVENT: i64 = 3 * 86_400;

/// The longest, in seconds: about 6 months (184 days).
const AT_MOST_FOR_THE_EVENT: i64 = 184 * 86_400;

/// Where an invitation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    Unused,
    Joined,
    Expired,
    Revoked,
}

impl InvitationState {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            InvitationState::Unused => lang.pick("non utilisée", "not used yet"),
            InvitationState::Joined => lang.pick("rejointe", "joined"),
            InvitationState::Expired => lang.pick("expirée", "expired"),
            InvitationState::Revoked => lang.pick("révoquée", "revoked"),
        }
    }
}

/// Every invitation of the event's roles: those made now, and those already there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AllInvitations {
    /// One per session, one per theme and one for the panel, in programme order.
    pub invitations: Vec<InvitationRecord>,
    /// How many of them were made now.
    pub created: usize,
}

/// An invitation this device issued, with what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct InvitationRecord {
    pub id: String,
    pub event: EventId,
    pub link: String,
    pub role: Role,
    pub sessions: Vec<SessionId>,
    pub themes: Vec<u32>,
    /// The person it is for.
    #[serde(rename = "for")]
    pub for_name: Option<String>,
    pub hubs: Vec<String>,
    /// What it is for, in words.
    pub label: String,
    pub created_at: String,
    pub expires_at: String,
    pub state: InvitationState,
    /// The name of the device (its user) that joined with it, and when.
    pub joined_by: Option<String>,
    pub joined_at: Option<String>,
}

/// What a new invitation grants and to whom.
#[derive(Clone, Debug)]
pub struct InvitationRequest {
    pub role: Role,
    pub sessions: Vec<SessionId>,
    pub themes: Vec<u32>,
    pub for_name: Option<String>,
    pub valid_for: time::Duration,
    pub hubs: Vec<String>,
    pub fingerprint: Option<String>,
}

fn expired(expires_at: &str) -> bool {
    OffsetDateTime::parse(expires_at, &Rfc3339).is_ok_and(|at| at <= OffsetDateTime::now_utc())
}

impl Store {
    /// Whether this device holds the event's signing key (it created the event).
    pub fn holds_key(&self, event: EventId) -> Result<bool, Error> {
        Ok(self.event_keys(event)?.is_some())
    }

    /// That this device holds `event`'s key, or the refusal that names the event: checked
    /// before anything is said or made of an invitation (the invitations live on that device).
    pub fn ensure_holds_key(&self, event: EventId) -> Result<(), Error> {
        match self.holds_key(event)? {
            true => Ok(()),
            false => Err(self.no_event_key(event)),
        }
    }

    /// How long an invitation asked to be valid for `valid` lasts from now: a length (`12h`,
    /// `3d`, `2w`: see `token::parse_duration`) or [`FOR_THE_EVENT`]: until the end of the day
    /// after the event's last day on its clock, and 3 days at least (a practice event whose
    /// days are past, a programme whose dates do not read). Cards are printed weeks before and
    /// must still open on the day.
    pub fn invitation_validity(&mut self, event: EventId, valid: &str) -> Result<time::Duration, Error> {
        let valid = valid.trim();
        if valid != FOR_THE_EVENT {
            return token::parse_duration(valid).ok_or_else(|| Error::InvalidValidity(valid.to_owned()));
        }
        let record = self.event_record(event)?.ok_or_else(|| Error::UnknownEvent(event.to_string()))?;
        let dates = || record.days.iter().map(|d| d.date.as_str());
        let over = recolte_core::moment::event_over(dates(), &record.timezone);
        let left = over.map_or(0, |over| over.as_second() - jiff::Timestamp::now().as_second());
        // A date typed in the wrong year would sign cards valid for decades: said instead.
        if left > AT_MOST_FOR_THE_EVENT {
            return Err(Error::EventTooFar(dates().max().unwrap_or_default().to_owned()));
        }
        Ok(time::Duration::seconds(left.max(AT_LEAST_FOR_THE_EVENT)))
    }

    /// Signs an invitation, keeps it, and returns it with its link.
    pub fn create_invitation(
        &mut self,
        event: EventId,
        request: &InvitationRequest,
        lang: Lang,
    ) -> Result<InvitationRecord, Error> {
        self.ensure_writable()?;
        let hubs = request.hubs.iter().map(|h| invitation::normalize_hub(h)).collect::<Result<Vec<_>, _>>()?;
        let fingerprint = request.fingerprint.as_deref().map(invitation::normalize_fingerprint).transpose()?;
        let scope =
            Scope { event, role: request.role, sessions: request.sessions.clone(), themes: request.themes.clone() };
        let for_name = request.for_name.as_deref().map(|n| crate::ops::within(n, crate::Field::Name)).transpose()?;
        let for_name = for_name.as_deref().filter(|n| !n.is_empty());
        let token = self.issue_token(&scope, for_name, request.valid_for)?;
        let grant = token::peek(&token).map_err(Error::Token)?;
        let record = self.event_record(event)?;
        let name = record.as_ref().map(|r| r.name.clone()).unwrap_or_default();
        let link = Invitation { event, event_name: name, hubs: hubs.clone(), fingerprint, token }.link();
        self.conn
            .execute(
                "INSERT INTO invitations (id, event_id, role, scope, for_name, hubs, link, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    grant.id,
                    event.to_string(),
                    scope.role.as_str(),
                    serde_json::to_string(&scope).unwrap_or_default(),
                    for_name,
                    serde_json::to_string(&hubs).unwrap_or_default(),
                    link,
                    grant.issued_at,
                    grant.expires_at,
                ],
            )
            .ctx("enregistrement de l'invitation", "saving the invitation")?;
        Ok(InvitationRecord {
            id: grant.id,
            event,
            link,
            role: scope.role,
            label: invitation::describe(&scope, record.as_ref(), lang),
            sessions: scope.sessions,
            themes: scope.themes,
            for_name: for_name.map(str::to_owned),
            hubs,
            created_at: grant.issued_at,
            expires_at: grant.expires_at,
            state: InvitationState::Unused,
            joined_by: None,
            joined_at: None,
        })
    }

    /// One invitation per session (its facilitators), one per theme (its rapporteur) and one
    /// for the panel, in programme order. One that is there already (for no one in
    /// particular, to the same hubs, neither revoked nor expired) is kept, not made twice: a
    /// second press of the button used to double every row of the list and of the sheet.
    pub fn create_all_invitations(
        &mut self,
        event: EventId,
        hubs: &[String],
        valid_for: time::Duration,
        fingerprint: Option<&str>,
        lang: Lang,
    ) -> Result<AllInvitations, Error> {
        let record = self.event_record(event)?.ok_or_else(|| Error::UnknownEvent(event.to_string()))?;
        let request = |role, sessions, themes| InvitationRequest {
            role,
            sessions,
            themes,
            for_name: None,
            valid_for,
            hubs: hubs.to_vec(),
            fingerprint: fingerprint.map(str::to_owned),
        };
        let mut sessions: Vec<_> = record.sessions.clone();
        let slot_order = |slot: &str| record.slots.iter().position(|s| s.id == slot).unwrap_or(usize::MAX);
        sessions.sort_by_key(|s| (s.theme, slot_order(&s.slot)));
        let mut requests: Vec<InvitationRequest> =
            sessions.iter().map(|s| request(Role::Facilitator, vec![s.id], vec![])).collect();
        requests.extend(record.themes.iter().map(|t| request(Role::Rapporteur, vec![], vec![t.number])));
        requests.push(request(Role::Panel, vec![], vec![]));
        // Compared as they are kept: "192.168.1.20:4455" is the hub ws://192.168.1.20:4455.
        let hubs: Vec<String> = hubs.iter().map(|h| invitation::normalize_hub(h)).collect::<Result<_, _>>()?;
        let fingerprint = fingerprint.map(invitation::normalize_fingerprint).transpose()?;
        // Kept only while it is worth handing out again: at least half the validity asked for
        // left (a rehearsal's one-day card is not the event's), and the same certificate.
        let worth_until = time::OffsetDateTime::now_utc() + valid_for / 2;
        let lasts = |i: &InvitationRecord| {
            time::OffsetDateTime::parse(&i.expires_at, &time::format_description::well_known::Rfc3339)
                .is_ok_and(|end| end >= worth_until)
        };
        let same_certificate = |i: &InvitationRecord| {
            invitation::Invitation::parse(&i.link).is_ok_and(|link| link.fingerprint == fingerprint)
        };
        let usable: Vec<InvitationRecord> = self
            .invitations(event, lang)?
            .into_iter()
            .filter(|i| matches!(i.state, InvitationState::Unused | InvitationState::Joined) && i.for_name.is_none())
            .filter(|i| lasts(i) && same_certificate(i))
            .collect();
        let mut all = AllInvitations { invitations: Vec::with_capacity(requests.len()), created: 0 };
        for wanted in &requests {
            let there = usable.iter().find(|i| {
                i.role == wanted.role && i.sessions == wanted.sessions && i.themes == wanted.themes && i.hubs == hubs
            });
            match there {
                Some(invitation) => all.invitations.push(invitation.clone()),
                None => {
                    all.invitations.push(self.create_invitation(event, wanted, lang)?);
                    all.created += 1;
                }
            }
        }
        Ok(all)
    }

    /// The invitations this device issued for an event, newest last, with their state.
    pub fn invitations(&mut self, event: EventId, lang: Lang) -> Result<Vec<InvitationRecord>, Error> {
        type Row = (String, String, String, Option<String>, String, String, String, String);
        let rows: Vec<Row> = self
            .conn
            .prepare(
                "SELECT id, role, scope, for_name, hubs, link, created_at, expires_at FROM invitations
                 WHERE event_id = ?1 ORDER BY created_at, rowid",
            )
            .and_then(|mut stmt| {
                stmt.query_map([event.to_string()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
                })?
                .collect::<Result<Vec<_>, _>>()
            })
            .ctx("lecture des invitations", "reading the invitations")?;
        let record = self.event_record(event)?;
        let revoked: Vec<String> = self.revocations(event)?.into_iter().map(|r| r.token).collect();
        let joins = self.arrivals_by_document(event)?;
        let mut out = Vec::new();
        for (id, role, scope, for_name, hubs, link, created_at, expires_at) in rows {
            // The row's own columns, else what its link says (the same, signed): a column that
            // no longer reads does not hide an invitation the organiser may need to revoke.
            let link_says = Invitation::parse(&link).ok();
            let scope = match serde_json::from_str::<Scope>(&scope) {
                Ok(scope) => scope,
                Err(_) => match link_says.as_ref().and_then(|i| token::peek(&i.token).ok()) {
                    Some(grant) => grant.scope,
                    None => continue,
                },
            };
            let hubs: Vec<String> =
                serde_json::from_str(&hubs).unwrap_or_else(|_| link_says.map(|i| i.hubs).unwrap_or_default());
            let role = role.parse().unwrap_or(scope.role);
            // Only an arrival recorded where the invitation may write is its own: anyone who
            // writes a document can record one naming any invitation's id.
            let join = joins
                .iter()
                .filter(|(doc, j)| {
                    j.invitation.as_deref() == Some(id.as_str())
                        && scope.access(doc, record.as_ref()) == recolte_core::access::Access::Write
                })
                .map(|(_, j)| j)
                .min_by(|a, b| a.joined_at.cmp(&b.joined_at));
            // An invitation joined and since expired lets no one in any more: the device that
            // joined is refused at its next sync, and the organiser reads it here.
            let state = if revoked.contains(&id) {
                InvitationState::Revoked
            } else if expired(&expires_at) {
                InvitationState::Expired
            } else if join.is_some() {
                InvitationState::Joined
            } else {
                InvitationState::Unused
            };
            out.push(InvitationRecord {
                label: invitation::describe(&scope, record.as_ref(), lang),
                event,
                link,
                role,
                sessions: scope.sessions,
                themes: scope.themes,
                for_name,
                hubs,
                created_at,
                expires_at,
                state,
                joined_by: join.map(|j| j.name.clone()),
                joined_at: join.map(|j| j.joined_at.clone()),
                id,
            });
        }
        Ok(out)
    }

    /// Revokes an invitation: the event document says so from now on, and every hub that
    /// syncs it refuses the token. Only the organiser's device (which holds the key) revokes.
    /// `false` when it already was revoked: nothing is written then.
    pub fn revoke_invitation(&mut self, event: EventId, id: &str) -> Result<bool, Error> {
        self.ensure_writable()?;
        self.ensure_holds_key(event)?;
        let known: Option<String> = self.lookup(
            "SELECT id FROM invitations WHERE id = ?1 AND event_id = ?2",
            params![id.trim(), event.to_string()],
            |r| r.get(0),
            ("recherche de l'invitation", "looking up the invitation"),
        )?;
        let id = known.ok_or_else(|| Error::UnknownInvitation(id.trim().to_owned()))?;
        if self.revocations(event)?.iter().any(|r| r.token == id) {
            return Ok(false);
        }
        self.edit(
            &DocName::Event(event),
            |txn| {
                schema::revoke(txn, &id);
                Ok(())
            },
            |_, _, _| Ok(()),
        )?;
        Ok(true)
    }

    /// The tokens revoked in an event, as its document says.
    pub fn revocations(&mut self, event: EventId) -> Result<Vec<Revocation>, Error> {
        Ok(schema::read_revocations(&yrs::Transact::transact(self.read_doc(&DocName::Event(event))?)))
    }

    /// Every arrival recorded in a document of the event held here, with that document.
    fn arrivals_by_document(&mut self, event: EventId) -> Result<Vec<(DocName, JoinedDevice)>, Error> {
        let mut arrivals = Vec::new();
        for name in self.documents(event)? {
            for join in schema::read_joins(&yrs::Transact::transact(self.read_doc(&name)?)) {
                arrivals.push((name.clone(), join));
            }
        }
        Ok(arrivals)
    }

    /// Every device that recorded its arrival in a document of the event held here, once
    /// each (its latest record), by arrival.
    pub fn joined_devices(&mut self, event: EventId) -> Result<Vec<JoinedDevice>, Error> {
        let mut devices: Vec<JoinedDevice> = Vec::new();
        for name in self.documents(event)? {
            for join in schema::read_joins(&yrs::Transact::transact(self.read_doc(&name)?)) {
                match devices.iter_mut().find(|d| d.device == join.device) {
                    Some(known) if known.joined_at >= join.joined_at => {}
                    Some(known) => *known = join,
                    None => devices.push(join),
                }
            }
        }
        devices.sort_by(|a, b| (&a.joined_at, &a.device).cmp(&(&b.joined_at, &b.device)));
        Ok(devices)
    }

    /// This device's id, made once: it tells the organiser which device joined.
    pub fn device_id(&self) -> Result<String, Error> {
        if let Some(id) = self.setting(crate::settings::DEVICE_ID)? {
            return Ok(id);
        }
        let id = uuid::Uuid::now_v7().to_string();
        self.set_setting(crate::settings::DEVICE_ID, &id)?;
        Ok(id)
    }

    /// Records this device's arrival with an invitation in the given documents (those it may
    /// write), so that the organiser learns of it when they next sync.
    pub fn record_arrival(&mut self, docs: &[DocName], token_id: &str, role: Role, name: &str) -> Result<(), Error> {
        let device = JoinedDevice {
            device: self.device_id()?,
            name: name.trim().to_owned(),
            invitation: Some(token_id.to_owned()),
            role: Some(role.as_str().to_owned()),
            joined_at: schema::now(),
        };
        for doc in docs {
            self.control(doc, |txn| schema::record_join(txn, &device))?;
        }
        Ok(())
    }

    /// The documents of the event this device does not hold: never received from a hub or a
    /// bundle, never written here (an export made here lacks what they hold, and says so).
    /// The device that created the event made every document: it lacks none.
    pub fn missing_documents(&self, event: EventId) -> Result<Vec<DocName>, Error> {
        if self.holds_key(event)? {
            return Ok(Vec::new());
        }
        let list = |sql: &str| -> Result<Vec<String>, Error> {
            self.conn
                .prepare(sql)
                .and_then(|mut stmt| {
                    stmt.query_map([event.to_string()], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()
                })
                .ctx("lecture du programme", "reading the programme")
        };
        let sessions = list("SELECT id FROM sessions WHERE event_id = ?1 ORDER BY id")?;
        let themes = list("SELECT CAST(number AS TEXT) FROM themes WHERE event_id = ?1 ORDER BY number")?;
        let mut expected: Vec<DocName> =
            sessions.iter().filter_map(|id| id.parse().ok()).map(|id| DocName::Session(event, id)).collect();
        expected.extend(themes.iter().filter_map(|n| n.parse().ok()).map(|n| DocName::Synthesis(event, n)));
        expected.push(DocName::Panel(event));
        let held: Vec<String> = self
            .conn
            .prepare(
                "SELECT DISTINCT doc FROM doc_updates WHERE doc IN (SELECT name FROM documents WHERE event_id = ?1)
                 UNION SELECT doc FROM sync_state WHERE synced_at <> '' AND substr(doc, 1, 36) = ?1",
            )
            .and_then(|mut stmt| stmt.query_map([event.to_string()], |r| r.get(0))?.collect::<Result<Vec<String>, _>>())
            .ctx("lecture du journal", "reading the log")?;
        Ok(expected.into_iter().filter(|doc| !held.contains(&doc.to_string())).collect())
    }

    /// Removes an event and everything this device holds of it (documents, projections, key,
    /// invitations, sync state). Other devices and hubs keep their copies.
    pub fn remove_event(&mut self, event: EventId) -> Result<(), Error> {
        self.ensure_writable()?;
        self.resolve_event(Some(event))?;
        let id = event.to_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("verrouillage du stockage", "locking the store")?;
        let ctx = ("suppression de l'événement", "removing the event");
        tx.execute(
            "DELETE FROM consolidated_sources WHERE consolidated_id IN (SELECT id FROM consolidated WHERE event_id = ?1)",
            [&id],
        )
        .ctx(ctx.0, ctx.1)?;
        for table in [
            "panel_votes",
            "panel_comments",
            "panel_marks",
            "consolidated",
            "proposals",
            "subgroups",
            "sessions",
            "slots",
            "themes",
        ] {
            tx.execute(&format!("DELETE FROM {table} WHERE event_id = ?1"), [&id]).ctx(ctx.0, ctx.1)?;
        }
        // Its snapshots too: kept, they would point below a later copy's log, and restore nothing.
        for table in ["sync_state", "undo_steps", "named_snapshots"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE doc IN (SELECT name FROM documents WHERE event_id = ?1)"),
                [&id],
            )
            .ctx(ctx.0, ctx.1)?;
        }
        tx.execute(
            "DELETE FROM undo_ignored WHERE entry IN
               (SELECT seq FROM doc_updates WHERE doc IN (SELECT name FROM documents WHERE event_id = ?1))",
            [&id],
        )
        .ctx(ctx.0, ctx.1)?;
        // The log's numbers must keep growing after its last entries go (migration 0011).
        tx.execute("UPDATE log_floor SET seq = max(seq, (SELECT ifnull(max(seq), 0) FROM doc_updates))", [])
            .ctx(ctx.0, ctx.1)?;
        tx.execute("DELETE FROM doc_updates WHERE doc IN (SELECT name FROM documents WHERE event_id = ?1)", [&id])
            .ctx(ctx.0, ctx.1)?;
        for table in ["documents", "invitations", "event_keys"] {
            tx.execute(&format!("DELETE FROM {table} WHERE event_id = ?1"), [&id]).ctx(ctx.0, ctx.1)?;
        }
        tx.execute("DELETE FROM events WHERE id = ?1", [&id]).ctx(ctx.0, ctx.1)?;
        // The remembered hub and token go with the event they are for.
        use crate::settings::{FINGERPRINT, FOUND_NEARBY, HUB, INVITATION, TOKEN};
        let token: Option<String> = tx
            .query_row("SELECT value FROM settings WHERE key = ?1", [TOKEN], |r| r.get(0))
            .optional()
            .ctx(ctx.0, ctx.1)?;
        if token.and_then(|t| token::peek(&t).ok()).is_some_and(|g| g.scope.event == event) {
            tx.execute(
                "DELETE FROM settings WHERE key IN (?1, ?2, ?3, ?4, ?5)",
                [HUB, TOKEN, INVITATION, FINGERPRINT, FOUND_NEARBY],
            )
            .ctx(ctx.0, ctx.1)?;
        }
        tx.commit().ctx(ctx.0, ctx.1)?;
        self.docs.retain(|name, _| name.event() != event);
        self.registered.retain(|name| name.event() != event);
        self.homes.get_mut().retain(|_, (home, _)| *home != event);
        Ok(())
    }
}
