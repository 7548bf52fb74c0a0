//! The interface's TypeScript types, generated from the Rust types the commands take and
//! return (`ui/src/generated/types.ts`), so that the two never drift apart: the test below
//! fails when the file is not what the Rust types say, and writes it anew when asked.
//!
//!   RECOLTE_WRITE_TYPES=1 cargo test -p recolte-app bindings

#[cfg(test)]
mod tests {
    use recolte_core::access::{Access, Role};
    use recolte_core::dedupe::Suggestion;
    use recolte_core::ids::{CommentId, ConsolidatedId, EventId, ProposalId, SessionId, SubgroupId};
    use recolte_core::invitation::Invitation;
    use recolte_core::lang::Lang;
    use recolte_core::model::{
        Consolidated, Kind, Phase, Proposal, SearchHit, SessionInfo, Slot, Source, Speaker, Status, Subgroup, Theme,
    };
    use recolte_core::programme::{Day, Place};
    use recolte_core::schema::{
        ClockAction, CommentRecord, ConsolidatedRecord, JoinedDevice, LexiconEntry, MarkRecord, PhaseSpan,
        ProposalRecord, SessionClock, SetAsideReason, SetAsideRecord, SubgroupRecord, TakenAway, VoteRecord,
    };
    use recolte_export::decidim::Answers;
    use recolte_export::sheet::QrPath;
    use recolte_store::{
        AlikeAcrossThemes, AllInvitations, EventSummary, EventView, ImportReport, InvitationRecord, InvitationState,
        MemberVotes, Moment, NamedSnapshot, PanelSummary, RestorePreview, Review, ReviewComment, SessionContent,
        SnapshotContent, SnapshotReason, SnapshotRestore, SummaryItem, SummarySource, ThemeSummary, Triage, UndoAction,
        UndoDepth, UndoOutcome, Version,
    };
    use recolte_sync::arrivals::{ArrivalDevice, ArrivalsBoard, DeviceReport, SessionArrival, ThemeArrival};
    use recolte_sync::client::{DocStatus, SyncState};
    use recolte_sync::join::Preview;
    use recolte_sync::nearby::NearbyHub;
    use recolte_sync::refusal::RefusalCode;
    use recolte_sync::status::{
        DeviceAccess, DocReport, ErrorReport, Home, Overall, SessionAccess, Summary, ThemeAccess,
    };
    use ts_rs::{Config, TS};

    use crate::commands::app::{AppInfo, Settings};
    use crate::commands::capture::{NewProposal, ProposalChanges, SessionView};
    use crate::commands::export::{AnswersWritten, Written};
    use crate::commands::files::{BundleImported, BundleWritten};
    use crate::commands::history::PlaceArg;
    use crate::commands::hub::ServeInfo;
    use crate::commands::organisation::{JoinResult, NewInvitation, OrganisationView};
    use crate::commands::synthesis::{ConsolidatedChanges, Merge, Merged, ThemeView};
    use crate::error::{ApiError, ErrorCode};

    const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/generated/types.ts");

