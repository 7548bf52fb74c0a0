// Undo and redo of this device's own changes on the screens, and the history of a wording, on
// the in-memory backend in jsdom.
import { beforeEach, describe, expect, it } from 'vitest'
import { emit } from '@tauri-apps/api/event'
import { mockState } from './mock-backend'
import { undoKey } from './undo'
import { settle, byId, startApp, type } from './test-support'
import { frenchSpaces } from './i18n'

/** A key press as the keyboard sends it; returns whether the app took it. */
function press(target: EventTarget, key: string, mods: { ctrl?: boolean; shift?: boolean; meta?: boolean } = {}): boolean {
  const event = new KeyboardEvent('keydown', { key, ctrlKey: mods.ctrl, shiftKey: mods.shift, metaKey: mods.meta, bubbles: true, cancelable: true })
  target.dispatchEvent(event)
  return event.defaultPrevented
}

const card = () => document.querySelector<HTMLElement>('.cards .proposal')
const cardTitle = () => card()?.querySelector<HTMLInputElement>('.card-title')

beforeEach(async () => {
  await startApp()
  byId<HTMLButtonElement>('load-sample').click()
  await settle()
})

describe('the undo keys', () => {
  it('are Ctrl+Z, Ctrl+Maj+Z and Ctrl+Y, and ⌘Z, ⌘⇧Z on macOS, by the key as labelled', () => {
    const key = (k: string, m: KeyboardEventInit) => undoKey(new KeyboardEvent('keydown', { key: k, ...m }))
    expect(key('z', { ctrlKey: true })).toBe('undo')
    expect(key('Z', { ctrlKey: true, shiftKey: true })).toBe('redo')
    expect(key('y', { ctrlKey: true })).toBe('redo')
    expect(key('z', { metaKey: true })).toBe('undo')
    expect(key('z', { metaKey: true, shiftKey: true })).toBe('redo')
    expect(key('z', {})).toBeNull()
    expect(key('z', { ctrlKey: true, altKey: true })).toBeNull()
    expect(key('w', { ctrlKey: true })).toBeNull()
  })
})

describe('a facilitator undoes their own changes', () => {
  it('undoes a card edit with Ctrl+Z after a change from elsewhere arrived, and redoes it', async () => {
    await type(byId('capture-title'), 'Former les élus')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    expect(byId('redo-button').getAttribute('aria-disabled')).toBe('true')
    // Typed in the card, then Ctrl+Z right away: what was typed is saved, then undone.
    cardTitle()?.focus()
    await type(cardTitle()!, 'Former tous les élus')
    expect(press(cardTitle()!, 'z', { ctrl: true })).toBe(true)
    await settle()
    expect(mockState().proposals[0].title).toBe('Former les élus')
    expect(cardTitle()?.value).toBe('Former les élus')
    expect(byId('status').textContent).toContain(frenchSpaces('Annulé : « Former les élus ».'))
    // Another proposal arrives from another device: the cards re-render, the stack stays.
    const other = { ...mockState().proposals[0], id: 'from-elsewhere', title: 'Venue d’ailleurs', author: 'Maëlle' }
    mockState().proposals.push(other)
    await emit('store-changed', 1)
    await settle()
    expect(document.querySelectorAll('.cards .proposal')).toHaveLength(2)
    expect(press(document.body, 'Z', { ctrl: true, shift: true })).toBe(true)
    await settle()
    expect(mockState().proposals[0].title).toBe('Former tous les élus')
    expect(byId('status').textContent).toContain(frenchSpaces('Rétabli : « Former tous les élus »'))
    expect(byId('undo-button').getAttribute('aria-disabled')).toBe('false')
  })

  it('leaves Ctrl+Z to the browser in the capture form, where nothing is saved yet', async () => {
    await type(byId('capture-title'), 'Une idée')
    expect(press(byId('capture-title'), 'z', { ctrl: true })).toBe(false)
  })

  it('leaves Ctrl+Z to the browser in a card field that saves on submit (a panel comment)', async () => {
    const comment = document.createElement('input')
    const card = document.createElement('article')
    card.dataset.consolidated = 'c1'
    card.appendChild(comment)
    document.body.appendChild(card)
    expect(press(comment, 'z', { ctrl: true })).toBe(false)
    card.remove()
  })

  it('says when there is nothing left to undo, as a status, not an error', async () => {
    expect(byId('undo-button').getAttribute('aria-disabled')).toBe('true')
    expect(press(document.body, 'z', { ctrl: true })).toBe(true)
    await settle()
    expect(byId('status').textContent).toContain('Rien à annuler dans cette session')
    expect(byId('alerts').textContent).toBe('')
  })

  it('undoes a deletion with the button', async () => {
    await type(byId('capture-title'), 'À garder')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    card()?.querySelector<HTMLButtonElement>('button.danger')?.click()
    await settle()
    expect(card()).toBeNull()
    byId<HTMLButtonElement>('undo-button').focus()
    byId<HTMLButtonElement>('undo-button').click()
    await settle()
    expect(cardTitle()?.value).toBe('À garder')
    expect(document.activeElement).toBe(byId('undo-button'))
    // The last redo done, its button has nothing left to do: it says so and keeps the keyboard.
    byId<HTMLButtonElement>('redo-button').focus()
    byId<HTMLButtonElement>('redo-button').click()
    await settle()
    expect(cardTitle()).toBeFalsy()
    expect(byId('redo-button').getAttribute('aria-disabled')).toBe('true')
    expect(document.activeElement).toBe(byId('redo-button'))
  })
})

