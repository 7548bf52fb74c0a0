// The session clock: where a 1h45 session is in its run-sheet. Computed from the wall clock
// and the session's start (scheduled, or the moment the facilitator pressed "start now",
// remembered on this device), so it is right after the app is closed and reopened.
import type { Phase } from './api'

export interface ClockState {
  /** 'before', 'during' or 'after' the session. */
  stage: 'before' | 'during' | 'after'
  /** Index of the current phase in the run-sheet (during), else -1. */
  phase: number
  /** Milliseconds until the session starts (before), the phase ends (during), else 0. */
  remaining: number
  /** Milliseconds until the end of the session (during), else 0. */
  sessionRemaining: number
}

export function clockAt(now: number, start: number, durationMinutes: number, phases: Phase[]): ClockState {
  const end = start + durationMinutes * 60_000
  if (now < start) return { stage: 'before', phase: -1, remaining: start - now, sessionRemaining: 0 }
  if (now >= end) return { stage: 'after', phase: -1, remaining: 0, sessionRemaining: 0 }
  let phaseEnd = start
  for (let i = 0; i < phases.length; i++) {
    phaseEnd += phases[i].minutes * 60_000
    if (now < phaseEnd) return { stage: 'during', phase: i, remaining: phaseEnd - now, sessionRemaining: end - now }
  }
  // Past the last phase but before the end of the slot: the remaining time of the slot.
  return { stage: 'during', phase: phases.length - 1, remaining: end - now, sessionRemaining: end - now }
}

/** `1 h 05`, `12 min`, `45 s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000))
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.ceil(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')}`
}

/** The scheduled start of a session, in the device's time (the event's local time). */
export function scheduledStart(date: string, start: string): number {
  return new Date(`${date}T${start}:00`).getTime()
}

const KEY = 'recolte.session-start.'

export function actualStart(session: string, scheduled: number, storage: Storage = localStorage): number {
  const saved = Number(storage.getItem(KEY + session))
  return Number.isFinite(saved) && saved > 0 ? saved : scheduled
}

export function startNow(session: string, now: number, storage: Storage = localStorage): void {
  storage.setItem(KEY + session, String(now))
}

export function resetStart(session: string, storage: Storage = localStorage): void {
  storage.removeItem(KEY + session)
}
