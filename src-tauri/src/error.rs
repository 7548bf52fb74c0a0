//! The one error shape that crosses IPC: `{ code, message }`. `code` is what the UI switches
//! on; `message` tells the user, in their language, what happened and what to do.

use recolte_core::{Lang, Localize};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// An id or a name that does not exist.
    NotFound,
    /// Input the user can correct (empty title, invalid programme, bad token…).
    Invalid,
    /// The local store could not save or read (a damaged file, a database busy too long…).
    Storage,
    /// The local store could not write because its disk is full or read-only: what was refused
    /// can be written once space is freed (a card's field keeps it and sends it again).
    Unwritable,
    /// The hub could not be reached or refused.
    Network,
    /// Nothing left to undo or redo there: said, nothing to fix.
    NothingToUndo,
    /// A bundle of another event than this device's: the person may add it, or not.
    OtherEvent,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn invalid(message: String) -> ApiError {
        ApiError { code: ErrorCode::Invalid, message }
    }

    pub fn from_store(error: &recolte_store::Error, lang: Lang) -> ApiError {
        use recolte_store::Error as E;
        let code = match error {
            _ if error.unwritable().is_some() => ErrorCode::Unwritable,
            E::UnknownEvent(_) | E::UnknownSession(_) | E::UnknownTheme(_) | E::NoEvent => ErrorCode::NotFound,
            E::OtherEvent { .. } => ErrorCode::Invalid,
            E::UnknownVersion { .. } | E::UnknownSnapshot(_) => ErrorCode::NotFound,
            E::NothingToSnapshot(_) => ErrorCode::Invalid,
            E::BadMoment(_) => ErrorCode::Invalid,
            E::NothingTo { .. } => ErrorCode::NothingToUndo,
            E::BundleOfAnotherEvent { .. } | E::BundleOfAnotherEventSameName { .. } => ErrorCode::OtherEvent,
            E::Core(core) => match core {
                recolte_core::Error::UnknownProposal(_)
                | recolte_core::Error::UnknownSubgroup(_)
                | recolte_core::Error::UnknownConsolidated(_)
                | recolte_core::Error::UnknownComment(_) => ErrorCode::NotFound,
                _ => ErrorCode::Invalid,
            },
            E::Empty(_)
            | E::TooLong { .. }
            | E::DeletedProposal(_)
            | E::DeletedNotReworded(_)
            | E::UndoneMerge(_)
            | E::SubgroupExists(_)
            | E::OutOfRange { .. }
            | E::SameWord(_)
            | E::NoLetterInWord(_)
            | E::OneProposal
            | E::NothingToMerge
            | E::NoSessionGranted
            | E::NoThemeGranted
            | E::SessionsForAnotherRole
            | E::ThemesForAnotherRole
            | E::NotInTheme { .. }
            | E::AmbiguousEvent(_)
            | E::AmbiguousSubgroup { .. }
            | E::EventExists(_)
            | E::RestoreBesideAnotherEvent { .. }
            | E::Token(_)
            | E::NoEventKey(_)
            | E::OutOfRights { .. }
            | E::BundleOfAnotherKey { .. }
            | E::TooManyDots { .. }
            | E::MoreDotsThanTheTheme { .. }
            | E::MergedNotSetAside { .. }
            | E::SetAsideNotMerged { .. }
            | E::ClockNotRunning
            | E::ClockStarted { .. }
            | E::ClockMovedOn { .. }
            | E::UnknownPhase { .. }
            | E::NoVoterName
            | E::InvalidRestore { .. } => ErrorCode::Invalid,
            _ => ErrorCode::Storage,
        };
        ApiError { code, message: error.localize(lang) }
    }

    pub fn from_sync(error: &recolte_sync::client::SyncError, lang: Lang) -> ApiError {
        match error {
            recolte_sync::client::SyncError::Store(e) => ApiError::from_store(e, lang),
            recolte_sync::client::SyncError::Token(_)
            | recolte_sync::client::SyncError::Invitation(_)
            | recolte_sync::client::SyncError::NoHub
            | recolte_sync::client::SyncError::UntrustedNearby
            | recolte_sync::client::SyncError::EventNotOnHub { .. }
            | recolte_sync::client::SyncError::HubWithoutEvent { .. }
            | recolte_sync::client::SyncError::UnsharedElsewhere { .. }
            | recolte_sync::client::SyncError::NameNeeded
            | recolte_sync::client::SyncError::KeyNotTrusted => {
                ApiError { code: ErrorCode::Invalid, message: error.localize(lang) }
            }
            _ => ApiError { code: ErrorCode::Network, message: error.localize(lang) },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_ipc_as_code_and_message() {
        let error = ApiError::from_store(&recolte_store::Error::UnknownTheme(42), Lang::Fr);
        let json = serde_json::to_value(&error).unwrap_or_default();
        assert_eq!(json, serde_json::json!({ "code": "not_found", "message": "aucun thème n° 42 dans cet événement" }));
        let error = ApiError::from_store(&recolte_store::Error::Empty(recolte_store::Field::Title), Lang::En);
        assert_eq!(error.code, ErrorCode::Invalid);
        assert_eq!(error.message, "a title cannot be empty");
        // A store that cannot write (opened for reading on a full disk): its own code, with
        // which a card keeps what was typed to send it again once space is freed.
        let full = recolte_store::Error::OpenForReading {
            path: "/tmp/recolte".into(),
            why: recolte_store::Unwritable::DiskFull,
        };
        assert_eq!(ApiError::from_store(&full, Lang::Fr).code, ErrorCode::Unwritable);
        let damaged = recolte_store::Error::CorruptLog { doc: "e/event".into(), seq: 3, reason: "truncated".into() };
        assert_eq!(ApiError::from_store(&damaged, Lang::Fr).code, ErrorCode::Storage);
    }
}
