import { describe, expect, it } from 'vitest'
import { actualStart, clockAt, formatDuration, resetStart, startNow } from './clock'

const phases = [
  { key: 'talk_1', label: 'Première intervention', minutes: 20 },
  { key: 'talk_2', label: 'Seconde intervention', minutes: 20 },
  { key: 'discussion', label: 'Mise en discussion', minutes: 15 },
  { key: 'subgroups', label: 'Travail en sous-groupes', minutes: 35 },
  { key: 'restitution', label: 'Restitution', minutes: 15 },
]
const start = Date.UTC(2025, 9, 1, 12, 0)
const minute = 60_000

describe('the session clock', () => {
  it('counts down to the start', () => {
    expect(clockAt(start - 5 * minute, start, 105, phases)).toMatchObject({ stage: 'before', remaining: 5 * minute })
  })
  it('knows the phase and the time left in it and in the session', () => {
    const state = clockAt(start + 60 * minute, start, 105, phases)
    expect(state.stage).toBe('during')
    expect(phases[state.phase].key).toBe('subgroups')
    expect(state.remaining).toBe(30 * minute)
    expect(state.sessionRemaining).toBe(45 * minute)
  })
  it('ends after 1h45', () => {
    expect(clockAt(start + 105 * minute, start, 105, phases).stage).toBe('after')
  })
  it('remembers a start pressed by hand, across restarts', () => {
    const storage = new Map<string, string>()
    const fake = {
      getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v),
      removeItem: (k: string) => void storage.delete(k),
    } as unknown as Storage
    expect(actualStart('s1', start, fake)).toBe(start)
    startNow('s1', start + 7 * minute, fake)
    expect(actualStart('s1', start, fake)).toBe(start + 7 * minute)
    resetStart('s1', fake)
    expect(actualStart('s1', start, fake)).toBe(start)
  })
  it('writes durations as people read them', () => {
    expect(formatDuration(45_000)).toBe('45 s')
    expect(formatDuration(12 * minute)).toBe('12 min')
    expect(formatDuration(65 * minute)).toBe('1 h 05')
  })
})
