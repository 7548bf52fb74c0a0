// The rapporteur's workspace on the in-memory backend: progress and what has not arrived,
// filters that combine with their counts, a proposal set aside without a merge, a suggestion
// merged in part or dismissed for good, and the event's lexicon.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { clearMocks } from '@tauri-apps/api/mocks'
import { emit } from '@tauri-apps/api/event'
import { installMockBackend, mockState } from './mock-backend'
import { start } from './app'
import { frenchSpaces } from './i18n'

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise(resolve => setTimeout(resolve, 0))
}
const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)
const $$ = <T extends HTMLElement = HTMLElement>(selector: string) => [...document.querySelectorAll<T>(selector)]
const rows = () => $$('.proposal-row:not([hidden]) strong').map(el => el.textContent)

async function change(field: HTMLInputElement | HTMLSelectElement, value?: string): Promise<void> {
  if (value !== undefined) field.value = value
  else if (field instanceof HTMLInputElement) field.checked = !field.checked
  field.dispatchEvent(new Event('change'))
  await settle()
}

beforeEach(async () => {
  vi.spyOn(window, 'alert').mockImplementation(() => { throw new Error('window.alert used') })
  clearMocks()
  localStorage.clear()
  sessionStorage.clear()
  document.body.innerHTML = '<div id="app"></div>'
  installMockBackend()
  await start(document.getElementById('app')!)
  await settle()
  $<HTMLButtonElement>('#load-sample')!.click()
  await settle()
  // Theme 1's four sessions: proposals arrive from the first two only.
  const state = mockState()
  const sessions = state.events[0].view.sessions.filter(s => s.theme === 1)
  const add = (session: number, title: string, kind: 'proposal' | 'obstacle' = 'proposal') => state.proposals.push({
    id: crypto.randomUUID(), session_id: sessions[session].id, theme: 1, subgroup: null, subgroup_name: session ? 'Groupe B' : 'Groupe A',
    title, body: '', kind, tags: [], author: 'Camille', created_at: new Date().toISOString(), deleted: false, merged_into: [],
  })
  add(0, 'Former les élus aux méthodes innovantes')
  add(1, 'Former les élus aux méthodes agiles')
  add(1, 'Réparer la machine à café', 'obstacle')
  $$<HTMLButtonElement>('nav .tab').find(b => b.textContent === 'Synthèse')!.click()
  await settle()
})

