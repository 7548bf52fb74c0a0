//! Finding the hub in the room without typing an address: a hub announces each event it
//! serves with DNS-SD over multicast DNS (service `_recolte._tcp`), and devices listen for it.
//!
//! The TXT record carries the event's id and name and the protocol version (and a
//! certificate fingerprint when the hub serves its own TLS): never a token. Networks that
//! block multicast (client isolation on many venue Wi-Fis) hide the announcement; then the
//! address on the invitation, or a bundle on a USB key, still work.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use mdns_sd::{ServiceDaemon, ServiceEvent, ServiceInfo};
use recolte_core::ids::EventId;
use recolte_core::{Lang, Localize};
use serde::Serialize;

/// The DNS-SD service type of Récolte hubs.
pub const SERVICE_TYPE: &str = "_recolte._tcp.local.";
/// The sync protocol the hub speaks (the y-websocket protocol, Récolte's rooms and tokens).
pub const PROTOCOL_VERSION: &str = "1";

#[derive(Debug, thiserror::Error)]
pub enum NearbyError {
    #[error("cannot use multicast DNS on this computer: {0}")]
    Mdns(String),
}

impl Localize for NearbyError {
    fn localize(&self, lang: Lang) -> String {
        match (self, lang) {
            (_, Lang::En) => self.to_string(),
            (NearbyError::Mdns(detail), _) => {
                format!("impossible d'utiliser le DNS multicast sur cet ordinateur : {detail}")
            }
        }
    }
}

fn mdns(error: mdns_sd::Error) -> NearbyError {
    NearbyError::Mdns(error.to_string())
}

/// A hub found on the local network, for one event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct NearbyHub {
    /// The announcement's instance name.
    pub name: String,
    pub event_id: EventId,
    pub event_name: String,
    /// Addresses to try, `ws://…` (or `wss://…`).
    pub urls: Vec<String>,
    /// The hub certificate's fingerprint, when it serves its own TLS.
    pub fingerprint: Option<String>,
}

/// The addresses other devices can use to reach a hub on `port` of this computer: one per
/// network interface that is up, loopback and IPv6 link-local ones left out (a link-local
/// address needs its interface named, which WebSocket addresses cannot carry).
pub fn addresses(port: u16, scheme: &str) -> Vec<String> {
    let mut urls: Vec<String> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback() && i.is_oper_up())
        .filter_map(|i| match i.ip() {
            IpAddr::V4(v4) => Some(format!("{scheme}://{v4}:{port}")),
            IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80 => None,
            IpAddr::V6(v6) => Some(format!("{scheme}://[{v6}]:{port}")),
        })
        .collect();
    // IPv4 first: what people read aloud and type.
    urls.sort_by_key(|u| (u.contains('['), u.clone()));
    urls.dedup();
    urls
}

/// The hub's announcements; withdrawn when dropped or stopped.
pub struct Announcement {
    daemon: ServiceDaemon,
    names: Vec<String>,
}

impl std::fmt::Debug for Announcement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Announcement").field("names", &self.names).finish()
    }
}

impl Announcement {
    /// Says goodbye on the network, so that devices forget the hub at once.
    pub fn stop(mut self) {
        self.withdraw();
    }

