//! The bundle file: documents' updates carried by hand (USB key, e-mail) between devices that
//! never meet on a network. Importing a bundle merges exactly as network sync does.
//!
//! Layout, version 1 (all integers big-endian):
//! ```text
//! magic      8 bytes   "RCLTBNDL"
//! version    u16       1
//! header     u32 len + UTF-8 JSON {"event_id", "created_at", "producer", "documents"}
//! documents  "documents" times: u16 len + UTF-8 document name, u32 len + Yjs v1 update
//! checksum   32 bytes  SHA-256 of every byte before it
//! ```
//! Decoding checks everything (magic, version, lengths, checksum, names, that every update
//! decodes, that every document belongs to the header's event) before anything is applied.

use crate::lang::Localize;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use yrs::updates::decoder::Decode;
use yrs::Update;

use crate::ids::EventId;
use crate::schema::DocName;

pub const MAGIC: &[u8; 8] = b"RCLTBNDL";
pub const VERSION: u16 = 1;
const CHECKSUM_LEN: usize = 32;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleHeader {
    pub event_id: EventId,
    pub created_at: String,
    pub producer: String,
    pub documents: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleDocument {
    pub name: DocName,
    /// A Yjs v1 update.
    pub update: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    pub header: BundleHeader,
    pub documents: Vec<BundleDocument>,
}

/// Why a file is not a bundle we can import.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq, Localize)]
pub enum BundleError {
    #[error("this file is not a Récolte bundle: nothing was imported (choose the .rclt file Récolte exported)")]
    #[fr("ce fichier n'est pas un paquet Récolte : rien n'a été importé (choisissez le fichier .rclt que Récolte a exporté)")]
    NotABundle,
    #[error("this bundle uses format version {0}, which this version of Récolte does not read: nothing was imported; update Récolte")]
    #[fr(
        "ce paquet utilise la version {0} du format, que cette version de Récolte ne lit pas : rien n'a été importé ; mettez Récolte à jour"
    )]
    UnsupportedVersion(u16),
    #[error("the bundle is truncated (a copy interrupted, or the file sent as text?): nothing was imported; copy it again from the device that made it, or export a new one there")]
    #[fr("le paquet est tronqué (copie interrompue, ou fichier transmis comme du texte ?) : rien n'a été importé ; recopiez-le depuis l'appareil qui l'a fait, ou exportez-en un nouveau là-bas")]
    Truncated,
    #[error("the bundle is damaged (its checksum does not match): nothing was imported; copy it again from the device that made it, or export a new one there")]
    #[fr("le paquet est abîmé (sa somme de contrôle ne correspond pas) : rien n'a été importé ; recopiez-le depuis l'appareil qui l'a fait, ou exportez-en un nouveau là-bas")]
    Corrupted,
    #[error("the bundle is malformed ({0}): nothing was imported; export a new one on the device that made it")]
    #[fr("le paquet est mal formé ({0}) : rien n'a été importé ; exportez-en un nouveau sur l'appareil qui l'a fait")]
    Malformed(String),
    #[error("document {doc} received an unreadable update ({reason}): it was not saved (from a bundle: nothing was imported; export a new one on the device that made it)")]
    #[fr("le document {doc} a reçu une mise à jour illisible : elle n'a pas été enregistrée (d'un paquet : rien n'a été importé ; exportez-en un nouveau sur l'appareil qui l'a fait)")]
    InvalidUpdate { doc: String, reason: String },
    #[error("document {doc} received a change that replaces the event's signing key, which no device may do (it would hand the event to whoever holds the new key): it was refused, nothing was saved (from a bundle: nothing was imported; tell the organisers where it came from)")]
    #[fr("le document {doc} a reçu une modification qui remplace la clé de signature de l'événement, ce qu'aucun appareil ne peut faire (l'événement passerait à qui détient la nouvelle clé) : elle est refusée, rien n'a été enregistré (d'un paquet : rien n'a été importé ; dites à l'organisation d'où il vient)")]
    SigningKeyChanged { doc: String },
    #[error("document {doc} received a change that takes back a revocation, which no device may do (the revoked invitation would work again): it was refused, nothing was saved (from a bundle: nothing was imported; tell the organisers where it came from)")]
    #[fr("le document {doc} a reçu une modification qui annule une révocation, ce qu'aucun appareil ne peut faire (l'invitation révoquée fonctionnerait de nouveau) : elle est refusée, rien n'a été enregistré (d'un paquet : rien n'a été importé ; dites à l'organisation d'où il vient)")]
    RevocationTakenBack { doc: String },
    #[error("document {doc} in the bundle belongs to another event: nothing was imported")]
    #[fr("le document {doc} du paquet appartient à un autre événement : rien n'a été importé")]
    ForeignDocument { doc: String },
}

