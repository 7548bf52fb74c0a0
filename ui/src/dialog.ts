// In-page dialogs, instead of window.prompt / alert / confirm (which some webviews do not
// show at all). Modal: the rest of the page is inert, Tab stays inside, Escape closes, and
// the focus returns to where it was.
import { h } from './dom'
import { t } from './i18n'

export interface Dialog {
  element: HTMLElement
  /** Closes the dialog and gives the focus back. */
  close(): void
}

let counter = 0

/** Whether something covers the screen (a dialog, the projector, the room display's clock): a
 * screen's own shortcuts then do nothing, since what they would reach is hidden behind it. */
export function covered(): boolean {
  return document.querySelector('.dialog-backdrop, .projector') !== null
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])'

function focusables(box: HTMLElement): HTMLElement[] {
  return [...box.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(el => !el.closest('[hidden]'))
}

/**
 * Opens a modal dialog titled `title` holding `content`. `onClose` runs once, however it
 * closes (its button, Escape, or `close()`).
 */
export function openDialog(title: string, content: Node[], options: { onClose?: () => void; wide?: boolean; initialFocus?: HTMLElement } = {}): Dialog {
  counter += 1
  const titleId = `dialog-title-${counter}`
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null
  const closeButton = h('button', { type: 'button', class: 'secondary dialog-close', 'aria-label': t('close') }, '×')
  const box = h('div', {
    role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, class: `dialog${options.wide ? ' wide' : ''}`, tabindex: '-1',
  }, h('div', { class: 'dialog-head' }, h('h2', { id: titleId }, title), closeButton), ...content)
  const backdrop = h('div', { class: 'dialog-backdrop' }, box)
  // Everything else on the page is out of reach while the dialog is open.
  const others = [...document.body.children].filter(el => el !== backdrop && !el.hasAttribute('inert')) as HTMLElement[]
  let closed = false
  const close = () => {
    if (closed) return
    closed = true
    document.removeEventListener('keydown', keys, true)
    backdrop.remove()
    for (const el of others) el.removeAttribute('inert')
    options.onClose?.()
    if (returnTo && document.contains(returnTo)) returnTo.focus()
  }
  const keys = (e: KeyboardEvent) => {
    if (e.code === 'Escape' || e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      close()
      return
    }
    if (e.code !== 'Tab' && e.key !== 'Tab') return
    const items = focusables(box)
    if (items.length === 0) { e.preventDefault(); box.focus(); return }
    const first = items[0]
    const last = items[items.length - 1]
    if (e.shiftKey && (document.activeElement === first || !box.contains(document.activeElement))) { e.preventDefault(); last.focus() }
    else if (!e.shiftKey && (document.activeElement === last || !box.contains(document.activeElement))) { e.preventDefault(); first.focus() }
  }
  closeButton.addEventListener('click', close)
  backdrop.addEventListener('mousedown', e => { if (e.target === backdrop) close() })
  document.addEventListener('keydown', keys, true)
  for (const el of others) el.setAttribute('inert', '')
  document.body.appendChild(backdrop)
  const target = options.initialFocus ?? focusables(box).find(el => el !== closeButton) ?? box
  target.focus()
  return { element: box, close }
}

/** Asks a yes/no question; resolves true only when the person confirms. */
export function confirmDialog(options: { title: string; message: string; confirm: string; danger?: boolean }): Promise<boolean> {
  return new Promise(resolve => {
    let answer = false
    const yes = h('button', { type: 'button', class: options.danger ? 'danger' : 'primary', 'data-confirm': '' }, options.confirm)
    const no = h('button', { type: 'button', class: 'secondary' }, t('cancel'))
    const dialog = openDialog(options.title, [
      h('p', {}, options.message),
      h('div', { class: 'dialog-actions' }, no, yes),
    ], { onClose: () => resolve(answer), initialFocus: no })
    yes.addEventListener('click', () => { answer = true; dialog.close() })
    no.addEventListener('click', () => dialog.close())
  })
}

/** Asks for one line of text; resolves null when cancelled. */
export function promptDialog(options: { title: string; label: string; value?: string; submit: string }): Promise<string | null> {
  return new Promise(resolve => {
    let answer: string | null = null
    counter += 1
    const fieldId = `dialog-field-${counter}`
    const field = h('input', { id: fieldId, value: options.value ?? '', autocomplete: 'off' })
    const form = h('form', {},
      h('label', { for: fieldId }, options.label), field,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, t('cancel')),
        h('button', { type: 'submit', class: 'primary' }, options.submit)))
    const dialog = openDialog(options.title, [form], { onClose: () => resolve(answer), initialFocus: field })
    field.select()
    form.addEventListener('submit', e => {
      e.preventDefault()
      answer = field.value
      dialog.close()
    })
  })
}