    fn withdraw(&mut self) {
        for name in self.names.drain(..) {
            if let Ok(done) = self.daemon.unregister(&name) {
                let _ = done.recv_timeout(Duration::from_secs(1));
            }
        }
        if let Ok(done) = self.daemon.shutdown() {
            let _ = done.recv_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for Announcement {
    fn drop(&mut self) {
        self.withdraw();
    }
}

/// A DNS label of at most 63 bytes, cut on a character boundary.
fn label(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().filter(|c| !c.is_control() && *c != '.') {
        if out.len() + c.len_utf8() > 63 {
            break;
        }
        out.push(c);
    }
    out
}

/// Announces a hub listening on `port` for each event.
pub fn announce(
    port: u16,
    events: &[(EventId, String)],
    fingerprint: Option<&str>,
) -> Result<Announcement, NearbyError> {
    let daemon = ServiceDaemon::new().map_err(mdns)?;
    let host = hostname();
    let mut names = Vec::new();
    for (event, event_name) in events {
        let id = event.to_string();
        let instance = label(&format!("Récolte {} {}", &id[..8], host));
        let mut properties = vec![
            ("event_id", id.clone()),
            ("event_name", event_name.chars().take(200).collect::<String>()),
            ("version", PROTOCOL_VERSION.to_owned()),
        ];
        if let Some(fingerprint) = fingerprint {
            properties.push(("fingerprint", fingerprint.to_owned()));
        }
        let info =
            ServiceInfo::new(SERVICE_TYPE, &instance, &format!("{}.local.", label(&host)), "", port, &properties[..])
                .map_err(mdns)?
                .enable_addr_auto();
        names.push(info.get_fullname().to_owned());
        daemon.register(info).map_err(mdns)?;
    }
    Ok(Announcement { daemon, names })
}

/// Announces the events a store holds (practice events aside) for a hub serving it.
pub fn announce_store(
    port: u16,
    store: &recolte_store::Store,
    fingerprint: Option<&str>,
) -> Result<Announcement, NearbyError> {
    let events: Vec<(EventId, String)> = store
        .events()
        .map_err(|e| NearbyError::Mdns(e.to_string()))?
        .into_iter()
        .filter(|e| !e.practice)
        .map(|e| (e.id, e.name))
        .collect();
    announce(port, &events, fingerprint)
}

fn hostname() -> String {
    let name = std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_default();
    let name: String = name.trim().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    if name.is_empty() {
        "recolte-hub".into()
    } else {
        name
    }
}

/// Listens for hubs for `wait`, and returns those found, one per event and instance.
pub fn discover(wait: Duration) -> Result<Vec<NearbyHub>, NearbyError> {
    let daemon = ServiceDaemon::new().map_err(mdns)?;
    let events = daemon.browse(SERVICE_TYPE).map_err(mdns)?;
    let until = Instant::now() + wait;
    let mut found: BTreeMap<String, NearbyHub> = BTreeMap::new();
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        let Ok(event) = events.recv_timeout(left) else { break };
        match event {
            ServiceEvent::ServiceResolved(service) => {
                let Some(event_id) = service.get_property_val_str("event_id").and_then(|id| id.parse().ok()) else {
                    continue;
                };
                if service.get_property_val_str("version").is_some_and(|v| v != PROTOCOL_VERSION) {
                    continue;
                }
                let fingerprint = service.get_property_val_str("fingerprint").map(str::to_owned);
                let scheme = if fingerprint.is_some() { "wss" } else { "ws" };
                let mut urls: Vec<String> = service
                    .get_addresses()
                    .iter()
                    .map(|ip| ip.to_ip_addr())
                    // The hub's loopback address would lead a device to itself.
                    .filter(|ip| !ip.is_loopback())
                    .filter(|ip| !matches!(ip, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80))
                    .map(|ip| match ip {
                        IpAddr::V4(v4) => format!("{scheme}://{v4}:{}", service.get_port()),
                        IpAddr::V6(v6) => format!("{scheme}://[{v6}]:{}", service.get_port()),
                    })
                    .collect();
                urls.sort_by_key(|u| (u.contains('['), u.clone()));
                let name = service.get_fullname().trim_end_matches(SERVICE_TYPE).trim_end_matches('.').to_owned();
                found.insert(
                    service.get_fullname().to_owned(),
                    NearbyHub {
                        name,
                        event_id,
                        event_name: service.get_property_val_str("event_name").unwrap_or_default().to_owned(),
                        urls,
                        fingerprint,
                    },
                );
            }
            ServiceEvent::ServiceRemoved(_, fullname) => {
                found.remove(&fullname);
            }
            _ => {}
        }
    }
    let _ = daemon.stop_browse(SERVICE_TYPE);
    if let Ok(done) = daemon.shutdown() {
        let _ = done.recv_timeout(Duration::from_secs(1));
    }
    Ok(found.into_values().filter(|hub| !hub.urls.is_empty()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_names_are_dns_labels() {
        let long = "Assises de l'innovation publique — édition 2025 — Nancy, Grand Est, France";
        let cut = label(long);
        assert!(cut.len() <= 63 && long.starts_with(&cut));
        assert_eq!(label("a.b\nc"), "abc");
    }

    #[test]
    fn addresses_leave_loopback_out() {
        for url in addresses(4455, "ws") {
            assert!(!url.contains("127.0.0.1") && !url.contains("[::1]"), "{url}");
            assert!(url.ends_with(":4455"), "{url}");
        }
    }
}
