// The closing plenary on the in-memory backend: provenance the panel can read, votes per
// member with their limit, sorting by votes, the whole-event summary and its filters, and the
// projector mode driven by physical keys.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { clearMocks } from '@tauri-apps/api/mocks'
import { installMockBackend, mockState, OTHER_MEMBER } from './mock-backend'
import { shownScreens, start } from './app'
import { openAccess } from './rights'
import { frenchSpaces } from './i18n'
import { api } from './api'
import { emit } from '@tauri-apps/api/event'

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise(resolve => setTimeout(resolve, 0))
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i
const $ = <T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document) => root.querySelector<T>(selector)
const $$ = <T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document) => [...root.querySelectorAll<T>(selector)]
const byText = (selector: string, text: string | RegExp) => {
  const found = $$<HTMLButtonElement>(selector).find(el => typeof text === 'string' ? el.textContent === text : text.test(el.textContent ?? ''))
  if (!found) throw new Error(`no ${selector} ${text}`)
  return found
}
const titles = () => $$('.review .review-title').map(el => el.textContent)
const key = (code: string, key = code, options: KeyboardEventInit = {}) =>
  (document.activeElement ?? document.body).dispatchEvent(new KeyboardEvent('keydown', { code, key, bubbles: true, cancelable: true, ...options }))

async function open(lang: 'fr' | 'en' = 'fr'): Promise<void> {
  clearMocks()
  localStorage.clear()
  sessionStorage.clear()
  document.documentElement.className = ''
  document.body.innerHTML = '<div id="app"></div>'
  installMockBackend({ event: 'panel', seed: 'plenary', lang })
  await start(document.getElementById('app')!)
  await settle()
}

/** Clicks as a person does: the button takes the focus first. */
async function press(button: HTMLElement): Promise<void> {
  button.focus()
  button.click()
  await settle()
}

const C1 = 'Former les élus et les décideurs à l’innovation publique'
const C2 = 'Écrire le portage dans les délibérations'
const C3 = 'Un objectif d’innovation dans le projet d’administration'
const C4 = 'Un prix annuel de l’innovation'

beforeEach(async () => {
  vi.spyOn(window, 'alert').mockImplementation(() => { throw new Error('window.alert used') })
  await open()
})

describe('the tabs', () => {
  it('show the whole-event summary wherever the panel is', () => {
    expect($$('nav .tab').map(b => b.textContent)).toEqual(['Panel', 'Synthèse générale', 'Synthèse', 'Animation', 'Réglages'])
    expect(shownScreens({ ...openAccess(), screens: ['capture', 'settings'] })).toEqual(['capture', 'settings'])
  })
})

describe('provenance the panel can read', () => {
  it('names each source by its title, text, session, sub-group and kind, never by its id', async () => {
    expect(titles()).toEqual([C1])
    await press(byText('.review button', 'Voir la provenance'))
    const items = $$('.provenance li')
    expect(items).toHaveLength(3)
    const text = $('.provenance')!.textContent!
    expect(text).toContain('Former les élus à l’innovation publique')
    expect(text).toContain('Un module d’une demi-journée dès l’installation du conseil')
    expect(text).toContain('Thème 1 · jour 1, 14:00 · Salle Gallé')
    expect(text).toContain(frenchSpaces('Sous-groupe : Groupe A'))
    expect(text).toContain(frenchSpaces('Type : Proposition'))
    expect(text).toContain(frenchSpaces('Type : Action concrète'))
    expect(text).toContain(frenchSpaces('Sous-groupe : Aucun'))
    expect(text).not.toMatch(UUID)
    expect(document.activeElement?.textContent).toBe('Masquer la provenance')
  })

  it('says in words that a source has not reached this device', async () => {
    key('ArrowRight')
    await settle()
    expect(titles()).toEqual([C2])
    // The proposal now shown is said, with where it stands.
    expect($('#status')!.textContent).toMatch(new RegExp(`^Proposition 2 sur \\d+\u00a0: ${C2}$`))
    await press(byText('.review button', 'Voir la provenance'))
    const missing = $('.provenance li.missing')!
    expect(missing.textContent).toContain('Source non disponible sur cet appareil')
    expect(missing.textContent).toContain('Thème 1 · jour 2, 11:15')
    expect($('.provenance')!.textContent).not.toMatch(UUID)
  })
})

