// Undo and redo of this device's own changes, on the screen where they were made: Ctrl+Z and
// Ctrl+Maj+Z (or Ctrl+Y; ⌘ on macOS), and two buttons that say what is left. The backend
// keeps the stacks (they survive re-renders, restarts and changes arriving from elsewhere)
// and never undoes another device's change.
//
// Text typed in a field that is not saved yet (the capture form, a search box, a name) keeps
// the browser's own undo. In a card's field, which saves as one types, what was typed is saved
// first, then undone like any change.
import { api, errorCode, errorMessage, type UndoOutcome, type UndoPlace } from './api'
import { covered } from './dialog'
import { announce, h, render } from './dom'
import { quoted, t } from './i18n'

export interface UndoControls {
  /** The two buttons, for the screen's toolbar. */
  element: HTMLElement
  /** Reads again what can be undone and redone (after a change, or a change of place). */
  refresh(): Promise<void>
  attach(): void
  detach(): void
}

export interface UndoOptions {
  event: string
  /** Where the screen is: null when it shows nothing this device may change. */
  place: () => UndoPlace | null
  /** Saves what a card's field holds that is not saved yet. */
  flush?: () => Promise<void>
  /** Draws the screen again once undone. */
  after: () => Promise<void>
}

const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform)

/** Whether a key press asks to undo ('undo'), to redo ('redo'), or neither (null). The key as
 * labelled (e.key), as every editor does: Z is where the keyboard says, AZERTY or QWERTY. */
export function undoKey(e: KeyboardEvent): 'undo' | 'redo' | null {
  if (e.altKey || !(e.ctrlKey || e.metaKey)) return null
  const key = e.key.toLowerCase()
  if (key === 'z') return e.shiftKey ? 'redo' : 'undo'
  if (key === 'y' && !e.shiftKey && e.ctrlKey) return 'redo'
  return null
}

/** A field whose text is not saved as one types (marked `data-live-save` where it is): the
 * browser's undo is the right one there. */
function typingUnsaved(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  const field = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target.isContentEditable
  return field && !target.hasAttribute('data-live-save')
}

/** An undo or redo button with nothing to do: it keeps the keyboard, and does nothing. */
function off(button: HTMLButtonElement): boolean {
  return button.getAttribute('aria-disabled') === 'true'
}

export function undoControls(options: UndoOptions): UndoControls {
  const mod = isMac() ? '⌘' : 'Ctrl+'
  const undoButton = h('button', {
    type: 'button', class: 'secondary', id: 'undo-button', 'aria-keyshortcuts': 'Control+Z Meta+Z',
    title: t('undo_mine_hint', { keys: `${mod}Z` }), onclick: () => { if (!off(undoButton)) void run('undo') },
  }, t('undo_mine'))
  const redoButton = h('button', {
    type: 'button', class: 'secondary', id: 'redo-button', 'aria-keyshortcuts': 'Control+Shift+Z Control+Y Meta+Shift+Z',
    title: t('redo_mine_hint', { keys: `${mod}${isMac() ? '⇧' : t('shift_key')}Z` }), onclick: () => { if (!off(redoButton)) void run('redo') },
  }, t('redo_mine'))
  const element = h('div', { class: 'undo-controls', role: 'group', 'aria-label': t('undo_group') }, undoButton, redoButton)
  let busy = false

  function said(outcome: UndoOutcome): string {
    // Left because a merge cites it, or the panel voted on it: said so, not « changed since ».
    const kept = outcome.kept.length ? t('undo_kept', { titles: outcome.kept.map(quoted).join(', ') }) : ''
    if (outcome.written === 0) return kept || t('undo_overtaken')
    const titles = outcome.about.map(quoted).join(', ')
    const done = titles
      ? t(outcome.action === 'undo' ? 'undone_about' : 'redone_about', { titles })
      : outcome.action === 'undo' ? t('undone') : t('redone')
    const said = kept ? `${done} ${kept}` : done
    return outcome.can_undo > 0 ? `${said} ${t('undo_left', { n: outcome.can_undo })}` : said
  }

  async function run(action: 'undo' | 'redo'): Promise<void> {
    const place = options.place()
    if (!place || busy) return
    busy = true
    const had = document.activeElement
    try {
      await options.flush?.()
      const outcome = await api.undo(options.event, place, action === 'redo')
      announce(said(outcome), 'notice')
      await options.after()
      // What had the keyboard may be gone with what was undone (a merge's wording, a set-aside
      // proposal's button): the keyboard stays on the screen, at its undo button.
      const lost = !document.activeElement || document.activeElement === document.body
      if (had instanceof HTMLElement && had !== document.body && (lost || !had.isConnected)) undoButton.focus()
    } catch (error) {
      const nothing = errorCode(error) === 'nothing_to_undo'
      if (nothing) {
        const said = errorMessage(error)
        announce(said.charAt(0).toLocaleUpperCase() + said.slice(1), 'notice')
      }
      else announce(t('error_prefix') + errorMessage(error), 'error')
    } finally {
      busy = false
      await refresh().catch(() => {})
    }
  }

  async function refresh(): Promise<void> {
    const place = options.place()
    element.hidden = place === null
    if (!place) return
    const depth = await api.undoDepth(options.event, place)
    // Marked unavailable rather than disabled: a disabled button that has the keyboard drops
    // it to the page, which is what pressing the last undo would do.
    undoButton.setAttribute('aria-disabled', String(depth.can_undo === 0))
    redoButton.setAttribute('aria-disabled', String(depth.can_redo === 0))
    render(undoButton, depth.can_undo > 0 ? `${t('undo_mine')} (${depth.can_undo})` : t('undo_mine'))
  }

  const onKey = (e: KeyboardEvent) => {
    const action = undoKey(e)
    if (!action || covered()) return
    if (typingUnsaved(e.target)) return
    e.preventDefault()
    void run(action)
  }

  return {
    element,
    refresh,
    attach() { document.addEventListener('keydown', onKey) },
    detach() { document.removeEventListener('keydown', onKey) },
  }
}
