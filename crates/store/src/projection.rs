//! Projections: the queryable tables derived from the documents. Incremental updates (one
//! record after a local edit) and whole-document projection (after a remote update, or in a
//! rebuild) go through the same row writers, so both give the same rows.

use recolte_core::ids::{EventId, SessionId};
use recolte_core::schema::{self, ConsolidatedRecord, DocName, EventRecord, ProposalRecord, SubgroupRecord};
use rusqlite::{params, Connection};
use yrs::ReadTxn;

use crate::error::{Error, ResultExt};

/// Re-projects everything a document holds, replacing what was projected from it before.
pub fn project_document<T: ReadTxn>(conn: &Connection, name: &DocName, txn: &T) -> Result<(), Error> {
    match name {
        DocName::Event(event) => {
            if let Some(record) = schema::read_event(txn) {
                // A document named for one event that claims to be another is ignored.
                if record.id == *event {
                    project_event(conn, &record)?;
                    conn.execute(
                        "UPDATE events SET practice = ?2, panel_dots = ?3 WHERE id = ?1",
                        params![event.to_string(), schema::is_practice(txn), schema::read_dots_per_theme(txn)],
                    )
                    .ctx("projection du programme", "projecting the programme")?;
                }
            }
        }
        DocName::Session(event, session) => {
            // This event's rows only: a session of the same id in another event's bundle (made
            // up, or a programme imported twice) must not empty this one.
            let keys = params![session.to_string(), event.to_string()];
            conn.execute("DELETE FROM subgroups WHERE session_id = ?1 AND event_id = ?2", keys)
                .ctx("projection des sous-groupes", "projecting sub-groups")?;
            conn.execute("DELETE FROM proposals WHERE session_id = ?1 AND event_id = ?2", keys)
                .ctx("projection des propositions", "projecting proposals")?;
            for subgroup in schema::read_subgroups(txn) {
                upsert_subgroup(conn, *event, *session, &subgroup)?;
            }
            for proposal in schema::read_proposals(txn) {
                upsert_proposal(conn, *event, *session, &proposal)?;
            }
        }
        DocName::Synthesis(event, theme) => {
            conn.execute(
                "DELETE FROM consolidated_sources WHERE consolidated_id IN
                   (SELECT id FROM consolidated WHERE event_id = ?1 AND theme = ?2)",
                params![event.to_string(), theme],
            )
            .ctx("projection de la synthèse", "projecting the synthesis")?;
            conn.execute(
                "DELETE FROM consolidated WHERE event_id = ?1 AND theme = ?2",
                params![event.to_string(), theme],
            )
            .ctx("projection de la synthèse", "projecting the synthesis")?;
            for record in schema::read_consolidated_all(txn) {
                upsert_consolidated(conn, *event, *theme, &record)?;
            }
        }
        DocName::Panel(event) => {
            let e = event.to_string();
            conn.execute("DELETE FROM panel_marks WHERE event_id = ?1", [&e])
                .ctx("projection du panel", "projecting the panel")?;
            conn.execute("DELETE FROM panel_comments WHERE event_id = ?1", [&e])
                .ctx("projection du panel", "projecting the panel")?;
            conn.execute("DELETE FROM panel_votes WHERE event_id = ?1", [&e])
                .ctx("projection du panel", "projecting the panel")?;
            for vote in schema::read_votes(txn) {
                conn.execute(
                    "INSERT INTO panel_votes (event_id, consolidated_id, member, dots, voted_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![e, vote.consolidated_id.to_string(), vote.member, vote.dots, vote.at],
                )
                .ctx("projection du panel", "projecting the panel")?;
            }
            for mark in schema::read_marks(txn) {
                conn.execute(
                    "INSERT INTO panel_marks (event_id, consolidated_id, carry_forward, marked_by, marked_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![e, mark.consolidated_id.to_string(), mark.carry_forward, mark.by, mark.at],
                )
                .ctx("projection du panel", "projecting the panel")?;
            }
            for comment in schema::read_comments(txn) {
                conn.execute(
                    "INSERT INTO panel_comments (id, event_id, consolidated_id, text, author, created_at, deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![comment.id.to_string(), e, comment.consolidated_id.to_string(), comment.text, comment.author, comment.created_at, comment.deleted],
                )
                .ctx("projection du panel", "projecting the panel")?;
            }
        }
    }
    Ok(())
}

fn project_event(conn: &Connection, event: &EventRecord) -> Result<(), Error> {
    let id = event.id.to_string();
    let programme = serde_json::json!({"places": event.places, "days": event.days, "run_sheet": event.run_sheet});
    let ctx = ("projection du programme", "projecting the programme");
    conn.execute(
        "INSERT INTO events (id, name, organiser, timezone, programme, public_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, organiser = excluded.organiser,
             timezone = excluded.timezone, programme = excluded.programme, public_key = excluded.public_key",
        params![id, event.name, event.organiser, event.timezone, programme.to_string(), event.public_key],
    )
    .ctx(ctx.0, ctx.1)?;
    for table in ["themes", "slots", "sessions"] {
        conn.execute(&format!("DELETE FROM {table} WHERE event_id = ?1"), [&id]).ctx(ctx.0, ctx.1)?;
    }
    for theme in &event.themes {
        conn.execute(
            "INSERT INTO themes (event_id, number, title, description, speakers) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                id,
                theme.number,
                theme.title,
                theme.description,
                serde_json::to_string(&theme.speakers).unwrap_or_default()
            ],
        )
        .ctx(ctx.0, ctx.1)?;
    }
    for slot in &event.slots {
        conn.execute(
            "INSERT INTO slots (event_id, id, day, date, start, duration_minutes, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, slot.id, slot.day, slot.date, slot.start, slot.duration_minutes, slot.label],
        )
        .ctx(ctx.0, ctx.1)?;
    }
    for session in &event.sessions {
        conn.execute(
            "INSERT INTO sessions (id, event_id, theme, slot, place, room) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![session.id.to_string(), id, session.theme, session.slot, session.place, session.room],
        )
        .ctx(ctx.0, ctx.1)?;
    }
    Ok(())
}

