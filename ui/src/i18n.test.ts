import { describe, expect, it } from 'vitest'
import { dictionariesForTests, formatDate, formatPrecise, formatWhen, setEventTimeZone, setLang, t, frenchSpaces } from './i18n'

describe('the two languages', () => {
  it('have the same keys and the same placeholders', () => {
    const { fr, en } = dictionariesForTests()
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort())
    for (const key of Object.keys(fr)) {
      const holes = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort()
      expect(holes(en[key]), key).toEqual(holes(fr[key]))
    }
  })
  it('fill placeholders, with the singular or plural each count asks for', () => {
    setLang('en')
    expect(t('sync_unshared', { n: 3 })).toBe('3 changes not yet shared')
    expect(t('sync_unshared', { n: 1 })).toBe('1 change not yet shared')
    expect(t('sync_unshared', { n: 0 })).toBe('0 changes not yet shared')
    expect(t('arrivals_summary', { received: 1, total: 36 })).toBe('1 of 36 sessions has sent proposals to the hub.')
    setLang('fr')
    expect(t('sync_unshared', { n: 3 })).toBe('3 modifications non partagées')
    expect(t('sync_unshared', { n: 1 })).toBe('1 modification non partagée')
    expect(t('sync_unshared', { n: 0 })).toBe('0 modification non partagée')
    expect(t('arrivals_summary', { received: 1, total: 36 })).toBe('1 session sur 36 a envoyé des propositions au serveur.')
    expect(t('arrivals_summary', { received: 12, total: 36 })).toBe('12 sessions sur 36 ont envoyé des propositions au serveur.')
    expect(t('inv_created_some', { n: 1, kept: 46 })).toBe(frenchSpaces('1 invitation créée ; 46 existaient déjà et sont gardées.'))
    expect(t('inv_created_some', { n: 46, kept: 1 })).toBe(frenchSpaces('46 invitations créées ; 1 existait déjà et est gardée.'))
  })
  it('keep French punctuation to its word, in the interface\'s words only', () => {
    setLang('fr')
    // The space before « : ; ! ? » and inside « » does not break: a line never begins with them.
    expect(t('inv_created_some', { n: 1, kept: 46 })).toBe('1 invitation créée\u202f; 46 existaient déjà et sont gardées.')
    expect(t('history_title', { title: 'Pourquoi ? Parce que : oui' })).toBe('Historique\u00a0: Pourquoi ? Parce que : oui')
    expect(frenchSpaces('« Simplifier » : 30 % !')).toBe('«\u00a0Simplifier\u00a0»\u00a0: 30\u00a0%\u202f!')
    expect(frenchSpaces('à 15:30, https://x.fr?a=1')).toBe('à 15:30, https://x.fr?a=1')
    const { fr } = dictionariesForTests()
    for (const key of Object.keys(fr)) expect(t(key as Parameters<typeof t>[0]), key).not.toMatch(/ [:;!?»]|« /)
    setLang('en')
    expect(t('history_title', { title: 'x' })).toBe('History: x')
    setLang('fr')
  })
  it('count in words, never with « (s) », and name only counts they are given', () => {
    const { fr, en } = dictionariesForTests()
    for (const [key, text] of [...Object.entries(fr), ...Object.entries(en)]) {
      expect(text, key).not.toMatch(/\((e?s)\)/)
      for (const [, name] of text.matchAll(/\{(\w+):[^|{}]*\|[^{}]*\}/g)) expect(text, key).toContain(`{${name}}`)
    }
  })
})

describe('times', () => {
  it('are shown on the event\'s clock whatever this computer\'s zone, as typed times are read', () => {
    setLang('fr')
    // 14:30 UTC is 15:30 in Paris in winter, 23:30 in Tokyo.
    const at = '2025-12-01T14:30:12.000Z'
    setEventTimeZone('Europe/Paris')
    expect(formatDate(at)).toMatch(/15:30$/)
    expect(formatPrecise(at)).toMatch(/15:30:12$/)
    setEventTimeZone('Asia/Tokyo')
    expect(formatDate(at)).toMatch(/23:30$/)
    // A zone this browser does not know: this computer's clock, not an error.
    setEventTimeZone('Europe/Atlantide')
    expect(formatDate(at)).toBe(new Intl.DateTimeFormat('fr-FR', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at)))
    // Today on the event's clock: the time alone.
    setEventTimeZone('Europe/Paris')
    const now = new Date().toISOString()
    expect(formatWhen(now)).toBe(new Intl.DateTimeFormat('fr-FR', { timeStyle: 'short', timeZone: 'Europe/Paris' }).format(new Date(now)))
    setEventTimeZone(null)
  })
})
