//! The y-websocket protocol, sans I/O: frames in, effects out. It knows nothing of sockets;
//! the hub and the client engine move the bytes.
//!
//! One frame carries exactly one message (JavaScript clients decode one per frame):
//! `varuint type` (0 sync, 1 awareness, 3 query awareness), then for sync a `varuint`
//! sub-type (0 step 1, 1 step 2, 2 update) and a length-prefixed payload.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};

use recolte_core::access::Access;
use yrs::sync::{Awareness, AwarenessUpdate, Message, SyncMessage};
use yrs::updates::decoder::Decode;
use yrs::updates::encoder::Encode;
use yrs::{ClientID, Doc, ReadTxn, StateVector, Transact};

/// Why a frame was refused. The connection that sent it is closed with this reason.
/// The English text is the close reason on the wire (the protocol's language); the hub's log
/// says it in the hub's. The details come from yrs, in English.
#[derive(Debug, thiserror::Error, recolte_core::Localize, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    #[error("malformed message: {0}")]
    #[fr("message mal formé : {0}")]
    Malformed(String),
    #[error("unsupported message type {0}")]
    #[fr("type de message non pris en charge : {0}")]
    Unsupported(u8),
    #[error("invalid document update: {0}")]
    #[fr("mise à jour de document invalide : {0}")]
    InvalidUpdate(String),
    #[error("invalid awareness update: {0}")]
    #[fr("mise à jour de présence invalide : {0}")]
    InvalidAwareness(String),
    #[error("message too big: over {limit} bytes")]
    #[fr("message trop gros : plus de {limit} octets")]
    TooBig { limit: usize },
}

/// Decodes one frame that must hold exactly one message.
pub fn decode(frame: &[u8]) -> Result<Message, ProtocolError> {
    let message = Message::decode_v1(frame).map_err(|e| ProtocolError::Malformed(e.to_string()))?;
    // A frame longer than its message hides something (or two messages): refuse it.
    // Re-encoding gives the canonical length, so this also refuses padded lengths.
    let canonical = encode(&message).len();
    if canonical != frame.len() {
        let extra = frame.len().abs_diff(canonical);
        return Err(ProtocolError::Malformed(format!(
            "{} not belong to the message",
            recolte_core::Lang::En.count(extra, "byte does", "bytes do")
        )));
    }
    Ok(message)
}

pub fn encode(message: &Message) -> Vec<u8> {
    message.encode_v1()
}

pub fn step1(sv: &StateVector) -> Vec<u8> {
    encode(&Message::Sync(SyncMessage::SyncStep1(sv.clone())))
}

pub fn step2(update: Vec<u8>) -> Vec<u8> {
    encode(&Message::Sync(SyncMessage::SyncStep2(update)))
}

pub fn update(update: Vec<u8>) -> Vec<u8> {
    encode(&Message::Sync(SyncMessage::Update(update)))
}

/// What the hub must do after a frame from one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Save this update to the room's log before anything else is sent.
    Persist(Vec<u8>),
    /// Send to the connection that sent the frame.
    Reply(Vec<u8>),
    /// Send to every other connection of the room.
    Broadcast(Vec<u8>),
    /// A read-only connection sent changes: they were not applied.
    Dropped { bytes: usize },
}

/// The largest presence state a connection may send (its JSON).
pub const PRESENCE_STATE_BYTES: usize = 2048;

/// Presences a room holds at most: more than the people of a whole event.
pub const PRESENCE_PER_ROOM: usize = 2000;

/// Presences one connection may bring: a device or a stock client brings one.
pub const PRESENCE_PER_CONNECTION: usize = 8;

/// Presences one token may hold in a room, over all its connections: an invitation is one
/// person's, on a few devices.
pub const PRESENCE_PER_TOKEN: usize = 32;