describe('the history of a wording', () => {
  it('lists every version, newest first, and restores one as a new change', async () => {
    await type(byId('capture-title'), 'Ouvrir les données')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    cardTitle()!.focus()
    await type(cardTitle()!, 'Open data')
    cardTitle()!.blur()
    await settle()
    const open = [...card()!.querySelectorAll<HTMLButtonElement>('button')].find(b => b.textContent === 'Historique')
    open?.click()
    await settle()
    const dialog = document.querySelector<HTMLElement>('[role=dialog]')!
    const items = [...dialog.querySelectorAll<HTMLElement>('.history-version')]
    expect(items.map(i => i.querySelector('.history-title')?.textContent)).toEqual(['Open data', 'Ouvrir les données'])
    expect(items[0].querySelector('button')).toBeNull()
    items[1].querySelector<HTMLButtonElement>('button')?.click()
    await settle()
    expect(mockState().proposals[0].title).toBe('Ouvrir les données')
    expect(dialog.querySelectorAll('.history-version')).toHaveLength(3)
  })
})

describe('a session at a given time', () => {
  it('shows the session as it stood at each moment of the slider, read only', async () => {
    for (const title of ['Former les élus', 'Ouvrir les données']) {
      await type(byId('capture-title'), title)
      byId<HTMLInputElement>('capture-title').form?.requestSubmit()
      await settle()
    }
    byId<HTMLButtonElement>('moment-open').click()
    await settle()
    const slider = byId<HTMLInputElement>('moment-slider')
    const titles = () => [...document.querySelectorAll('.moment-list .history-title')].map(e => e.textContent)
    expect(slider.max).toBe('1')
    expect(titles()).toEqual(['Former les élus', 'Ouvrir les données'])
    slider.value = '0'
    slider.dispatchEvent(new Event('input'))
    await settle()
    expect(titles()).toEqual(['Former les élus'])
    expect(document.querySelector('.moment-list input, .moment-list textarea, .moment-list button')).toBeNull()
    await type(byId('moment-time'), 'demain matin')
    byId<HTMLInputElement>('moment-time').form?.requestSubmit()
    await settle()
    expect(document.querySelector('[role=dialog] [role=alert]')?.textContent).toContain('n’est pas un moment')
  })
})

describe('named snapshots', () => {
  it('takes one by name, shows it, and restores it as a change that can be undone', async () => {
    await type(byId('capture-title'), 'Former les élus')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    byId<HTMLButtonElement>('moment-open').click()
    await settle()
    expect(byId('snapshot-list').textContent).toContain('Aucun instantané')
    byId<HTMLInputElement>('snapshot-name').form?.requestSubmit()
    await settle()
    expect(document.querySelector('[role=dialog] [role=alert]')?.textContent).toContain('ne peut pas être vide')
    await type(byId('snapshot-name'), 'Avant la pause')
    byId<HTMLInputElement>('snapshot-name').form?.requestSubmit()
    await settle()
    expect(byId('snapshot-list').textContent).toContain('Avant la pause')
    document.querySelector<HTMLButtonElement>('[role=dialog] .dialog-close')?.click()
    await settle()

    // A change after the snapshot, then the snapshot restored: the change is gone, and undoable.
    await type(byId('capture-title'), 'Ouvrir les données')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    expect(mockState().proposals.map(p => p.title)).toEqual(['Former les élus', 'Ouvrir les données'])
    byId<HTMLButtonElement>('moment-open').click()
    await settle()
    expect(document.querySelectorAll('[role=dialog]')).toHaveLength(1)
    const dialog = document.querySelector<HTMLElement>('[role=dialog]')!
    dialog.querySelector<HTMLButtonElement>('[data-snapshot] [data-action=look]')?.click()
    await settle()
    expect([...dialog.querySelectorAll('.moment-list .history-title')].map(e => e.textContent)).toEqual(['Former les élus'])
    // The proposal added since would be taken away from everyone: said first, on the line.
    dialog.querySelector<HTMLButtonElement>('[data-snapshot] [data-action=restore]')?.click()
    await settle()
    const ask = () => dialog.querySelector<HTMLElement>('.restore-ask')
    expect(ask()?.textContent).toContain(frenchSpaces('la proposition « Ouvrir les données » de Camille'))
    expect(document.activeElement?.getAttribute('data-action')).toBe('cancel-restore')
    ask()!.querySelector<HTMLButtonElement>('[data-action=cancel-restore]')!.click()
    await settle()
    expect(ask()).toBeNull()
    expect(document.activeElement?.getAttribute('data-action')).toBe('restore')
    expect(mockState().proposals.map(p => p.title)).toEqual(['Former les élus', 'Ouvrir les données'])
    dialog.querySelector<HTMLButtonElement>('[data-snapshot] [data-action=restore]')?.click()
    await settle()
    ask()!.querySelector<HTMLButtonElement>('[data-action=restore-anyway]')!.click()
    await settle()
    expect(mockState().proposals.map(p => p.title)).toEqual(['Former les élus'])
    // Newest first: the snapshot of what the restore replaced heads the list.
    expect(dialog.querySelector('[data-snapshot]')?.textContent).toContain('Avant la restauration de « Avant la pause »')
  })
})