    fn declarations() -> String {
        // Counts and sequence numbers are JSON numbers, far below 2^53.
        let cfg = Config::new().with_large_int("number");
        let declarations: Vec<String> = vec![
            // Identifiers.
            EventId::decl(&cfg),
            SessionId::decl(&cfg),
            SubgroupId::decl(&cfg),
            ProposalId::decl(&cfg),
            ConsolidatedId::decl(&cfg),
            CommentId::decl(&cfg),
            // The programme and the records.
            Lang::decl(&cfg),
            Role::decl(&cfg),
            Access::decl(&cfg),
            Kind::decl(&cfg),
            Status::decl(&cfg),
            Place::decl(&cfg),
            Day::decl(&cfg),
            Speaker::decl(&cfg),
            Phase::decl(&cfg),
            Theme::decl(&cfg),
            Slot::decl(&cfg),
            SessionInfo::decl(&cfg),
            EventSummary::decl(&cfg),
            EventView::decl(&cfg),
            Subgroup::decl(&cfg),
            Proposal::decl(&cfg),
            Source::decl(&cfg),
            Consolidated::decl(&cfg),
            SearchHit::decl(&cfg),
            // Synthesis and panel.
            Suggestion::decl(&cfg),
            SetAsideReason::decl(&cfg),
            SetAsideRecord::decl(&cfg),
            LexiconEntry::decl(&cfg),
            Triage::decl(&cfg),
            Review::decl(&cfg),
            ReviewComment::decl(&cfg),
            MemberVotes::decl(&cfg),
            PanelSummary::decl(&cfg),
            AlikeAcrossThemes::decl(&cfg),
            ThemeSummary::decl(&cfg),
            SummaryItem::decl(&cfg),
            SummarySource::decl(&cfg),
            // The session clock.
            SessionClock::decl(&cfg),
            PhaseSpan::decl(&cfg),
            ClockAction::decl(&cfg),
            // Documents read at a moment, history, undo and snapshots.
            SubgroupRecord::decl(&cfg),
            ProposalRecord::decl(&cfg),
            ConsolidatedRecord::decl(&cfg),
            MarkRecord::decl(&cfg),
            CommentRecord::decl(&cfg),
            VoteRecord::decl(&cfg),
            Moment::<()>::decl(&cfg),
            SessionContent::decl(&cfg),
            Version::decl(&cfg),
            UndoAction::decl(&cfg),
            UndoOutcome::decl(&cfg),
            UndoDepth::decl(&cfg),
            PlaceArg::decl(&cfg),
            SnapshotReason::decl(&cfg),
            NamedSnapshot::decl(&cfg),
            SnapshotContent::decl(&cfg),
            SnapshotRestore::decl(&cfg),
            RestorePreview::decl(&cfg),
            TakenAway::decl(&cfg),
            // Invitations, access and sync.
            Invitation::decl(&cfg),
            InvitationState::decl(&cfg),
            InvitationRecord::decl(&cfg),
            AllInvitations::decl(&cfg),
            JoinedDevice::decl(&cfg),
            OrganisationView::decl(&cfg),
            JoinResult::decl(&cfg),
            Home::decl(&cfg),
            SessionAccess::decl(&cfg),
            ThemeAccess::decl(&cfg),
            DeviceAccess::decl(&cfg),
            SyncState::decl(&cfg),
            DocStatus::decl(&cfg),
            RefusalCode::decl(&cfg),
            ErrorReport::decl(&cfg),
            ServeInfo::decl(&cfg),
            recolte_store::OverDots::decl(&cfg),
            NearbyHub::decl(&cfg),
            ArrivalsBoard::decl(&cfg),
            SessionArrival::decl(&cfg),
            ArrivalDevice::decl(&cfg),
            ThemeArrival::decl(&cfg),
            DeviceReport::decl(&cfg),
            Preview::decl(&cfg),
            NewInvitation::decl(&cfg),
            Overall::decl(&cfg),
            Summary::decl(&cfg),
            DocReport::decl(&cfg),
            QrPath::decl(&cfg),
            // What the screens read and send.
            Settings::decl(&cfg),
            SessionView::decl(&cfg),
            NewProposal::decl(&cfg),
            ProposalChanges::decl(&cfg),
            ThemeView::decl(&cfg),
            Merge::decl(&cfg),
            Merged::decl(&cfg),
            ConsolidatedChanges::decl(&cfg),
            // Files and the app.
            ImportReport::decl(&cfg),
            BundleWritten::decl(&cfg),
            BundleImported::decl(&cfg),
            Written::decl(&cfg),
            Answers::decl(&cfg),
            AnswersWritten::decl(&cfg),
            AppInfo::decl(&cfg),
            ErrorCode::decl(&cfg),
            ApiError::decl(&cfg),
        ];
        let mut out = String::from(
            "// Generated from the Rust types by src-tauri/src/bindings.rs: do not edit by hand.\n\
             // RECOLTE_WRITE_TYPES=1 cargo test -p recolte-app bindings writes it anew.\n\n",
        );
        for declaration in declarations {
            out.push_str("export ");
            out.push_str(&declaration);
            out.push_str("\n\n");
        }
        // The longest text of each field the store accepts, for the fields' `maxlength`.
        use recolte_store::Field;
        out.push_str(
            "/** The longest text of each field, in characters, that the store accepts. */\nexport const LONGEST = {\n",
        );
        for (name, field) in [
            ("title", Field::Title),
            ("body", Field::Body),
            ("name", Field::Name),
            ("word", Field::Word),
            ("tag", Field::Tag),
            ("comment", Field::Comment),
        ] {
            out.push_str(&format!("  {name}: {},\n", field.longest()));
        }
        out.push_str("} as const\n");
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    }

    #[test]
    fn the_interface_types_are_those_of_the_rust_types() {
        let generated = declarations();
        if std::env::var_os("RECOLTE_WRITE_TYPES").is_some() {
            std::fs::write(PATH, &generated).expect("writing ui/src/generated/types.ts");
            return;
        }
        let committed = std::fs::read_to_string(PATH).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/generated/types.ts is not what the Rust types say: run \
             RECOLTE_WRITE_TYPES=1 cargo test -p recolte-app bindings, then check the interface builds"
        );
    }
}