/// One room as the hub holds it: the document and who is present.
#[derive(Debug)]
pub struct Room {
    doc: Doc,
    awareness: Awareness,
    /// Whose each presence is: the connection that brought it first, until it leaves or says
    /// it is gone (or the same token takes it back on a new connection).
    claimed: HashMap<ClientID, Claim>,
    /// How many presences each token holds in the room.
    per_token: HashMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Claim {
    peer: u64,
    token: Option<String>,
}

/// What one connection brought to a room's presence, to clear it when it leaves.
#[derive(Debug)]
pub struct Presence {
    clients: HashSet<ClientID>,
    /// This connection, among all.
    peer: u64,
    /// The token it connected with: a device that reconnects (Yjs keeps its client id) takes
    /// its presence back from its old connection, which the hub may not have let go yet.
    token: Option<String>,
}

impl Presence {
    pub fn of(token: Option<String>) -> Presence {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Presence { clients: HashSet::new(), peer: NEXT.fetch_add(1, Ordering::Relaxed), token }
    }

    fn claim(&self) -> Claim {
        Claim { peer: self.peer, token: self.token.clone() }
    }
}

impl Default for Presence {
    fn default() -> Presence {
        Presence::of(None)
    }
}

impl Room {
    pub fn new(doc: Doc) -> Room {
        Room { awareness: Awareness::new(doc.clone()), doc, claimed: HashMap::new(), per_token: HashMap::new() }
    }

    pub fn doc(&self) -> &Doc {
        &self.doc
    }

    /// The frames a connection receives when it joins: the room's state vector (sync step 1),
    /// then who is present.
    pub fn greeting(&self) -> Vec<Vec<u8>> {
        let mut frames = vec![step1(&self.doc.transact().state_vector())];
        if let Ok(update) = self.awareness.update() {
            if !update.clients.is_empty() {
                frames.push(encode(&Message::Awareness(update)));
            }
        }
        frames
    }

    /// Handles one frame from a connection with the given access.
    pub fn receive(
        &mut self,
        access: Access,
        frame: &[u8],
        presence: &mut Presence,
    ) -> Result<Vec<Effect>, ProtocolError> {
        match decode(frame)? {
            Message::Sync(SyncMessage::SyncStep1(remote)) => {
                let diff = recolte_core::schema::diff_for(&self.doc.transact(), &remote);
                Ok(vec![Effect::Reply(step2(diff))])
            }
            Message::Sync(SyncMessage::SyncStep2(bytes)) | Message::Sync(SyncMessage::Update(bytes)) => {
                if access < Access::Write {
                    let (decoded, _) = recolte_core::schema::sanitize_update_bytes(&bytes)
                        .map_err(|e| ProtocolError::InvalidUpdate(e.to_string()))?;
                    if decoded.is_empty() {
                        return Ok(Vec::new());
                    }
                    return Ok(vec![Effect::Dropped { bytes: bytes.len() }]);
                }
                Ok(match self.apply(&bytes)? {
                    Some(new) => vec![Effect::Persist(new.clone()), Effect::Broadcast(update(new))],
                    None => Vec::new(),
                })
            }
            Message::Awareness(awareness) => {
                let kept = self.admit(awareness, presence);
                if kept.clients.is_empty() {
                    return Ok(Vec::new());
                }
                let mut entries = kept.clients.clone();
                let summary = self
                    .awareness
                    .apply_update_summary(kept)
                    .map_err(|e| ProtocolError::InvalidAwareness(e.to_string()))?;
                self.settle(entries.keys().copied(), presence);
                // What yrs applied, and only that, goes on: an entry it ignored (older than
                // what the room holds) would show others a presence the room does not have.
                let applied: HashSet<ClientID> = summary
                    .map(|s| s.added.into_iter().chain(s.updated).chain(s.removed).collect())
                    .unwrap_or_default();
                entries.retain(|client, _| applied.contains(client));
                if entries.is_empty() {
                    return Ok(Vec::new());
                }
                let frame = encode(&Message::Awareness(AwarenessUpdate { clients: entries }));
                // Back to its sender too, as the reference server does: a stock y-websocket
                // client that hears nothing for 30 s (not even its own presence, renewed every
                // 15 s) takes the connection for dead and reconnects.
                Ok(vec![Effect::Reply(frame.clone()), Effect::Broadcast(frame)])
            }
            Message::AwarenessQuery => {
                let update = self.awareness.update().map_err(|e| ProtocolError::InvalidAwareness(e.to_string()))?;
                Ok(vec![Effect::Reply(encode(&Message::Awareness(update)))])
            }
            Message::Auth(_) => Err(ProtocolError::Unsupported(2)),
            Message::Custom(tag, _) => Err(ProtocolError::Unsupported(tag)),
        }
    }