describe('votes per panel member', () => {
  it('asks a device with no name for one before its first dot', async () => {
    mockState().author = ''
    await press(byText('nav .tab', 'Synthèse générale'))
    await press(byText('nav .tab', 'Panel'))
    const form = $('#voter-name-form')!
    expect(form.hidden).toBe(false)
    await press($<HTMLButtonElement>(`.review [aria-label="${frenchSpaces(`Donner un point à « ${C1} »`)}"]`)!)
    expect(document.activeElement).toBe($('#voter-name'))
    expect(mockState().votes.filter(v => v.member === '')).toEqual([])
    $<HTMLInputElement>('#voter-name')!.value = 'Dominique'
    form.dispatchEvent(new Event('submit', { cancelable: true }))
    await settle()
    expect(mockState().author).toBe('Dominique')
    expect(form.hidden).toBe(true)
    expect($('#dots-left')!.textContent).toContain('Vous votez en tant que Dominique.')
    await press($<HTMLButtonElement>(`.review [aria-label="${frenchSpaces(`Donner un point à « ${C1} »`)}"]`)!)
    expect(mockState().votes.find(v => v.member === 'Dominique')).toMatchObject({ dots: 1 })
  })

  it('gives and takes back dots, shows who voted and what is left, and shows the refusal past the limit', async () => {
    expect($('#dots-left')!.textContent).toBe('Vous votez en tant que Camille. Il vous reste 3 points sur 3 pour ce thème.')
    expect($('.votes-total')!.textContent).toBe(frenchSpaces(`Votes : 2 points · Ont voté : ${OTHER_MEMBER} (2)`))
    const plus = () => $<HTMLButtonElement>(`.review [aria-label="${frenchSpaces(`Donner un point à « ${C1} »`)}"]`)!
    const minus = () => $<HTMLButtonElement>(`.review [aria-label="${frenchSpaces(`Retirer un point à « ${C1} »`)}"]`)!
    expect(minus().disabled).toBe(true)
    await press(plus())
    expect(mockState().votes.find(v => v.member === 'Camille')).toMatchObject({ dots: 1 })
    expect($('.my-dots')!.textContent).toContain(frenchSpaces('Vos points : 1'))
    expect($('.votes-total')!.textContent).toBe(frenchSpaces(`Votes : 3 points · Ont voté : ${OTHER_MEMBER} (2), Camille (1)`))
    expect($('#dots-left')!.textContent).toContain('Il vous reste 2 points sur 3 pour ce thème.')
    expect($('#status')!.textContent).toContain(frenchSpaces(`Vos points pour « ${C1} » : 1.`))
    expect(document.activeElement).toBe(plus())
    await press(plus())
    await press(plus())
    expect($('#dots-left')!.textContent).toContain('Il vous reste 0 point sur 3 pour ce thème.')
    await press(plus())
    const error = $('.vote-error')!
    expect(error.getAttribute('role')).toBe('alert')
    // All three are on this proposal: no « take one back from another one » that is not there.
    expect(error.textContent).toBe('4 points sur une proposition, c\'est plus que les 3 points de chaque membre pour le thème 1')
    expect(mockState().votes.find(v => v.member === 'Camille')!.dots).toBe(3)
    await press(minus())
    expect($('.vote-error')).toBeNull()
    expect($('.my-dots')!.textContent).toContain(frenchSpaces('Vos points : 2'))
    await press(minus())
    await press(minus())
    // At 0, − is disabled: the focus goes to + beside it.
    expect(minus().disabled).toBe(true)
    expect(document.activeElement).toBe(plus())
  })

  it('merges another member’s votes when they arrive, and sorts the list by votes', async () => {
    await press($('#panel-mode')!)
    expect(titles()).toEqual([C1, C2, C3, C4])
    const plus3 = () => $<HTMLButtonElement>(`[aria-label="${frenchSpaces(`Donner un point à « ${C3} »`)}"]`)!
    await press(plus3())
    await press(plus3())
    await press(plus3())
    await press($('#panel-sort')!)
    expect($('#panel-sort')!.getAttribute('aria-pressed')).toBe('true')
    expect(titles()).toEqual([C3, C1, C2, C4])
    expect($('#status')!.textContent).toBe('Propositions triées par votes.')
    ;(window as unknown as { __recolteMockVoteAs: (m: string, id: string, n: number) => void }).__recolteMockVoteAs(
      'Inès Roux', mockState().consolidated.find(c => c.title === C4)!.id, 3)
    await settle()
    // Ties keep the rapporteur’s order.
    expect(titles()).toEqual([C3, C4, C1, C2])
    await press($('#panel-sort')!)
    expect(titles()).toEqual([C1, C2, C3, C4])
  })

  it('keeps the mark as the panel’s collective decision', async () => {
    const mark = byText('.review button[aria-pressed]', /^✓ À porter$/)
    expect(mark.getAttribute('aria-pressed')).toBe('true')
    await press(mark)
    expect(mockState().reviews.find(r => r.consolidated_id === mockState().consolidated[0].id)!.carry_forward).toBe(false)
  })
})