describe('the rapporteur’s workspace', () => {
  it('says how much is treated, per session, and which sessions sent nothing', () => {
    expect($('#synthesis-progress .progress-total')!.textContent).toBe('0 sur 3 traitées')
    expect($('#synthesis-progress .progress-sessions')!.textContent).toMatch(/^Jour \d, \d\d:\d\d\u00a0: 0\/1 · Jour \d, \d\d:\d\d\u00a0: 0\/2$/)
    expect($('#nothing-from')!.textContent).toMatch(/^Rien reçu de\u00a0: Jour \d, \d\d:\d\d\u202f; Jour \d, \d\d:\d\d$/)
  })

  it('names only sessions whose slot has ended among those that sent nothing', async () => {
    const later = mockState().events[0].view.sessions.filter(s => s.theme === 1)[3]
    later.ends_at = new Date(Date.now() + 3_600_000).toISOString()
    $$<HTMLButtonElement>('nav .tab').find(b => b.textContent === 'Animation')!.click()
    await settle()
    $$<HTMLButtonElement>('nav .tab').find(b => b.textContent === 'Synthèse')!.click()
    await settle()
    expect($('#nothing-from')!.textContent).toMatch(/^Rien reçu de\u00a0: Jour \d, \d\d:\d\d$/)
  })

  it('filters by session, sub-group and kind together, with counts', async () => {
    const session = $<HTMLSelectElement>('#filter-session')!
    expect([...session.options].map(o => o.textContent)[0]).toBe('Toutes (3)')
    expect([...$<HTMLSelectElement>('#filter-subgroup')!.options].map(o => o.textContent)[0]).toBe('Tous (3)')
    await change($<HTMLSelectElement>('#filter-subgroup')!, 'Groupe B')
    expect(rows()).toEqual(['Former les élus aux méthodes agiles', 'Réparer la machine à café'])
    await change($<HTMLSelectElement>('#filter-kind')!, 'obstacle')
    expect(rows()).toEqual(['Réparer la machine à café'])
    expect([...$<HTMLSelectElement>('#filter-kind')!.options].map(o => o.textContent)).toContain('Frein (1)')
    await change($<HTMLSelectElement>('#filter-kind')!, '')
    await change($<HTMLSelectElement>('#filter-subgroup')!, '')
    expect(rows()).toHaveLength(3)
  })

  it('filters by tag, counts what the search leaves, and says when nothing is left', async () => {
    const state = mockState()
    state.proposals[0].tags = ['élus', 'formation']
    state.proposals[1].tags = ['formation']
    await emit('store-changed', 1)
    await settle()
    const tag = $<HTMLSelectElement>('#filter-tag')!
    expect([...tag.options].map(o => o.textContent)).toEqual(['Toutes (3)', '#élus (1)', '#formation (2)'])
    expect($('.proposal-row')!.textContent).toContain('#élus #formation')
    await change(tag, 'formation')
    expect(rows()).toEqual(['Former les élus aux méthodes innovantes', 'Former les élus aux méthodes agiles'])
    // Another device takes the tag away: the filter still shows what it is set to, and clears.
    state.proposals[0].tags = []
    state.proposals[1].tags = []
    await emit('store-changed', 2)
    await settle()
    expect($<HTMLSelectElement>('#filter-tag')!.selectedOptions[0]?.textContent).toBe('#formation (0)')
    expect(rows()).toEqual([])
    await change($<HTMLSelectElement>('#filter-tag')!, '')
    expect(rows()).toHaveLength(3)
    // A search: the filters count what it found.
    const search = $<HTMLInputElement>('#search')!
    search.value = 'machine'
    search.dispatchEvent(new Event('input'))
    await new Promise(resolve => setTimeout(resolve, 200))
    await settle()
    expect([...$<HTMLSelectElement>('#filter-kind')!.options].map(o => o.textContent)[0]).toBe('Tous (1)')
    expect($('#no-match')!.hidden).toBe(true)
    await change($<HTMLSelectElement>('#filter-kind')!, 'question')
    expect(rows()).toEqual([])
    expect($('#no-match')!.hidden).toBe(false)
  })

  it('sets a proposal aside without a merge, counts it treated, and takes it back', async () => {
    const coffee = mockState().proposals.find(p => p.title.startsWith('Réparer'))!
    const row = () => $(`.proposal-row[data-id="${coffee.id}"]`)!
    const open = $<HTMLButtonElement>(`[data-set-aside="${coffee.id}"]`)!
    // Only a reason's button sets it aside: opening the reasons sets nothing aside.
    open.click()
    await settle()
    expect(Object.values(mockState().triage).flatMap(tr => tr.set_aside)).toHaveLength(0)
    expect(open.getAttribute('aria-expanded')).toBe('true')
    expect(document.activeElement?.textContent).toBe('Hors sujet')
    row().querySelector<HTMLElement>('.set-aside-reasons')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    expect(open.getAttribute('aria-expanded')).toBe('false')
    expect(document.activeElement).toBe(open)
    open.click()
    row().querySelector<HTMLButtonElement>('[data-set-aside-reason="off_topic"]')!.click()
    await settle()
    expect($('#synthesis-progress .progress-total')!.textContent).toBe('1 sur 3 traitées')
    expect(row().textContent).toContain(frenchSpaces('Mise de côté : Hors sujet'))
    expect(document.activeElement).toBe(row().querySelector('[data-take-back]'))
    await change($<HTMLInputElement>('#filter-untreated')!)
    expect(rows()).not.toContain('Réparer la machine à café')
    await change($<HTMLInputElement>('#filter-untreated')!)
    $<HTMLButtonElement>(`[data-take-back="${coffee.id}"]`)!.click()
    await settle()
    expect($('#synthesis-progress .progress-total')!.textContent).toBe('0 sur 3 traitées')
    expect(document.activeElement).toBe(row().querySelector(`[data-set-aside="${coffee.id}"]`))
  })

  it('goes from the top of the screen to the suggestions and to the consolidated proposals', async () => {
    $<HTMLButtonElement>('[data-go=suggestions]')!.click()
    expect(document.activeElement).toBe($('#suggestions-heading'))
    $<HTMLButtonElement>('[data-go=consolidated]')!.click()
    expect(document.activeElement).toBe($('#consolidated-heading'))
  })

  it('shows a suggestion side by side with its reason; “Pas des doublons” is remembered', async () => {
    const suggestion = $('.suggestion')!
    expect(suggestion.querySelectorAll('.suggestion-member')).toHaveLength(2)
    expect(suggestion.querySelector('.suggestion-reason')!.textContent).toContain('mots en commun')
    $<HTMLButtonElement>('[data-dismiss-suggestion="0"]')!.click()
    await settle()
    expect(Object.values(mockState().triage)[0].not_duplicates).toHaveLength(1)
    expect($('.suggestion')).toBeNull()
    expect(document.activeElement).toBe($('#suggestions-heading'))
    expect($('#status')!.textContent).toContain('ne seront plus suggérées ensemble')
  })

  it('brings a theme’s many suggestions as a queue, ten at a time', async () => {
    const state = mockState()
    for (let i = 0; i < 12; i++) {
      for (const end of ['premier', 'second']) {
        state.proposals.push({ ...state.proposals[0], id: crypto.randomUUID(), title: `Projet${i} numero${i} ${end}` })
      }
    }
    $$<HTMLButtonElement>('nav .tab').find(b => b.textContent === 'Animation')!.click()
    await settle()
    $$<HTMLButtonElement>('nav .tab').find(b => b.textContent === 'Synthèse')!.click()
    await settle()
    expect($('#suggestions-heading')!.textContent).toBe('Doublons probables (13)')
    expect($$('.suggestion')).toHaveLength(10)
    expect($('#more-suggestions')!.textContent).toBe('Afficher 3 de plus (3 en attente)')
    // Dismissing one lets the next rise, and the keyboard stays on the one in its place.
    $<HTMLButtonElement>('[data-dismiss-suggestion="0"]')!.click()
    await settle()
    expect($$('.suggestion')).toHaveLength(10)
    expect(document.activeElement).toBe($('[data-suggestion="0"]'))
    expect($('#more-suggestions')!.textContent).toBe('Afficher 2 de plus (2 en attente)')
    $<HTMLButtonElement>('#more-suggestions')!.click()
    await settle()
    expect($$('.suggestion')).toHaveLength(12)
    expect($('#more-suggestions')).toBeNull()
    expect(document.activeElement).toBe($('[data-suggestion="10"]'))
    // A change from another device redraws the queue; the keyboard stays on the same box.
    const box = $<HTMLInputElement>('[data-suggestion="3"] input')!
    box.focus()
    await emit('store-changed', 1)
    await settle()
    expect(box.isConnected).toBe(false)
    expect(document.activeElement?.id).toBe(box.id)
  })

  it('merges a suggestion’s members that stay ticked', async () => {
    const [first, second] = $$<HTMLInputElement>('.suggestion-member input')
    // The rapporteur had ticked a proposal of their own in the list first.
    const members = new Set($$<HTMLElement>('.suggestion-member').map(m => m.dataset.id))
    const own = $$<HTMLInputElement>('.proposal-row input[type=checkbox]').find(b => !members.has(b.id.slice('pick-'.length)))!
    await change(own)
    await change(second)
    $<HTMLButtonElement>('[data-merge-suggestion="0"]')!.click()
    await settle()
    expect($<HTMLFormElement>('.merge')!.hidden).toBe(false)
    const picked = $$<HTMLInputElement>('.proposal-row input[type=checkbox]').filter(b => b.checked).map(b => b.id)
    expect(picked).toEqual([`pick-${first.closest<HTMLElement>('.suggestion-member')!.dataset.id}`])
    // The form names what it merges.
    expect($$('#merge-sources li')).toHaveLength(1)
    // Escape leaves the form without merging, back where it was asked from, with the
    // rapporteur's own selection as it was.
    $<HTMLInputElement>('#merge-title')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    expect($<HTMLFormElement>('.merge')!.hidden).toBe(true)
    expect(document.activeElement).toBe($('[data-merge-suggestion="0"]'))
    expect(mockState().consolidated).toHaveLength(0)
    const after = $$<HTMLInputElement>('.proposal-row input[type=checkbox]').filter(b => b.checked).map(b => b.id)
    expect(after).toEqual([own.id])
    expect($('#merge-selected')!.textContent).toContain('(1)')
    // Alt+F from a row, then Escape: back on that row's box, though the row was drawn again.
    $<HTMLInputElement>(`#${own.id}`)!.focus()
    document.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyF', key: 'f', altKey: true, bubbles: true }))
    await settle()
    expect($<HTMLFormElement>('.merge')!.hidden).toBe(false)
    $<HTMLInputElement>('#merge-title')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    expect(document.activeElement?.id).toBe(own.id)
  })

  it('a merge made by hand says the words it taught, and the lexicon shows them', async () => {
    const state = mockState()
    for (const title of ['Un glossaire partagé', 'Un lexique partagé']) {
      state.proposals.push({ ...state.proposals[0], id: crypto.randomUUID(), title })
    }
    $$<HTMLButtonElement>('nav .tab').find(b => b.textContent === 'Animation')!.click()
    await settle()
    $$<HTMLButtonElement>('nav .tab').find(b => b.textContent === 'Synthèse')!.click()
    await settle()
    for (const row of $$('.proposal-row').filter(r => /glossaire|lexique/.test(r.textContent ?? ''))) {
      await change(row.querySelector<HTMLInputElement>('input[type=checkbox]')!)
    }
    $<HTMLButtonElement>('#merge-selected')!.click()
    await settle()
    $<HTMLFormElement>('.merge')!.requestSubmit()
    await settle()
    expect($('#status')!.textContent).toContain(frenchSpaces('Fusion faite : « Un glossaire partagé ». Lexique du thème, appris de cette fusion : glossaire ≈ lexique.'))
    // The keyboard follows the merge to the wording it made.
    expect(document.activeElement).toBe($(`[data-consolidated="${mockState().consolidated[0].id}"] .card-title`))
    expect($('.lexicon-list')!.textContent).toContain('glossaire ≈ lexique (appris d’une fusion)')
  })

  it('makes one consolidated proposal when the merge is pressed twice before its answer', async () => {
    for (const row of $$('.proposal-row').filter(r => /élus/.test(r.textContent ?? ''))) {
      await change(row.querySelector<HTMLInputElement>('input[type=checkbox]')!)
    }
    $<HTMLButtonElement>('#merge-selected')!.click()
    await settle()
    $<HTMLFormElement>('.merge')!.requestSubmit()
    $<HTMLFormElement>('.merge')!.requestSubmit()
    await settle()
    expect(mockState().consolidated.length).toBe(1)
    expect($<HTMLButtonElement>('#merge-submit')!.disabled).toBe(false)
  })

  it('lists the lexicon, adds a pair and takes it out', async () => {
    expect($('.lexicon')!.textContent).toContain('Aucun mot pour l’instant.')
    $<HTMLInputElement>('#lexicon-a')!.value = 'Appli'
    $<HTMLInputElement>('#lexicon-b')!.value = 'application'
    $<HTMLFormElement>('.lexicon-add')!.requestSubmit()
    await settle()
    expect($('.lexicon-list')!.textContent).toContain('appli ≈ application')
    $<HTMLButtonElement>('.lexicon-list button')!.click()
    await settle()
    expect($('.lexicon')!.textContent).toContain('Aucun mot pour l’instant.')
  })

  it('works from the keyboard: Alt+L to the list, ↑ ↓ between rows, Space ticks, Alt+F merges', async () => {
    const key = (code: string, options: KeyboardEventInit = {}) =>
      (document.activeElement ?? document.body).dispatchEvent(new KeyboardEvent('keydown', { code, key: code, bubbles: true, cancelable: true, ...options }))
    key('KeyL', { altKey: true })
    const boxes = $$<HTMLInputElement>('.proposal-row input[type=checkbox]')
    expect(document.activeElement).toBe(boxes[0])
    key('ArrowDown')
    expect(document.activeElement).toBe(boxes[1])
    boxes[1].click()
    key('ArrowUp')
    expect(document.activeElement).toBe(boxes[0])
    boxes[0].click()
    await settle()
    key('KeyF', { altKey: true })
    await settle()
    expect($<HTMLFormElement>('.merge')!.hidden).toBe(false)
    expect(document.activeElement).toBe($('#merge-title'))
  })
})
