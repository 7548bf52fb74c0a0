// Building the interface without HTML strings: every text goes through a text node, so a
// proposal titled `<img src=x onerror=alert(1)>` shows literally, whoever typed it.

type Child = Node | string | number | null | undefined | false
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value)
    } else if (name === 'value' && 'value' in element) {
      ;(element as HTMLInputElement).value = String(value)
    } else if (name === 'checked' && 'checked' in element) {
      ;(element as HTMLInputElement).checked = Boolean(value)
    } else {
      element.setAttribute(name, value === true ? '' : String(value))
    }
  }
  append(element, ...children)
  return element
}

/**
 * Text as shown: the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) that text from another device may hold (Récolte drops them from what is typed;
 * a stock Yjs client writes anything) become �. One left open turns the rest of its line around,
 * labels and numbers included. Right-to-left words and the marks U+200E/U+200F stay.
 */
export function shownText(text: string): string {
  return text.replace(/[\u202A-\u202E\u2066-\u2069]/g, '\uFFFD')
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(shownText(String(child))) : child)
  }
}

export function clear(element: Element): void {
  while (element.firstChild) element.removeChild(element.firstChild)
}

/** Replaces an element's children. */
export function render(element: Element, ...children: Child[]): void {
  clear(element)
  append(element, ...children)
}

/** Puts `text` in a live region only when it says something new: a screen reader reads out
 * every text put in one, the same words again included (the status pill at each sync event,
 * the presence line at each heartbeat, the panel's counts at each vote). */
export function say(region: Element, text: string): void {
  const shown = shownText(text)
  if (region.textContent !== shown) region.textContent = shown
}

/**
 * Runs `work` with `buttons` disabled (no second click while it runs), then enables them
 * again. A disabled button loses the keyboard to the page: the one that had it gets it back,
 * unless something else (a result, a dialog's own control) took it meanwhile.
 */
export async function whileBusy<T>(buttons: HTMLButtonElement[], work: () => Promise<T>): Promise<T> {
  const had = buttons.find(button => button === document.activeElement) ?? null
  for (const button of buttons) button.disabled = true
  try {
    return await work()
  } finally {
    for (const button of buttons) button.disabled = false
    const lost = !document.activeElement || document.activeElement === document.body
    if (had?.isConnected && lost) had.focus()
  }
}

/**
 * Redraws part of a screen and keeps the keyboard where it was. Taking a focused element out
 * of the page, even to put it back at once, sends the focus to the page: what is typed next
 * goes nowhere. The element focused before is focused again if it is still in the page, else
 * the one that took its place (same id, or same `data-focus`), with its caret.
 */
export function keepingFocus(container: Element, redraw: () => void): void {
  const active = document.activeElement
  if (!(active instanceof HTMLElement) || !container.contains(active)) {
    redraw()
    return
  }
  const field = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement ? active : null
  let caret: [number, number] | null = null
  try {
    caret = field && field.selectionStart !== null ? [field.selectionStart, field.selectionEnd ?? field.selectionStart] : null
  } catch {
    caret = null // a checkbox has no caret
  }
  const { id } = active
  const focusKey = active.dataset.focus
  redraw()
  if (document.activeElement === active) return
  const same = (e: HTMLElement) => (id !== '' && e.id === id) || (focusKey !== undefined && e.dataset.focus === focusKey)
  const again = active.isConnected ? active : [...container.querySelectorAll<HTMLElement>('[id], [data-focus]')].find(same)
  if (!again) return
  again.focus()
  if (caret && (again instanceof HTMLInputElement || again instanceof HTMLTextAreaElement)) {
    try {
      const end = again.value.length
      again.setSelectionRange(Math.min(caret[0], end), Math.min(caret[1], end))
    } catch {
      // not a field with a caret
    }
  }
}

/**
 * Shows in a live-saved field what the store holds for it, unless its own save is still
 * waiting, or what came back is the field's text as saved (the store trims it): a space just
 * typed at the end, then a pause, must stay under the caret for the next word.
 */
export function showSaved(field: HTMLInputElement | HTMLTextAreaElement, stored: string, waiting: boolean): void {
  if (waiting || (document.activeElement === field && field.value.trim() === stored)) return
  setFieldValue(field, stored)
}

/**
 * Sets the value of a field someone may be typing in, keeping their caret where it was
 * relative to their text: a change made elsewhere before the caret moves it by its length.
 */
export function setFieldValue(field: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  const old = field.value
  if (old === value) return
  if (document.activeElement !== field) {
    field.value = value
    return
  }
  const start = field.selectionStart ?? old.length
  const end = field.selectionEnd ?? old.length
  const map = caretMapper(old, value)
  field.value = value
  field.setSelectionRange(map(start), map(end))
}

/** Maps positions in `before` to positions in `after`, given the single edit between them. */
export function caretMapper(before: string, after: string): (position: number) => number {
  let prefix = 0
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++
  let suffix = 0
  while (
    suffix < before.length - prefix &&
    suffix < after.length - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  ) suffix++
  const removedEnd = before.length - suffix
  const delta = after.length - before.length
  return (position: number) => {
    if (position <= prefix) return position
    if (position >= removedEnd) return position + delta
    return after.length - suffix
  }
}

/** Announces a message to screen readers; an error is shown too, in the banner above the
 * screen, and a notice (what was done that the screen does not show by itself: what Ctrl+Z
 * undid, a link copied, work a join left behind) in a line under it, for a few seconds, or
 * until closed when `keep`. What is done after an error takes its banner away: a form
 * corrected and sent again said its old error on for ever. */
export function announce(message: string, kind: 'info' | 'error' | 'notice' = 'info', keep = false): void {
  const region = document.getElementById(kind === 'error' ? 'alerts' : 'status')
  if (region) region.textContent = shownText(message)
  if (kind === 'notice') showNotice(message, keep)
  if (kind !== 'error') clearAlerts()
}

let noticeTimer: number | undefined
/** How long a notice stays on screen when it is not kept. */
export const NOTICE_SHOWN_MS = 8000

function showNotice(message: string, keep: boolean): void {
  const notice = document.getElementById('notice')
  const text = notice?.querySelector('.notice-text')
  if (!notice || !text) return
  text.textContent = shownText(message)
  notice.hidden = false
  window.clearTimeout(noticeTimer)
  if (!keep) noticeTimer = window.setTimeout(() => { notice.hidden = true }, NOTICE_SHOWN_MS)
}

/** Takes the error banner away (another screen chosen, something done since). */
export function clearAlerts(): void {
  const alerts = document.getElementById('alerts')
  if (alerts && alerts.textContent !== '') alerts.textContent = ''
}