pub fn upsert_subgroup(
    conn: &Connection,
    event: EventId,
    session: SessionId,
    subgroup: &SubgroupRecord,
) -> Result<(), Error> {
    conn.prepare_cached(
        "INSERT INTO subgroups (id, event_id, session_id, name, created_at, deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, deleted = excluded.deleted
             WHERE subgroups.event_id = excluded.event_id AND subgroups.session_id = excluded.session_id",
    )
    .and_then(|mut stmt| {
        stmt.execute(params![
            subgroup.id.to_string(),
            event.to_string(),
            session.to_string(),
            subgroup.name,
            subgroup.created_at,
            subgroup.deleted
        ])
    })
    .ctx("projection du sous-groupe", "projecting the sub-group")?;
    Ok(())
}

/// Records are keyed by their id alone, and a document can hold a record of any id: whoever
/// may write one session (or theme) could otherwise write a record with the id of another
/// session's proposal and replace its row, shown and exported under the other session and
/// its author. A row is only ever updated from the document it came from.
pub fn upsert_proposal(
    conn: &Connection,
    event: EventId,
    session: SessionId,
    proposal: &ProposalRecord,
) -> Result<(), Error> {
    let ctx = ("projection de la proposition", "projecting the proposal");
    let (id, event, session) = (proposal.id.to_string(), event.to_string(), session.to_string());
    let subgroup = proposal.subgroup.map(|s| s.to_string());
    let tags = serde_json::to_string(&proposal.tags).unwrap_or_default();
    let values = params![
        id,
        event,
        session,
        subgroup,
        proposal.title,
        proposal.body,
        proposal.kind.as_str(),
        tags,
        proposal.author,
        proposal.created_at,
        proposal.deleted
    ];
    // A keystroke changes a title or a body. Setting `created_at` as well (as the upsert
    // does) would rewrite its entry in `proposals_by_session` and write one page more to
    // the disk on every save; so a row whose place is unchanged is updated without it.
    let updated = conn
        .prepare_cached(
            "UPDATE proposals SET subgroup_id = ?4, title = ?5, body = ?6, kind = ?7, tags = ?8, author = ?9,
                 deleted = ?11
             WHERE id = ?1 AND event_id = ?2 AND session_id = ?3 AND created_at = ?10",
        )
        .and_then(|mut stmt| stmt.execute(values))
        .ctx(ctx.0, ctx.1)?;
    if updated == 0 {
        conn.prepare_cached(
            "INSERT INTO proposals (id, event_id, session_id, subgroup_id, title, body, kind, tags, author, created_at, deleted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (id) DO UPDATE SET subgroup_id = excluded.subgroup_id, title = excluded.title,
                 body = excluded.body, kind = excluded.kind, tags = excluded.tags, author = excluded.author,
                 created_at = excluded.created_at, deleted = excluded.deleted
             WHERE proposals.event_id = excluded.event_id AND proposals.session_id = excluded.session_id",
        )
        .and_then(|mut stmt| stmt.execute(values))
        .ctx(ctx.0, ctx.1)?;
    }
    Ok(())
}

pub fn upsert_consolidated(
    conn: &Connection,
    event: EventId,
    theme: u32,
    record: &ConsolidatedRecord,
) -> Result<(), Error> {
    let ctx = ("projection de la proposition consolidée", "projecting the consolidated proposal");
    let projected = conn
        .prepare_cached(
            "INSERT INTO consolidated (id, event_id, theme, title, body, status, priority, author, created_at, deleted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body, status = excluded.status,
                 priority = excluded.priority, author = excluded.author, created_at = excluded.created_at,
                 deleted = excluded.deleted
             WHERE consolidated.event_id = excluded.event_id AND consolidated.theme = excluded.theme",
        )
        .and_then(|mut stmt| {
            stmt.execute(params![
                record.id.to_string(),
                event.to_string(),
                theme,
                record.title,
                record.body,
                record.status.as_str(),
                record.priority,
                record.author,
                record.created_at,
                record.deleted
            ])
        })
        .ctx(ctx.0, ctx.1)?;
    if projected == 0 {
        return Ok(());
    }
    conn.execute("DELETE FROM consolidated_sources WHERE consolidated_id = ?1", [record.id.to_string()])
        .ctx(ctx.0, ctx.1)?;
    for source in &record.sources {
        conn.execute(
            "INSERT INTO consolidated_sources (consolidated_id, proposal_id, session_id) VALUES (?1, ?2, ?3)",
            params![record.id.to_string(), source.proposal_id.to_string(), source.session_id.to_string()],
        )
        .ctx(ctx.0, ctx.1)?;
    }
    Ok(())
}

/// Every projection table, cleared by a rebuild.
pub const TABLES: &[&str] = &[
    "events",
    "themes",
    "slots",
    "sessions",
    "subgroups",
    "proposals",
    "consolidated",
    "consolidated_sources",
    "panel_marks",
    "panel_comments",
    "panel_votes",
];
