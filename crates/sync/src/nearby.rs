//! Finding the hub in the room without typing an address: a hub announces each event it
//! serves with DNS-SD over multicast DNS (service `_recolte._tcp`), and devices listen for it.
//!
//! The TXT record carries the event's id and name and the protocol version (and a
//! certificate fingerprint when the hub serves its own TLS): never a token. Networks that
//! block multicast (client isolation on many venue Wi-Fis) hide the announcement; then the
//! address on the invitation, or a bundle on a USB key, still work.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use mdns_sd::{IfKind, ServiceDaemon, ServiceEvent, ServiceInfo};
use recolte_core::ids::EventId;
use recolte_core::Localize;
use serde::Serialize;

/// The DNS-SD service type of Récolte hubs.
pub const SERVICE_TYPE: &str = "_recolte._tcp.local.";
/// The sync protocol the hub speaks (the y-websocket protocol, Récolte's rooms and tokens).
pub const PROTOCOL_VERSION: &str = "1";

#[derive(Debug, thiserror::Error, Localize)]
pub enum NearbyError {
    #[error("cannot use multicast DNS on this computer: {0}")]
    #[fr("impossible d'utiliser le DNS multicast sur cet ordinateur : {0}")]
    Mdns(String),
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

/// The addresses other devices can use to reach a hub listening on `listen`: the address
/// itself when it names one, or one per network interface that is up, of the family the
/// listener accepts (a hub on `0.0.0.0` is not reachable over IPv6). Loopback and IPv6
/// link-local addresses are left out (a link-local address needs its interface named,
/// which WebSocket addresses cannot carry).
pub fn addresses(listen: SocketAddr, scheme: &str) -> Vec<String> {
    let port = listen.port();
    let mut urls: Vec<String> = reachable_ips(listen.ip())
        .into_iter()
        .map(|ip| match ip {
            IpAddr::V4(v4) => format!("{scheme}://{v4}:{port}"),
            IpAddr::V6(v6) => format!("{scheme}://[{v6}]:{port}"),
        })
        .collect();
    // IPv4 first: what people read aloud and type.
    urls.sort_by_key(|u| (u.contains('['), u.clone()));
    urls.dedup();
    urls
}

fn link_local(ip: &IpAddr) -> bool {
    matches!(ip, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80)
}

fn reachable_ips(listen: IpAddr) -> Vec<IpAddr> {
    if !listen.is_unspecified() {
        return if listen.is_loopback() || link_local(&listen) { Vec::new() } else { vec![listen] };
    }
    if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback() && i.is_oper_up())
        .map(|i| i.ip())
        .filter(|ip| !link_local(ip))
        // An IPv4 wildcard listener takes IPv4 only; an IPv6 one takes IPv4 too where the
        // system makes IPv6 sockets dual-stack.
        .filter(|ip| match (listen.is_ipv6(), ip.is_ipv4()) {
            (false, v4) => v4,
            (true, true) => dual_stack(),
            (true, false) => true,
        })
        .collect()
}

/// Whether a socket bound to `[::]` also accepts IPv4: Linux's default (`bindv6only` 0);
/// elsewhere (Windows, and Linux set otherwise) it does not.
fn dual_stack() -> bool {
    std::fs::read_to_string("/proc/sys/net/ipv6/bindv6only").is_ok_and(|value| value.trim() == "0")
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

/// Announces a hub listening on `listen` for each event, with the addresses that reach it.
pub fn announce(
    listen: SocketAddr,
    events: &[(EventId, String)],
    fingerprint: Option<&str>,
) -> Result<Announcement, NearbyError> {
    let port = listen.port();
    let daemon = ServiceDaemon::new().map_err(mdns)?;
    // Announcing addresses of the other family would send devices where nothing listens.
    if listen.ip() == IpAddr::from([0, 0, 0, 0]) {
        daemon.disable_interface(IfKind::IPv6).map_err(mdns)?;
    } else if listen.ip().is_unspecified() && !dual_stack() {
        daemon.disable_interface(IfKind::IPv4).map_err(mdns)?;
    }
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
        let host = format!("{}.local.", label(&host));
        let info = if listen.ip().is_unspecified() {
            ServiceInfo::new(SERVICE_TYPE, &instance, &host, "", port, &properties[..])
                .map_err(mdns)?
                .enable_addr_auto()
        } else {
            ServiceInfo::new(SERVICE_TYPE, &instance, &host, listen.ip(), port, &properties[..]).map_err(mdns)?
        };
        names.push(info.get_fullname().to_owned());
        daemon.register(info).map_err(mdns)?;
    }
    Ok(Announcement { daemon, names })
}

/// Announces the events a store holds (practice events aside) for a hub serving it.
pub fn announce_store(
    listen: SocketAddr,
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
    announce(listen, &events, fingerprint)
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

/// How long discovery keeps listening, once the wanted hub answered, for its other addresses.
const ADDRESSES_GRACE: Duration = Duration::from_millis(700);

/// Listens for hubs for `wait`, and returns those found, one per event and instance.
pub fn discover(wait: Duration) -> Result<Vec<NearbyHub>, NearbyError> {
    discover_until(wait, |_| false)
}

/// Listens for the hubs serving `event`, for at most `wait`: returns as soon as one is
/// found, so that a device joining in a busy room neither waits for nothing nor gives up
/// on an answer that came late.
pub fn discover_event(event: EventId, wait: Duration) -> Result<Vec<NearbyHub>, NearbyError> {
    let found = discover_until(wait, |hub| hub.event_id == event)?;
    Ok(found.into_iter().filter(|hub| hub.event_id == event).collect())
}

fn discover_until(wait: Duration, enough: impl Fn(&NearbyHub) -> bool) -> Result<Vec<NearbyHub>, NearbyError> {
    let daemon = ServiceDaemon::new().map_err(mdns)?;
    let events = daemon.browse(SERVICE_TYPE).map_err(mdns)?;
    let mut until = Instant::now() + wait;
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
                    .filter(|ip| !link_local(ip))
                    .map(|ip| match ip {
                        IpAddr::V4(v4) => format!("{scheme}://{v4}:{}", service.get_port()),
                        IpAddr::V6(v6) => format!("{scheme}://[{v6}]:{}", service.get_port()),
                    })
                    .collect();
                urls.sort_by_key(|u| (u.contains('['), u.clone()));
                let name = service.get_fullname().trim_end_matches(SERVICE_TYPE).trim_end_matches('.').to_owned();
                let hub = NearbyHub {
                    name,
                    event_id,
                    event_name: service.get_property_val_str("event_name").unwrap_or_default().to_owned(),
                    urls,
                    fingerprint,
                };
                if !hub.urls.is_empty() && enough(&hub) {
                    // A hub's addresses can resolve one by one: a moment more for the rest.
                    until = until.min(Instant::now() + ADDRESSES_GRACE);
                }
                found.insert(service.get_fullname().to_owned(), hub);
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
    fn addresses_are_those_the_listener_accepts() {
        for url in addresses("0.0.0.0:4455".parse().unwrap(), "ws") {
            assert!(!url.contains("127.0.0.1") && !url.contains('['), "IPv4 only, no loopback: {url}");
            assert!(url.ends_with(":4455"), "{url}");
        }
        for url in addresses("[::]:4455".parse().unwrap(), "ws") {
            assert!(!url.contains("[::1]") && !url.contains("[fe80"), "{url}");
        }
        assert_eq!(addresses("192.0.2.7:4455".parse().unwrap(), "wss"), ["wss://192.0.2.7:4455"]);
        assert!(addresses("127.0.0.1:4455".parse().unwrap(), "ws").is_empty());
    }
}
