//! The event served nearby: the hubs that announce it on the local network (the room's laptop,
//! started when the venue's Wi-Fi failed), and which of them may be given an invitation's
//! token. A join whose card names no address looks here first; a join, background sync and
//! `recolte sync` look here last, once every hub of the invitation is out of reach.

use recolte_core::ids::EventId;

use crate::client::SyncError;

/// A hub's address with the certificate expected there: the one its announcement names, or
/// the invitation's for the invitation's own hubs.
pub type PinnedHub = (String, Option<String>);

/// How long a device listens for the room's hub when its invitation names none.
pub const WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a join, background sync or `recolte sync` looks for the event served nearby once
/// the invitation's hubs are all out of reach (a laptop in the room answers within a second;
/// nothing found costs this long).
pub(crate) const FALLBACK_WAIT: std::time::Duration = std::time::Duration::from_secs(4);

/// The hubs serving `event` on the local network, each with the certificate its announcement
/// names.
pub(crate) async fn find(event: EventId, wait: std::time::Duration) -> Result<Vec<PinnedHub>, SyncError> {
    let found = tokio::task::spawn_blocking(move || crate::nearby::discover_event(event, wait))
        .await
        .map_err(|e| SyncError::Lost { doc: e.to_string() })?
        .map_err(SyncError::CannotLookNearby)?;
    Ok(found
        .into_iter()
        .filter(|hub| hub.event_id == event)
        .flat_map(|hub| hub.urls.into_iter().map(move |url| (url, hub.fingerprint.clone())))
        .collect())
}

/// Of the hubs found serving an event nearby (`found`: each address with the certificate its
/// announcement names), those that may be given the token of an invitation naming the
/// certificate `named`, each with the certificate to expect there; the same rule for a join,
/// background sync and `recolte sync`. Anyone on the network can announce the event, so: the certificate
/// the invitation names (a hub announcing another, or none, is left out: over `ws://` the
/// token would go in clear), else the one announced; never a certificate that cannot be
/// checked at its address (`ws://`), nor this device's own hub (its own certificate: a device
/// serving from the app does not look at all), nor one of the addresses `tried` already.
pub(crate) fn trusted(
    store: &recolte_store::Store,
    named: Option<&str>,
    tried: &[&str],
    found: Vec<PinnedHub>,
) -> Vec<PinnedHub> {
    let own = store.path().parent().and_then(crate::tls::local_fingerprint);
    let tried: Vec<String> = tried.iter().map(|hub| crate::failover::normal(hub)).collect();
    let mut trusted: Vec<PinnedHub> = Vec::new();
    for (hub, announced) in found {
        if named.is_some() && announced.as_deref() != named {
            continue;
        }
        if announced.as_ref().is_some_and(|announced| !crate::tls::pins(&hub) || Some(announced) == own.as_ref()) {
            continue;
        }
        if tried.contains(&crate::failover::normal(&hub)) || trusted.iter().any(|(t, _)| *t == hub) {
            continue;
        }
        trusted.push((hub, announced));
    }
    trusted
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Who may be given an invitation's token among the hubs announcing its event nearby: the
    /// join and background sync ask the same question.
    #[test]
    fn a_token_goes_only_to_an_announcement_it_can_check() {
        let dir = tempfile::tempdir().unwrap();
        let store = recolte_store::Store::open(dir.path()).unwrap();
        let (named, other) = ("ab".repeat(32), "cd".repeat(32));
        let laptop = |scheme: &str| format!("{scheme}://192.0.2.7:4455");
        let found = |announced: Option<&String>| {
            vec![(laptop(if announced.is_some() { "wss" } else { "ws" }), announced.cloned())]
        };
        let trusted_here = |named: Option<&str>, found| trusted(&store, named, &[], found);
        // The card names a certificate: that one, over wss://, and no other, nor none.
        assert_eq!(trusted_here(Some(&named), found(Some(&named))), [(laptop("wss"), Some(named.clone()))]);
        assert!(trusted_here(Some(&named), found(Some(&other))).is_empty());
        assert!(trusted_here(Some(&named), found(None)).is_empty(), "the token would go in clear");
        // It names none: the announced one, or plain ws:// when none is announced.
        assert_eq!(trusted_here(None, found(Some(&other))), [(laptop("wss"), Some(other.clone()))]);
        assert_eq!(trusted_here(None, found(None)), [(laptop("ws"), None)]);
        // A certificate that cannot be checked at its address, an address tried already.
        assert!(trusted_here(None, vec![(laptop("ws"), Some(other.clone()))]).is_empty());
        assert!(trusted(&store, None, &[laptop("ws").as_str()], found(None)).is_empty());
        // This device's own hub, by its certificate.
        let own = crate::tls::invitation_fingerprint(dir.path(), &[laptop("wss")], None).unwrap().unwrap();
        assert!(trusted_here(None, found(Some(&own))).is_empty(), "its own certificate");
    }
}