    /// Applies an update; returns what it brought that the room did not have (the whole
    /// sanitised update if parts of it wait for updates the room lacks), or `None`.
    fn apply(&mut self, bytes: &[u8]) -> Result<Option<Vec<u8>>, ProtocolError> {
        recolte_core::schema::apply_foreign(&self.doc, bytes)
            .map_err(|refusal| ProtocolError::InvalidUpdate(refusal.to_string()))
    }

    /// Takes in a change saved elsewhere (another program on the store the hub serves): the
    /// frame to send to every connection if it brought anything new.
    pub fn absorb(&mut self, bytes: &[u8]) -> Result<Option<Vec<u8>>, ProtocolError> {
        Ok(self.apply(bytes)?.map(update))
    }

    /// What of a connection's presence update the room takes. Presence is kept in memory and
    /// sent to every newcomer, so it is bounded, and each presence answers to one connection:
    /// - a presence belongs to the connection that brought it first (at most
    ///   `PRESENCE_PER_CONNECTION`, `PRESENCE_PER_TOKEN` for one token, `PRESENCE_PER_ROOM` in
    ///   the room), until that connection leaves or says it is gone, or the same token brings it
    ///   on a new connection (a device reconnecting before the hub let the old one go);
    /// - another connection cannot change or remove it: a stock client relays the room's other
    ///   presences (so they would flicker out when it leaves), and anyone could hide another;
    /// - a state over `PRESENCE_STATE_BYTES` is dropped.
    ///
    /// What is dropped is left out silently: the connection and its sync go on.
    fn admit(&mut self, update: AwarenessUpdate, presence: &mut Presence) -> AwarenessUpdate {
        let mut kept = AwarenessUpdate { clients: Default::default() };
        // What a reconnection of the same token took back is no longer this connection's.
        presence.clients.retain(|client| self.claimed.get(client).is_some_and(|claim| claim.peer == presence.peer));
        // Each entry costs a lookup; only those kept (a few) are read as JSON.
        for (client, entry) in update.clients {
            if entry.json.len() > PRESENCE_STATE_BYTES {
                continue;
            }
            let removal = entry.json.as_ref() == "null";
            let within_own = presence.clients.len() < PRESENCE_PER_CONNECTION;
            match self.claimed.get(&client) {
                Some(claim) if claim.peer == presence.peer => {}
                Some(claim) if presence.token.is_some() && claim.token == presence.token && within_own => {}
                Some(_) => continue,
                None => {
                    let of_token = presence.token.as_ref().map_or(0, |t| self.per_token.get(t).copied().unwrap_or(0));
                    if removal
                        || !within_own
                        || of_token >= PRESENCE_PER_TOKEN
                        || self.claimed.len() >= PRESENCE_PER_ROOM
                    {
                        continue;
                    }
                }
            }
            // A state that is not JSON would hold a place no one could clear, and stock clients
            // fail on it.
            if !removal && serde_json::from_str::<serde::de::IgnoredAny>(&entry.json).is_err() {
                continue;
            }
            self.claim(client, presence);
            kept.clients.insert(client, entry);
        }
        kept
    }

    /// After an update is applied: what yrs kept decides (a removal older than the state it
    /// would remove is ignored, and the presence stays its connection's; a presence older than
    /// what the room holds is not taken). A presence gone is no one's any more.
    fn settle(&mut self, clients: impl Iterator<Item = ClientID>, presence: &mut Presence) {
        let mut gone = false;
        for client in clients {
            if self.awareness.state::<serde::de::IgnoredAny>(client).is_none() {
                self.unclaim(client);
                presence.clients.remove(&client);
                gone = true;
            }
        }
        if gone {
            self.forget_departed();
        }
    }

