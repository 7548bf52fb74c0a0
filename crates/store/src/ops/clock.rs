//! The session's clock that every facilitator of the session shares.

use recolte_core::ids::{EventId, SessionId};
use recolte_core::model::Phase;
use recolte_core::schema::{self, DocName};
use yrs::Transact;

use crate::error::Error;
use crate::Store;

impl Store {
    /// The session's clock, as every facilitator of the session sees it.
    pub fn session_clock(&mut self, session: SessionId) -> Result<schema::SessionClock, Error> {
        let (event, scheduled, run_sheet) = self.clock_context(session)?;
        let doc = self.read_doc(&DocName::Session(event, session))?;
        Ok(schema::read_clock(&doc.transact()).at(scheduled, &run_sheet, jiff::Timestamp::now()))
    }

    /// Starts, pauses, resumes, extends (the current phase, by `minutes`, 5 by default) or
    /// skips to the next phase; returns the clock after it. `seen`: the phase the person saw
    /// as current when they pressed (the window gives it): two facilitators pressing *Phase
    /// suivante* at once end that phase once, not it and the next; an extension of a phase
    /// that ended meanwhile is refused. Without it, the phase current now.
    pub fn clock_action(
        &mut self,
        session: SessionId,
        action: schema::ClockAction,
        minutes: Option<u32>,
        seen: Option<usize>,
    ) -> Result<schema::SessionClock, Error> {
        use schema::ClockAction as A;
        let (event, scheduled, run_sheet) = self.clock_context(session)?;
        let name = DocName::Session(event, session);
        let now = jiff::Timestamp::now();
        let record = schema::read_clock(&self.read_doc(&name)?.transact());
        let clock = record.at(scheduled, &run_sheet, now);
        let id = uuid::Uuid::now_v7().to_string();
        let running = clock.phase_index.ok_or(Error::ClockNotRunning);
        if let Some(seen) = seen.filter(|seen| *seen >= run_sheet.len()) {
            return Err(Error::UnknownPhase { phase: seen, count: run_sheet.len() });
        }
        // The phase seen is over (the session too, perhaps): the press was meant for it.
        let moved_on =
            seen.is_some_and(|seen| clock.phase_index.map_or(clock.stage == "after", |current| current != seen));
        match action {
            // Started by hand, it runs until its end: starting again would put every device's
            // clock back to the first phase, which no one undoes (the app offers it only
            // before a start by hand, or after the end).
            A::Start if clock.started_by_hand && clock.stage != "after" => {
                return Err(Error::ClockStarted { phase: clock.phase.clone().unwrap_or_default() });
            }
            A::Start => self.control(&name, |txn| {
                schema::clock_start(txn, now);
            })?,
            // Before its start or after its end, there is no time to hold or to let run.
            A::Pause | A::Resume if running.is_err() => return Err(Error::ClockNotRunning),
            A::Pause if clock.paused => {}
            A::Pause => self.control(&name, |txn| {
                schema::clock_pause(txn, now, &id);
            })?,
            A::Resume if !clock.paused => {}
            A::Resume => self.control(&name, |txn| {
                schema::clock_resume(txn, now);
            })?,
            A::Extend if moved_on => {
                return Err(match clock.phase.clone() {
                    Some(phase) => Error::ClockMovedOn { phase },
                    None => Error::ClockNotRunning,
                })
            }
            // The phase seen is over: someone else's press did what this one asks.
            A::Next if moved_on => {}
            A::Extend => {
                let phase = running?;
                let seconds = schema::extension_seconds(minutes.unwrap_or(5));
                self.control(&name, |txn| {
                    schema::clock_extend(txn, phase, seconds, &id);
                })?
            }
            A::Next => {
                let phase = running?;
                let active = record.active_seconds(record.started_at.unwrap_or(scheduled), now);
                self.control(&name, |txn| {
                    schema::clock_end_phase(txn, phase, active);
                })?
            }
        }
        self.session_clock(session)
    }

    /// A session's event, its scheduled start and the event's run-sheet.
    fn clock_context(&self, session: SessionId) -> Result<(EventId, jiff::Timestamp, Vec<Phase>), Error> {
        let event = self.session_event(session)?;
        let view = self.event(event)?;
        let info =
            view.sessions.iter().find(|s| s.id == session).ok_or_else(|| Error::UnknownSession(session.to_string()))?;
        let scheduled = schema::scheduled_start(&info.date, &info.start, &view.timezone)
            .ok_or_else(|| Error::UnknownSession(session.to_string()))?;
        Ok((event, scheduled, view.run_sheet))
    }
}