impl Bundle {
    pub fn encode(&self) -> Vec<u8> {
        let header = serde_json::to_vec(&self.header).unwrap_or_default();
        let mut out =
            Vec::with_capacity(64 + header.len() + self.documents.iter().map(|d| d.update.len() + 80).sum::<usize>());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_be_bytes());
        out.extend_from_slice(&(header.len() as u32).to_be_bytes());
        out.extend_from_slice(&header);
        for doc in &self.documents {
            let name = doc.name.to_string();
            out.extend_from_slice(&(name.len() as u16).to_be_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&(doc.update.len() as u32).to_be_bytes());
            out.extend_from_slice(&doc.update);
        }
        let checksum = Sha256::digest(&out);
        out.extend_from_slice(&checksum);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Bundle, BundleError> {
        if bytes.len() < MAGIC.len() || &bytes[..MAGIC.len()] != MAGIC {
            return Err(BundleError::NotABundle);
        }
        let mut reader = Reader { bytes, at: MAGIC.len() };
        let version = u16::from_be_bytes(reader.take_array()?);
        if version != VERSION {
            return Err(BundleError::UnsupportedVersion(version));
        }
        let header_len = u32::from_be_bytes(reader.take_array()?) as usize;
        let header: BundleHeader = serde_json::from_slice(reader.take(header_len)?)
            .map_err(|e| BundleError::Malformed(format!("header: {e}")))?;
        let mut raw_documents = Vec::new();
        for _ in 0..header.documents {
            let name_len = u16::from_be_bytes(reader.take_array()?) as usize;
            let name = reader.take(name_len)?;
            let update_len = u32::from_be_bytes(reader.take_array()?) as usize;
            let update = reader.take(update_len)?;
            raw_documents.push((name, update));
        }
        let body_end = reader.at;
        let checksum = reader.take(CHECKSUM_LEN)?;
        if reader.at != bytes.len() || checksum != Sha256::digest(&bytes[..body_end]).as_slice() {
            return Err(BundleError::Corrupted);
        }

        let mut documents = Vec::with_capacity(raw_documents.len());
        for (name, update) in raw_documents {
            let name =
                std::str::from_utf8(name).map_err(|_| BundleError::Malformed("a document name is not UTF-8".into()))?;
            let name: DocName =
                name.parse().map_err(|_| BundleError::Malformed(format!("invalid document name {name:?}")))?;
            if name.event() != header.event_id {
                return Err(BundleError::ForeignDocument { doc: name.to_string() });
            }
            Update::decode_v1(update)
                .map_err(|e| BundleError::InvalidUpdate { doc: name.to_string(), reason: e.to_string() })?;
            documents.push(BundleDocument { name, update: update.to_vec() });
        }
        Ok(Bundle { header, documents })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], BundleError> {
        let end = self.at.checked_add(len).ok_or(BundleError::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(BundleError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    fn take_array<const N: usize>(&mut self) -> Result<[u8; N], BundleError> {
        let slice = self.take(N)?;
        let mut array = [0u8; N];
        array.copy_from_slice(slice);
        Ok(array)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SessionId;
    use crate::schema::{add_proposal, new_doc, NewProposal};
    use yrs::{ReadTxn, StateVector, Transact};

    fn sample() -> Bundle {
        let event = EventId::new();
        let doc = new_doc();
        add_proposal(&mut doc.transact_mut(), &NewProposal { title: "Idée".into(), ..Default::default() });
        let update = doc.transact().encode_state_as_update_v1(&StateVector::default());
        Bundle {
            header: BundleHeader {
                event_id: event,
                created_at: "2025-10-01T16:00:00.000Z".into(),
                producer: "test".into(),
                documents: 1,
            },
            documents: vec![BundleDocument { name: DocName::Session(event, SessionId::new()), update }],
        }
    }

    #[test]
    fn a_bundle_round_trips() {
        let bundle = sample();
        assert_eq!(Bundle::decode(&bundle.encode()).unwrap(), bundle);
    }

    #[test]
    fn every_truncation_is_refused() {
        let bytes = sample().encode();
        for len in 0..bytes.len() {
            assert!(Bundle::decode(&bytes[..len]).is_err(), "accepted a bundle cut at {len}");
        }
        assert_eq!(Bundle::decode(&bytes[..bytes.len() - 1]), Err(BundleError::Truncated));
    }

    #[test]
    fn every_flipped_byte_is_refused() {
        let bytes = sample().encode();
        for at in 0..bytes.len() {
            let mut corrupted = bytes.clone();
            corrupted[at] ^= 0x40;
            assert!(Bundle::decode(&corrupted).is_err(), "accepted a bundle with byte {at} flipped");
        }
    }

    #[test]
    fn foreign_files_and_future_versions_are_named() {
        assert_eq!(Bundle::decode(b"PK\x03\x04 a zip file"), Err(BundleError::NotABundle));
        let mut future = sample().encode();
        future[9] = 2;
        assert_eq!(Bundle::decode(&future), Err(BundleError::UnsupportedVersion(2)));
    }

    #[test]
    fn a_document_of_another_event_is_refused() {
        let mut bundle = sample();
        bundle.documents[0].name = DocName::Panel(EventId::new());
        assert!(matches!(Bundle::decode(&bundle.encode()), Err(BundleError::ForeignDocument { .. })));
    }

    #[test]
    fn an_invalid_update_is_refused_even_with_a_good_checksum() {
        let mut bundle = sample();
        bundle.documents[0].update = vec![0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2];
        assert!(matches!(Bundle::decode(&bundle.encode()), Err(BundleError::InvalidUpdate { .. })));
    }
}