describe('comments', () => {
  it('are deleted by their panel, brought back with Annuler, and keep their history', async () => {
    const card = () => $$('.review').find(r => r.querySelector('.review-title')?.textContent === C1)!
    const input = card().querySelector<HTMLInputElement>('input[id^=comment-]')!
    input.value = 'À porter en région'
    input.form!.requestSubmit()
    await settle()
    const mine = () => $$('[data-comment]', card()).find(li => li.textContent?.includes('À porter en région'))
    expect(mine()).toBeTruthy()
    await press([...mine()!.querySelectorAll<HTMLButtonElement>('button')].find(b => b.textContent === 'Historique')!)
    expect($$('[role=dialog] .history-version').map(v => v.querySelector('.history-body')?.textContent)).toContain('À porter en région')
    $('[role=dialog] .dialog-close')!.click()
    await settle()
    await press(mine()!.querySelector<HTMLButtonElement>('[aria-label^="Supprimer le commentaire"]')!)
    expect(mine()).toBeUndefined()
    expect($('#status')?.textContent).toContain('Commentaire supprimé')
    await press($<HTMLButtonElement>('#undo-button')!)
    expect($('#status')?.textContent).toContain('Annulé')
    expect(mine()).toBeTruthy()
  })
})

describe('the whole-event summary', () => {
  beforeEach(async () => {
    await press(byText('nav .tab', 'Synthèse générale'))
  })

  it('lists every theme, its proposals in the rapporteur’s order, with status, votes, mark, comments and sources by title', () => {
    expect($$('.summary-theme')).toHaveLength(10)
    const theme1 = $('[data-theme="1"]')!
    expect($$('.summary-item-title', theme1).map(el => el.textContent)).toEqual([`1. ${C1}`, `2. ${C2}`, `3. ${C3}`, `4. ${C4}`])
    const first = $('.summary-item', theme1)!
    expect(first.textContent).toContain('Retenue')
    expect(first.textContent).toContain(frenchSpaces('Votes : 2 points'))
    expect(first.textContent).toContain('✓ À porter')
    expect(first.textContent).toContain('À porter au niveau régional, avec le CNFPT.')
    expect(first.textContent).toContain('Former les élus à l’innovation publique')
    expect(first.textContent).toContain('Thème 1 · jour 1, 14:00 · Salle Gallé')
    expect(theme1.textContent).toContain('Source non disponible sur cet appareil')
    expect(document.getElementById('summary-themes')!.textContent).not.toMatch(UUID)
    expect($('[data-theme="4"]')!.textContent).toContain('Aucune proposition consolidée pour ce thème.')
    expect($('#summary-counts')!.textContent).toBe('10 thèmes · 6 propositions consolidées · 4 retenues · 1 à porter')
  })

  it('filters retained only and carried forward only', async () => {
    const retained = $<HTMLInputElement>('#summary-filter-retained')!
    retained.click()
    await settle()
    expect($$('[data-theme="1"] .summary-item-title').map(el => el.textContent)).toEqual([`1. ${C1}`, `2. ${C2}`])
    expect($('#summary-counts')!.textContent).toBe('10 thèmes · 4 propositions consolidées · 4 retenues · 1 à porter')
    retained.click()
    $<HTMLInputElement>('#summary-filter-carried')!.click()
    await settle()
    expect($$('.summary-item-title').map(el => el.textContent)).toEqual([`1. ${C1}`])
    expect($('[data-theme="2"]')!.textContent).toContain('Aucune proposition de ce thème ne correspond aux filtres.')
  })

  it('names consolidated proposals of different themes that seem to say the same thing, each a link to its card', async () => {
    expect($('#summary-alike')!.hidden).toBe(true)
    const state = mockState()
    const first = state.consolidated.find(c => c.title === C1)!
    const other = { ...first, id: '01a2dddd-0000-7000-8000-000000000001', theme: 5, title: 'Former les décideurs élus à l’innovation', priority: 1, status: 'draft' as const }
    state.consolidated.push(other)
    await press(byText('nav .tab', 'Panel'))
    await press(byText('nav .tab', 'Synthèse générale'))
    const box = $('#summary-alike')!
    expect(box.hidden).toBe(false)
    expect($('h3', box)!.textContent).toBe('Se ressemblent d’un thème à l’autre')
    expect($$('.alike-member', box).map(b => b.textContent)).toEqual([`Thème 1 · ${C1}`, 'Thème 5 · Former les décideurs élus à l’innovation'])
    expect($('.alike-reason', box)!.textContent).toContain('mots en commun')
    // « À porter » only hides the second card: its link clears the filters and goes to it.
    $<HTMLInputElement>('#summary-filter-carried')!.click()
    await settle()
    expect($(`.summary-item[data-consolidated="${other.id}"]`)).toBeNull()
    await press($$<HTMLButtonElement>('.alike-member', box)[1])
    const card = $(`.summary-item[data-consolidated="${other.id}"]`)!
    expect(document.activeElement).toBe(card)
    expect($<HTMLInputElement>('#summary-filter-carried')!.checked).toBe(false)
  })

  it('prints with the system dialog', async () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => undefined)
    await press($('#summary-print')!)
    expect(print).toHaveBeenCalledOnce()
  })

  it('writes the report as PDF and offers to open it', async () => {
    await press($('#summary-pdf')!)
    await settle()
    const status = $('#summary-pdf-status')!
    expect(status.textContent).toContain(frenchSpaces('Rapport écrit :'))
    expect($('#summary-pdf-status code.path')!.textContent).toBe('/home/demo/Documents/Récolte/Assises 2025/rapport.pdf')
    await press($('#summary-pdf-status [data-open]')!)
    expect(mockState().opened).toContain('/home/demo/Documents/Récolte/Assises 2025/rapport.pdf')
  })
})

