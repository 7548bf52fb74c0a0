import { afterEach, describe, expect, it } from 'vitest'
import type { EventSummary } from './api'
import { eventNames } from './event-names'
import { setLang } from './i18n'

const listed = (id: string, name: string, created_at: string | null, practice = false): EventSummary =>
  ({ id, name, practice, created_at })

describe('the event switcher', () => {
  afterEach(() => setLang('fr'))

  it('names an event by its name alone when no other listed event bears it', () => {
    setLang('fr')
    const names = eventNames([
      listed('a', 'Assises 2025', '2026-11-27T10:15:00.000Z'),
      listed('b', 'Assises 2025', '2026-11-20T08:00:00.000Z', true),
      listed('c', 'Forum des territoires', null),
    ])
    expect([...names.values()]).toEqual(['Assises 2025', 'Assises 2025 (Exercice)', 'Forum des territoires'])
  })

  it('tells apart two events of the same name by when each was made, in the chosen language', () => {
    setLang('fr')
    const events = [
      listed('01a2-aaaaaa', 'Assises 2025', '2026-11-27T10:15:00.000Z'),
      listed('01a2-bbbbbb', ' assises 2025', '2026-11-27T13:40:00.000Z'),
    ]
    const fr = [...eventNames(events).values()]
    expect(fr[0]).toMatch(/^Assises 2025 · créé le 27 nov\. 2026, \d\d:15$/)
    expect(fr[1]).toMatch(/^ assises 2025 · créé le 27 nov\. 2026, \d\d:40$/)
    setLang('en')
    expect(eventNames(events).get('01a2-aaaaaa')).toMatch(/^Assises 2025 · made on 27 Nov 2026, \d\d:15$/)
  })

  it('falls back on the end of the id when the moments are the same or unknown', () => {
    setLang('fr')
    const names = eventNames([
      listed('0000-000000-aaaaaa', 'Assises 2025', '2026-11-27T10:15:00.000Z'),
      listed('0000-000000-bbbbbb', 'Assises 2025', '2026-11-27T10:15:20.000Z'),
      listed('0000-000000-cccccc', 'Assises 2025', null),
    ])
    expect([...names.values()]).toEqual([
      'Assises 2025 · identifiant …aaaaaa', 'Assises 2025 · identifiant …bbbbbb', 'Assises 2025 · identifiant …cccccc',
    ])
  })
})
