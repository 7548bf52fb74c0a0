// The session clock's words and numbers. The clock itself (the start, pauses, extensions) lives
// in the session's document and is computed by the backend (api.sessionClock), so that every
// facilitator of a session sees the same one; this module only writes it and notices when a
// phase ends.
import type { SessionClock } from './api'
import { lang } from './i18n'

/** `1 h 05` in French, `1 h 5 min` in English; `12 min`, `45 s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000))
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.ceil(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  if (lang() === 'en') return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`
}

/** A countdown as a wall clock shows it: `4:07`, `12:00`, `1:05:00`. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds))
  const two = (n: number) => String(n).padStart(2, '0')
  if (s >= 3600) return `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`
  return `${Math.floor(s / 60)}:${two(s % 60)}`
}

/** A phase that ended between two readings of the same session's clock: its label, and what follows
 * (the next phase's label, or null when the session is over). */
export interface PhaseEnd { key: string; ended: string; next: string | null }

/**
 * Whether a phase ended between `before` and `after` (two readings of one session's clock): the
 * phase index moved forward, the session ended, or the time left reached 0. `key` names the
 * moment (phase and its end), so that one end is signalled once, and again after an extension.
 */
export function phaseEnd(before: SessionClock | null, after: SessionClock): PhaseEnd | null {
  if (!before || before.stage !== 'during' || before.phase_index === null) return null
  const i = before.phase_index
  const phase = before.phases[i]
  if (!phase) return null
  const moved = after.stage === 'after' || (after.stage === 'during' && after.phase_index !== null && after.phase_index > i)
  const reachedZero = after.stage === 'during' && after.phase_index === i && after.remaining_seconds <= 0
  if (!moved && !reachedZero) return null
  const following = after.stage === 'during' && after.phase_index !== null && after.phase_index > i
    ? after.phases[after.phase_index] : after.stage === 'after' ? undefined : before.phases[i + 1]
  return { key: `${before.started_at}|${i}|${phase.end_seconds}`, ended: phase.label, next: following?.label ?? null }
}
