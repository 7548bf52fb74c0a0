import { describe, expect, it } from 'vitest'
import type { SessionClock } from './api'
import { formatCountdown, formatDuration, phaseEnd } from './clock'
import { setLang } from './i18n'

const minute = 60_000
const phases = [
  { key: 'talk_1', label: 'Première intervention', minutes: 20, start_seconds: 0, end_seconds: 1200, extra_seconds: 0 },
  { key: 'talk_2', label: 'Seconde intervention', minutes: 20, start_seconds: 1200, end_seconds: 2400, extra_seconds: 0 },
]
const reading = (over: Partial<SessionClock>): SessionClock => ({
  stage: 'during', started_at: '2025-10-01T12:00:00Z', started_by_hand: false, paused: false, phase_index: 0, phase: phases[0].label,
  remaining_seconds: 60, session_remaining_seconds: 1260, phases, ...over,
})

describe('the session clock in words', () => {
  it('writes durations as people read them', () => {
    expect(formatDuration(45_000)).toBe('45 s')
    expect(formatDuration(12 * minute)).toBe('12 min')
    expect(formatDuration(65 * minute)).toBe('1 h 05')
    setLang('en')
    expect(formatDuration(65 * minute)).toBe('1 h 5 min')
    setLang('fr')
  })
  it('writes a countdown as a wall clock shows it', () => {
    expect(formatCountdown(247)).toBe('4:07')
    expect(formatCountdown(720)).toBe('12:00')
    expect(formatCountdown(3900)).toBe('1:05:00')
    expect(formatCountdown(-3)).toBe('0:00')
  })
})

describe('the end of a phase', () => {
  it('is noticed when the phase index moves forward, with what follows', () => {
    const end = phaseEnd(reading({}), reading({ phase_index: 1, phase: phases[1].label, remaining_seconds: 1199 }))
    expect(end).toMatchObject({ ended: 'Première intervention', next: 'Seconde intervention' })
  })
  it('is noticed when the time left reaches 0, once for that end', () => {
    const zero = reading({ remaining_seconds: 0 })
    const end = phaseEnd(reading({}), zero)!
    expect(end).toMatchObject({ ended: 'Première intervention', next: 'Seconde intervention' })
    const then = phaseEnd(zero, reading({ phase_index: 1, phase: phases[1].label, remaining_seconds: 1199 }))!
    expect(then.key).toBe(end.key)
  })
  it('again after an extension: another end', () => {
    const extended = phases.map((p, i) => i === 0 ? { ...p, end_seconds: 1500, extra_seconds: 300 } : p)
    const first = phaseEnd(reading({}), reading({ remaining_seconds: 0 }))!
    const second = phaseEnd(reading({ phases: extended }), reading({ phases: extended, phase_index: 1 }))!
    expect(second.key).not.toBe(first.key)
  })
  it('says the session is over after the last phase', () => {
    expect(phaseEnd(reading({ phase_index: 1, phase: phases[1].label }), reading({ stage: 'after', phase_index: null, phase: null })))
      .toMatchObject({ ended: 'Seconde intervention', next: null })
  })
  it('is not a restart, a first reading, a pause or a reading before the session', () => {
    expect(phaseEnd(null, reading({ phase_index: 1 }))).toBeNull()
    expect(phaseEnd(reading({ phase_index: 1 }), reading({ phase_index: 0 }))).toBeNull()
    expect(phaseEnd(reading({}), reading({ paused: true }))).toBeNull()
    expect(phaseEnd(reading({ stage: 'before', phase_index: null }), reading({}))).toBeNull()
  })
})