describe('a theme chosen while a read is on its way', () => {
  it('never shows the theme left under the one chosen', async () => {
    const picker = $<HTMLSelectElement>('#panel-theme')!
    const first = Number(picker.value)
    const other = [...picker.options].map(o => Number(o.value)).find(n => n !== first)!
    const themeView = api.themeView.bind(api)
    let release: () => void = () => {}
    const held = new Promise<void>(resolve => { release = resolve })
    // A change redraws the screen: its read of the first theme answers only after the other's.
    const spy = vi.spyOn(api, 'themeView').mockImplementation(async (event, theme) => {
      const view = await themeView(event, theme)
      if (theme === first) await held
      return view
    })
    await emit('store-changed', 99)
    await new Promise(resolve => setTimeout(resolve, 400))
    await settle()
    expect(spy).toHaveBeenCalledWith(expect.anything(), first)
    picker.value = String(other)
    picker.dispatchEvent(new Event('change', { bubbles: true }))
    await settle()
    const shown = titles()
    expect(shown).not.toContain(C1)
    release()
    await settle()
    expect(titles()).toEqual(shown)
    spy.mockRestore()
  })
})

describe('the projector mode', () => {
  const slideTitle = () => $('.projector-title')?.textContent

  it('goes full screen with nothing but the proposal; ← → and Échap by their physical keys', async () => {
    await press($('#panel-projector')!)
    expect(mockState().fullscreen).toEqual([true])
    expect(document.documentElement.classList.contains('projecting')).toBe(true)
    const projector = $('.projector')!
    expect(document.activeElement).toBe(projector)
    expect(slideTitle()).toBe(C1)
    expect($('.projector-theme')!.textContent).toBe('Thème 1 · Portage institutionnel stable et formation des décideurs')
    expect($('.projector-votes')!.textContent).toBe(frenchSpaces('Votes : 2 points'))
    expect($('.projector-mark')!.textContent).toBe('✓ À porter')
    expect($('.projector-position')!.textContent).toBe('1 / 2')
    // No inputs to see: the settings are folded away.
    expect($$('input, select, textarea', projector).every(el => el.closest('[hidden]'))).toBe(true)
    key('ArrowRight')
    expect(slideTitle()).toBe(C2)
    expect($('#projector-live')!.textContent).toBe(frenchSpaces(`Proposition 2 sur 2 : ${C2}`))
    // Drafts and set-aside proposals are hidden by default: C2 is the last.
    key('ArrowRight')
    expect(slideTitle()).toBe(C2)
    key('ArrowLeft')
    expect(slideTitle()).toBe(C1)
    key('PageDown')
    expect(slideTitle()).toBe(C2)
    // Tab goes round the projector's own controls, never out to the page behind it.
    key('Tab')
    expect(document.activeElement?.id).toBe('projector-settings-toggle')
    key('Tab')
    expect(document.activeElement?.id).toBe('projector-exit')
    key('Tab')
    expect(document.activeElement?.id).toBe('projector-settings-toggle')
    key('Tab', 'Tab', { shiftKey: true })
    expect(document.activeElement?.id).toBe('projector-exit')
    ;(projector as HTMLElement).focus()
    // Alt+1 does not switch screens under the projector.
    key('Digit1', '&', { altKey: true })
    await settle()
    expect($('.projector')).not.toBeNull()
    key('Escape')
    await settle()
    expect($('.projector')).toBeNull()
    expect(document.documentElement.classList.contains('projecting')).toBe(false)
    expect(mockState().fullscreen).toEqual([true, false])
    expect(document.activeElement?.id).toBe('panel-projector')
    // The panel stays on the proposal last projected.
    expect(titles()).toEqual([C2])
  })

  it('shows drafts and set-aside proposals when asked, and follows votes made meanwhile', async () => {
    await press($('#panel-projector')!)
    await press($('#projector-settings-toggle')!)
    expect($('#projector-settings')!.hidden).toBe(false)
    $<HTMLInputElement>('#projector-drafts')!.click()
    $<HTMLInputElement>('#projector-setAside')!.click()
    // Échap closes the settings first, then the mode.
    key('Escape')
    expect($('#projector-settings')!.hidden).toBe(true)
    expect($('.projector')).not.toBeNull()
    expect($('.projector-position')!.textContent).toBe('1 / 4')
    key('ArrowRight'); key('ArrowRight')
    expect(slideTitle()).toBe(C3)
    expect($('.projector-status')!.textContent).toBe('Brouillon')
    ;(window as unknown as { __recolteMockVoteAs: (m: string, id: string, n: number) => void }).__recolteMockVoteAs(
      OTHER_MEMBER, mockState().consolidated.find(c => c.title === C1)!.id, 0)
    ;(window as unknown as { __recolteMockVoteAs: (m: string, id: string, n: number) => void }).__recolteMockVoteAs(
      OTHER_MEMBER, mockState().consolidated.find(c => c.title === C3)!.id, 1)
    await settle()
    expect(slideTitle()).toBe(C3)
    expect($('.projector-votes')!.textContent).toBe(frenchSpaces('Votes : 1 point'))
    expect(JSON.parse(localStorage.getItem('recolte.projector')!)).toMatchObject({ drafts: true, setAside: true })
    key('Escape')
    await settle()
    expect(mockState().fullscreen).toEqual([true, false])
  })
})

describe('in English', () => {
  it('says the votes, the dots left and the projector in English', async () => {
    await open('en')
    expect($('#dots-left')!.textContent).toBe('You vote as Camille. You have 3 dots left of 3 for this theme.')
    expect($('.votes-total')!.textContent).toBe(`Votes: 2 dots · Voted: ${OTHER_MEMBER} (2)`)
    await press($('#panel-projector')!)
    expect($('.projector-votes')!.textContent).toBe('Votes: 2 dots')
    expect($('.projector-mark')!.textContent).toBe('✓ Carried forward')
    key('Escape')
    await settle()
    await press(byText('nav .tab', 'Event summary'))
    expect($('#summary-counts')!.textContent).toBe('10 themes · 6 consolidated proposals · 4 retained · 1 carried forward')
  })
})
