import { describe, expect, it } from 'vitest'
import { confirmDialog, openDialog } from './dialog'
import { h } from './dom'

const tab = (shiftKey = false) =>
  document.dispatchEvent(new KeyboardEvent('keydown', { code: 'Tab', key: 'Tab', shiftKey, bubbles: true, cancelable: true }))

describe('in-page dialogs', () => {
  it('keep Tab inside, make the page inert, close on Escape and give the focus back', () => {
    document.body.innerHTML = ''
    const app = h('div', { id: 'app' }, h('button', { id: 'opener' }, 'Ouvrir'))
    document.body.appendChild(app)
    document.getElementById('opener')!.focus()
    const first = h('button', {}, 'Un')
    const last = h('button', {}, 'Deux')
    const dialog = openDialog('Titre', [first, last])
    expect(dialog.element.getAttribute('aria-labelledby')).toBe(dialog.element.querySelector('h2')!.id)
    expect(app.hasAttribute('inert')).toBe(true)
    expect(document.activeElement).toBe(first)
    last.focus()
    tab()
    expect(document.activeElement).toBe(dialog.element.querySelector('.dialog-close'))
    tab(true)
    expect(document.activeElement).toBe(last)
    document.dispatchEvent(new KeyboardEvent('keydown', { code: 'Escape', key: 'Escape', bubbles: true }))
    expect(document.querySelector('[role=dialog]')).toBeNull()
    expect(app.hasAttribute('inert')).toBe(false)
    expect(document.activeElement?.id).toBe('opener')
  })

  it('confirm resolves false on Escape, with the focus first on Cancel', async () => {
    const answer = confirmDialog({ title: 'Retirer ?', message: 'Sûr ?', confirm: 'Retirer', danger: true })
    expect(document.activeElement?.textContent).toBe('Annuler')
    document.dispatchEvent(new KeyboardEvent('keydown', { code: 'Escape', key: 'Escape', bubbles: true }))
    expect(await answer).toBe(false)
  })
})