    fn claim(&mut self, client: ClientID, presence: &mut Presence) {
        if self.claimed.get(&client).is_some_and(|claim| claim.peer == presence.peer) {
            return;
        }
        self.unclaim(client);
        if let Some(token) = &presence.token {
            *self.per_token.entry(token.clone()).or_default() += 1;
        }
        self.claimed.insert(client, presence.claim());
        presence.clients.insert(client);
    }

    fn unclaim(&mut self, client: ClientID) {
        let Some(Claim { token: Some(token), .. }) = self.claimed.remove(&client) else { return };
        if let Some(count) = self.per_token.get_mut(&token) {
            *count -= 1;
            if *count == 0 {
                self.per_token.remove(&token);
            }
        }
    }

    /// The presences with a state.
    fn present(&self) -> Vec<ClientID> {
        self.awareness.iter().filter(|(_, state)| state.data.is_some()).map(|(client, _)| client).collect()
    }

    /// A connection left: its presence is removed, and the frame telling the others is returned.
    pub fn leave(&mut self, presence: Presence) -> Option<Vec<u8>> {
        // Only what is still its own: a reconnection may have taken some back.
        let own: Vec<ClientID> = presence
            .clients
            .iter()
            .copied()
            .filter(|client| self.claimed.get(client).is_some_and(|claim| claim.peer == presence.peer))
            .collect();
        if own.is_empty() {
            return None;
        }
        for client in &own {
            self.awareness.remove_state(*client);
            self.unclaim(*client);
        }
        let update = self.awareness.update_with_clients(own.iter().copied()).ok()?;
        self.forget_departed();
        Some(encode(&Message::Awareness(update)))
    }

    /// The presence of those who left stays known (its clock, as Yjs keeps it) without a
    /// state, in memory and in every newcomer's greeting: after a day of reconnections, the
    /// room keeps only those present.
    fn forget_departed(&mut self) {
        if self.awareness.iter().count() <= 2 * PRESENCE_PER_ROOM {
            return;
        }
        self.keep_presence_with(self.doc.clone());
    }

    /// A new presence for `doc`, holding the states of those present, clocks and owners kept.
    fn keep_presence_with(&mut self, doc: Doc) {
        let present = self.awareness.update_with_clients(self.present());
        self.awareness = Awareness::new(doc);
        if let Ok(present) = present {
            let _ = self.awareness.apply_update(present);
        }
    }

