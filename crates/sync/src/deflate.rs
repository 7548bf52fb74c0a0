//! Deflated frames between Récolte's own devices and hubs, so that a cold join carries less
//! than the documents' state (which is about twice its text: each proposal's record, UUIDs
//! and field names, beside its words).
//!
//! WebSocket's own compression (permessage-deflate) is not offered by the WebSocket library
//! we use, so this is a small extension of the y-websocket protocol, asked for and never
//! imposed: a device asks for it with `compress=deflate` in the room's address; a hub that
//! knows it sends its first frame deflated, which tells the device it may deflate too. A
//! stock Yjs client never asks, and receives exactly the frames it always did; a hub that does
//! not know it ignores the parameter, and the device then never deflates.
//!
//! A deflated frame is the message type [`DEFLATED`] followed by one y-websocket frame
//! compressed as raw deflate (RFC 1951). It is never nested.

use std::io::Read;

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;

use recolte_core::Lang;

use crate::protocol::ProtocolError;

/// The message type of a deflated frame: y-protocols uses 0 to 3.
pub const DEFLATED: u8 = 100;
/// The query parameter with which a device asks a hub for deflated frames.
pub const ASK: &str = "compress=deflate";
/// Frames smaller than this go as they are: a keystroke's update is tens of bytes, and
/// deflate would spend time to save nothing.
pub const FROM_BYTES: usize = 256;

/// Is this frame deflated?
pub fn is_deflated(frame: &[u8]) -> bool {
    frame.first() == Some(&DEFLATED)
}

/// The frame deflated, if that makes it smaller (or always, with `always`: the hub's first
/// frame, which says it speaks this).
pub fn pack(frame: &[u8], always: bool) -> Option<Vec<u8>> {
    if !always && frame.len() < FROM_BYTES {
        return None;
    }
    let mut packed = vec![DEFLATED];
    // The fastest level keeps most of the gain (UUIDs and field names repeat within a few
    // kilobytes) and costs a hub little for a whole event's join.
    let mut encoder = DeflateEncoder::new(&mut packed, Compression::fast());
    std::io::Write::write_all(&mut encoder, frame).ok()?;
    encoder.finish().ok()?;
    (always || packed.len() < frame.len()).then_some(packed)
}

/// The frame a deflated frame holds, refused when it would grow beyond `limit` bytes, when
/// the stream is damaged or followed by anything, or when it holds another deflated frame.
pub fn unpack(frame: &[u8], limit: usize) -> Result<Vec<u8>, ProtocolError> {
    let stream = frame.get(1..).unwrap_or_default();
    let mut decoder = DeflateDecoder::new(stream);
    let mut inner = Vec::new();
    (&mut decoder)
        .take(limit as u64 + 1)
        .read_to_end(&mut inner)
        .map_err(|e| ProtocolError::Malformed(format!("damaged deflated frame: {e}")))?;
    if inner.len() > limit {
        return Err(ProtocolError::TooBig { limit });
    }
    // Bytes after the end of the stream hide something: refused, like a padded message.
    if decoder.total_in() != stream.len() as u64 {
        let extra = (stream.len() as u64 - decoder.total_in()) as usize;
        return Err(ProtocolError::Malformed(format!(
            "{} follow the deflated frame",
            Lang::En.count(extra, "byte", "bytes")
        )));
    }
    if is_deflated(&inner) {
        return Err(ProtocolError::Malformed("a deflated frame inside a deflated frame".into()));
    }
    Ok(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_like(n: usize) -> Vec<u8> {
        // UUIDs and field names repeated, as in a document's state.
        (0..n).flat_map(|i| format!("{i:08}-57d8-717e-a8af-974c3bdfed99 title body subgroup ").into_bytes()).collect()
    }

    #[test]
    fn a_large_frame_goes_smaller_and_comes_back_whole() {
        let frame = state_like(200);
        let packed = pack(&frame, false).expect("smaller");
        assert!(packed.len() * 3 < frame.len(), "{} → {}", frame.len(), packed.len());
        assert!(is_deflated(&packed));
        assert_eq!(unpack(&packed, 1 << 20).unwrap(), frame);
    }

    #[test]
    fn small_frames_go_as_they_are_unless_asked() {
        let keystroke = vec![0, 2, 5, 1, 2, 3, 4, 5];
        assert_eq!(pack(&keystroke, false), None);
        let forced = pack(&keystroke, true).expect("always");
        assert_eq!(unpack(&forced, 1 << 20).unwrap(), keystroke);
    }

    #[test]
    fn bombs_damage_trailing_bytes_and_nesting_are_refused() {
        let bomb = pack(&vec![0u8; 1 << 20], false).unwrap();
        assert_eq!(unpack(&bomb, 1 << 16), Err(ProtocolError::TooBig { limit: 1 << 16 }));

        let mut damaged = pack(&state_like(50), false).unwrap();
        damaged.truncate(damaged.len() / 2);
        assert!(matches!(unpack(&damaged, 1 << 20), Err(ProtocolError::Malformed(_))));

        let mut trailing = pack(&state_like(50), false).unwrap();
        trailing.extend_from_slice(b"more");
        assert!(matches!(unpack(&trailing, 1 << 20), Err(ProtocolError::Malformed(m)) if m.contains("follow")));

        let nested = pack(&pack(&state_like(50), false).unwrap(), true).unwrap();
        assert!(matches!(unpack(&nested, 1 << 20), Err(ProtocolError::Malformed(m)) if m.contains("inside")));

        assert!(unpack(&[DEFLATED], 1 << 20).is_err());
        assert!(unpack(&[DEFLATED, 0xff, 0xff], 1 << 20).is_err());
    }
}
