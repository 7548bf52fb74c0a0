import { describe, expect, it } from 'vitest'
import { dictionariesForTests, setLang, t } from './i18n'

describe('the two languages', () => {
  it('have the same keys and the same placeholders', () => {
    const { fr, en } = dictionariesForTests()
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort())
    for (const key of Object.keys(fr)) {
      const holes = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort()
      expect(holes(en[key]), key).toEqual(holes(fr[key]))
    }
  })
  it('fill placeholders', () => {
    setLang('en')
    expect(t('sync_unshared', { n: 3 })).toBe('3 change(s) not yet shared')
    setLang('fr')
    expect(t('sync_unshared', { n: 3 })).toBe('3 modification(s) non partagée(s)')
  })
})