    /// Reloads the document after a failed update, which may have left it half-applied.
    pub fn reset(&mut self, doc: Doc) {
        // Who is present, and whose each presence is, stay: only the document was at fault.
        self.keep_presence_with(doc.clone());
        self.doc = doc;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use recolte_core::schema::{add_proposal, new_doc_of, read_proposals, DocKind, NewProposal};
    use yrs::sync::AwarenessUpdate;
    use yrs::Update;

    /// A presence frame: the same state at the same clock for each client id.
    fn presence_frame(ids: std::ops::Range<u64>, clock: u32, json: &str) -> Vec<u8> {
        let entry = |id| (ClientID::new(id), yrs::sync::awareness::AwarenessUpdateEntry { clock, json: json.into() });
        encode(&Message::Awareness(AwarenessUpdate { clients: ids.map(entry).collect() }))
    }

    fn edit() -> Vec<u8> {
        let doc = new_doc_of(DocKind::Session);
        let mut txn = doc.transact_mut();
        add_proposal(&mut txn, &NewProposal { title: "Idée".into(), ..Default::default() });
        txn.encode_update_v1()
    }

    #[test]
    fn a_writer_update_is_persisted_then_broadcast() {
        let mut room = Room::new(new_doc_of(DocKind::Session));
        let effects = room.receive(Access::Write, &update(edit()), &mut Presence::default()).unwrap();
        assert!(matches!(effects.as_slice(), [Effect::Persist(_), Effect::Broadcast(_)]));
        assert_eq!(read_proposals(&room.doc().transact()).len(), 1);
        // The same update again brings nothing: nothing to save or send.
        let again = room.receive(Access::Write, &update(edit_again(&room)), &mut Presence::default()).unwrap();
        assert!(again.is_empty());
    }

    fn edit_again(room: &Room) -> Vec<u8> {
        room.doc().transact().encode_state_as_update_v1(&StateVector::default())
    }

    #[test]
    fn a_reader_update_is_dropped_and_the_room_is_unchanged() {
        let mut room = Room::new(new_doc_of(DocKind::Session));
        let effects = room.receive(Access::Read, &update(edit()), &mut Presence::default()).unwrap();
        assert!(matches!(effects.as_slice(), [Effect::Dropped { .. }]));
        assert!(read_proposals(&room.doc().transact()).is_empty());
        // An empty step 2, which every client sends on joining, is not worth reporting.
        let empty = room.receive(Access::Read, &step2(Update::new().encode_v1()), &mut Presence::default()).unwrap();
        assert!(empty.is_empty());
    }

    #[test]
    fn step_1_is_answered_with_what_the_peer_lacks() {
        let mut room = Room::new(new_doc_of(DocKind::Session));
        room.receive(Access::Write, &update(edit()), &mut Presence::default()).unwrap();
        let effects = room.receive(Access::Read, &step1(&StateVector::default()), &mut Presence::default()).unwrap();
        let [Effect::Reply(frame)] = effects.as_slice() else { panic!("{effects:?}") };
        let Message::Sync(SyncMessage::SyncStep2(diff)) = decode(frame).unwrap() else { panic!() };
        let peer = new_doc_of(DocKind::Session);
        peer.transact_mut().apply_update(Update::decode_v1(&diff).unwrap()).unwrap();
        assert_eq!(read_proposals(&peer.transact()).len(), 1);
    }

    #[test]
    fn malformed_frames_are_refused_and_change_nothing() {
        let mut room = Room::new(new_doc_of(DocKind::Session));
        let before = edit_again(&room);
        let mut trailing = update(edit());
        trailing.push(0);
        let cases: Vec<Vec<u8>> = vec![
            vec![],
            vec![0xff, 0xff, 0xff],
            vec![0, 7, 1, 2],
            vec![0, 2, 200, 1, 2, 3],
            update(vec![0xff; 12]),
            trailing,
            vec![2, 0],
            vec![9, 1, 1],
        ];
        for frame in cases {
            let result = room.receive(Access::Write, &frame, &mut Presence::default());
            assert!(result.is_err(), "accepted {frame:?}");
        }
        assert_eq!(edit_again(&room), before);
    }

    #[test]
    fn a_connection_that_relays_anothers_presence_does_not_clear_it_when_it_leaves() {
        let mut room = Room::new(new_doc_of(DocKind::Session));
        let update = |clients: &[u64]| {
            let entry = |id: &u64| {
                (
                    ClientID::new(*id),
                    yrs::sync::awareness::AwarenessUpdateEntry { clock: 1, json: r#"{"user":{}}"#.into() },
                )
            };
            encode(&Message::Awareness(AwarenessUpdate { clients: clients.iter().map(entry).collect() }))
        };
        let (mut first, mut relaying) = (Presence::default(), Presence::default());
        room.receive(Access::Read, &update(&[42]), &mut first).unwrap();
        room.receive(Access::Read, &update(&[42, 43]), &mut relaying).unwrap();
        room.leave(relaying).unwrap();
        let present = |room: &Room| {
            room.awareness.iter().filter(|(_, state)| state.data.is_some()).map(|(id, _)| id.get()).collect::<Vec<_>>()
        };
        assert_eq!(present(&room), [42]);
        room.leave(first).unwrap();
        assert!(present(&room).is_empty());
    }

    #[test]
    fn presence_is_bounded_in_size_and_in_number_and_the_connection_goes_on() {
        let mut room = Room::new(new_doc_of(DocKind::Event));
        let frame = presence_frame;
        let present = |room: &Room| room.awareness.iter().filter(|(_, state)| state.data.is_some()).count();
        let small = r#"{"user":{"name":"Camille"}}"#;
        let huge = format!(r#"{{"user":{{"name":"{}"}}}}"#, "x".repeat(PRESENCE_STATE_BYTES));
        // Too big: dropped, nothing to send, and no error (the connection goes on).
        assert!(room.receive(Access::Read, &frame(1..2, 1, &huge), &mut Presence::default()).unwrap().is_empty());
        // One connection brings at most a few presences; removals of unknown ones are dropped.
        let mut flood = Presence::default();
        room.receive(Access::Read, &frame(1..1_000, 1, small), &mut flood).unwrap();
        assert_eq!(present(&room), PRESENCE_PER_CONNECTION);
        assert!(room.receive(Access::Read, &frame(5_000..9_000, 1, "null"), &mut flood).unwrap().is_empty());
        // Many connections fill the room up to its limit; then newcomers' presence is left out.
        let mut others: Vec<Presence> = Vec::new();
        for n in 0.. {
            let first = 10_000 + n * PRESENCE_PER_CONNECTION as u64;
            let mut presence = Presence::default();
            room.receive(Access::Read, &frame(first..first + PRESENCE_PER_CONNECTION as u64, 1, small), &mut presence)
                .unwrap();
            others.push(presence);
            if present(&room) >= PRESENCE_PER_ROOM {
                break;
            }
        }
        assert!(room
            .receive(Access::Read, &frame(90_000..90_001, 1, small), &mut Presence::default())
            .unwrap()
            .is_empty());
        // Those there renew theirs as before; when they leave, room is made again.
        let mine = flood.clients.iter().next().unwrap().get();
        assert!(!room.receive(Access::Read, &frame(mine..mine + 1, 2, small), &mut flood).unwrap().is_empty());
        for presence in others {
            room.leave(presence);
        }
        assert_eq!(present(&room), PRESENCE_PER_CONNECTION);
        assert!(!room
            .receive(Access::Read, &frame(90_000..90_001, 1, small), &mut Presence::default())
            .unwrap()
            .is_empty());
        // Those who left are forgotten, not kept as empty entries for every newcomer's greeting:
        // rooms filled and left three times over.
        for round in 0..3u64 {
            let mut comers = Vec::new();
            for n in 0..(PRESENCE_PER_ROOM / PRESENCE_PER_CONNECTION) as u64 {
                let first = 100_000 * (round + 2) + n * PRESENCE_PER_CONNECTION as u64;
                let mut presence = Presence::default();
                room.receive(
                    Access::Read,
                    &frame(first..first + PRESENCE_PER_CONNECTION as u64, 1, small),
                    &mut presence,
                )
                .unwrap();
                comers.push(presence);
            }
            for presence in comers {
                room.leave(presence);
            }
        }
        assert!(room.awareness.iter().count() <= 2 * PRESENCE_PER_ROOM, "{}", room.awareness.iter().count());
        // A state that is not JSON holds no place.
        assert!(room
            .receive(Access::Read, &frame(7..8, 1, "pas du JSON"), &mut Presence::default())
            .unwrap()
            .is_empty());
    }

    #[test]
    fn a_presence_stays_its_owners_through_an_old_removal_a_reload_and_a_reconnection() {
        let mut room = Room::new(new_doc_of(DocKind::Session));
        let frame = presence_frame;
        let present = |room: &Room| room.present().len();
        // Removals older than the states they name change nothing, and free no room for more.
        let mut ghosts = Presence::of(Some("panel".into()));
        room.receive(Access::Read, &frame(1..9, 5, "{}"), &mut ghosts).unwrap();
        room.receive(Access::Read, &frame(1..9, 1, "null"), &mut ghosts).unwrap();
        room.receive(Access::Read, &frame(100..200, 5, "{}"), &mut ghosts).unwrap();
        assert_eq!(present(&room), PRESENCE_PER_CONNECTION);
        // One token, many connections: bounded too.
        for n in 0..10 {
            let first = 1_000 + n * 10;
            room.receive(Access::Read, &frame(first..first + 8, 1, "{}"), &mut Presence::of(Some("panel".into())))
                .unwrap();
        }
        assert_eq!(present(&room), PRESENCE_PER_TOKEN);
        // A reload of the document keeps who is present and whose each presence is.
        let mut victim = Presence::of(Some("dana".into()));
        room.receive(Access::Read, &frame(42..43, 1, r#"{"user":{"name":"Dana"}}"#), &mut victim).unwrap();
        room.reset(new_doc_of(DocKind::Session));
        assert_eq!(present(&room), PRESENCE_PER_TOKEN + 1, "who is present stays through a reload");
        let impostor = frame(42..43, 9, r#"{"user":{"name":"Impostor"}}"#);
        assert!(room.receive(Access::Read, &impostor, &mut Presence::of(Some("other".into()))).unwrap().is_empty());
        // Dana's device reconnects before the hub let the old connection go: it takes its
        // presence back, and the old connection's leaving does not take it away.
        let mut again = Presence::of(Some("dana".into()));
        assert!(!room
            .receive(Access::Read, &frame(42..43, 2, r#"{"user":{"name":"Dana"}}"#), &mut again)
            .unwrap()
            .is_empty());
        assert!(room.leave(victim).is_none());
        let state: Option<serde_json::Value> = room.awareness.state(ClientID::new(42));
        assert_eq!(state.unwrap()["user"]["name"], "Dana");
        // Taking presences back is bounded per connection too.
        let mut greedy = Presence::of(Some("panel".into()));
        room.receive(Access::Read, &frame(1..2_000, 9, "{}"), &mut greedy).unwrap();
        assert_eq!(greedy.clients.len(), PRESENCE_PER_CONNECTION);
    }

    #[test]
    fn another_connection_cannot_change_or_remove_a_presence() {
        let mut room = Room::new(new_doc_of(DocKind::Session));
        let frame = |clock: u32, json: &str| presence_frame(42..43, clock, json);
        let (mut owner, mut other) = (Presence::default(), Presence::default());
        room.receive(Access::Read, &frame(1, r#"{"user":{"name":"Dana"}}"#), &mut owner).unwrap();
        assert!(room.receive(Access::Read, &frame(1_000_000, "{}"), &mut other).unwrap().is_empty());
        assert!(room.receive(Access::Read, &frame(1_000_001, "null"), &mut other).unwrap().is_empty());
        let state: Option<serde_json::Value> = room.awareness.state(ClientID::new(42));
        assert_eq!(state.unwrap()["user"]["name"], "Dana");
        // Its owner may say it is gone, and then anyone may bring it again (a reconnection)…
        room.receive(Access::Read, &frame(2, "null"), &mut owner).unwrap();
        assert!(!room.receive(Access::Read, &frame(3, r#"{"user":{"name":"Dana"}}"#), &mut other).unwrap().is_empty());
        // …but not as it was before: what yrs would ignore is not sent to anyone either.
        room.leave(other);
        let stale = frame(1, r#"{"user":{"name":"Quelqu'un"}}"#);
        assert!(room.receive(Access::Read, &stale, &mut Presence::default()).unwrap().is_empty());
        assert!(room.present().is_empty());
    }

    #[test]
    fn presence_is_relayed_and_cleared_when_a_connection_leaves() {
        let mut room = Room::new(new_doc_of(DocKind::Session));
        let mut presence = Presence::default();
        let client = ClientID::new(42);
        let update = AwarenessUpdate {
            clients: [(
                client,
                yrs::sync::awareness::AwarenessUpdateEntry { clock: 1, json: r#"{"user":"Camille"}"#.into() },
            )]
            .into_iter()
            .collect(),
        };
        let effects = room.receive(Access::Read, &encode(&Message::Awareness(update)), &mut presence).unwrap();
        assert!(matches!(effects.as_slice(), [Effect::Reply(_), Effect::Broadcast(_)]), "echoed, and relayed");
        assert_eq!(room.greeting().len(), 2, "a newcomer learns who is there");
        assert!(room.leave(presence).is_some());
        assert_eq!(room.greeting().len(), 1);
    }
}
