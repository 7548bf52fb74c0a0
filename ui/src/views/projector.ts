// The projector mode: the window full screen, nothing but the current proposal (title, text,
// theme, votes, mark) in type read from the back of a room. ← → (and a presenter's Page Up /
// Page Down) move, Échap leaves: physical keys (KeyboardEvent.code), so AZERTY works alike.
// What it shows is a setting (drafts and set-aside proposals hidden by default), in a small
// control that appears only on hover or focus.
import { api, errorMessage, type Consolidated, type Review } from '../api'
import { h, render } from '../dom'
import { dotsWords, type Key, labelled, t } from '../i18n'

export interface ProjectorItem { consolidated: Consolidated; review: Review | undefined }

export interface ProjectorSettings {
  drafts: boolean
  setAside: boolean
  votes: boolean
  light: boolean
}

const SETTINGS_KEY = 'recolte.projector'
const DEFAULTS: ProjectorSettings = { drafts: false, setAside: false, votes: true, light: false }

export function projectorSettings(): ProjectorSettings {
  try {
    return { ...DEFAULTS, ...JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}') }
  } catch {
    return { ...DEFAULTS }
  }
}

/** The proposals the projector shows, in the panel's order. */
export function projected(items: ProjectorItem[], settings: ProjectorSettings): ProjectorItem[] {
  return items.filter(({ consolidated: c }) =>
    c.status === 'retained' || (c.status === 'draft' && settings.drafts) || (c.status === 'set_aside' && settings.setAside))
}

export interface Projector {
  /** Draws again from fresh data (a vote, a mark, a change from another device). */
  update(): void
  close(): void
}

/** Long texts get a smaller size, never under 48px for titles and 28px for text. */
const LONG_TITLE = 90
const LONG_BODY = 320

export function openProjector(options: {
  theme: string
  items: () => ProjectorItem[]
  start: string | null
  onClose: (lastId: string | null) => void
}): Projector {
  let settings = projectorSettings()
  let currentId = options.start
  let closed = false
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null

  const slide = h('div', { class: 'projector-slide' })
  const live = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite', id: 'projector-live' })
  const settingsBox = h('div', { class: 'projector-settings', id: 'projector-settings', hidden: true })
  const settingsToggle = h('button', {
    type: 'button', class: 'projector-control', id: 'projector-settings-toggle', 'aria-expanded': 'false', 'aria-controls': 'projector-settings',
  }, t('projector_settings'))
  const exit = h('button', { type: 'button', class: 'projector-control', id: 'projector-exit' }, t('projector_exit'))
  const root = h('section', { class: 'projector', tabindex: '-1', 'aria-label': t('projector_region'), lang: document.documentElement.lang },
    h('div', { class: 'projector-controls' }, settingsToggle, exit, settingsBox), slide, live)

  const choices: [keyof ProjectorSettings, Key][] = [
    ['drafts', 'projector_show_drafts'], ['setAside', 'projector_show_set_aside'], ['votes', 'projector_show_votes'], ['light', 'projector_light'],
  ]
  render(settingsBox, h('fieldset', {}, h('legend', {}, t('projector_settings_title')),
    ...choices.map(([key, label]) => {
      const box = h('input', { type: 'checkbox', id: `projector-${key}`, checked: settings[key] })
      box.addEventListener('change', () => {
        settings = { ...settings, [key]: box.checked }
        localStorage.setItem(SETTINGS_KEY, JSON.stringify(settings))
        draw(false)
      })
      return h('div', { class: 'check' }, box, h('label', { for: `projector-${key}` }, t(label)))
    })))
  const toggleSettings = (open: boolean) => {
    settingsBox.hidden = !open
    settingsToggle.setAttribute('aria-expanded', open ? 'true' : 'false')
  }
  settingsToggle.addEventListener('click', () => toggleSettings(settingsBox.hidden))
  exit.addEventListener('click', () => close())

  function visible(): ProjectorItem[] {
    return projected(options.items(), settings)
  }

  function draw(announceIt: boolean): void {
    root.classList.toggle('light', settings.light)
    const list = visible()
    if (list.length === 0) {
      render(slide, h('p', { class: 'projector-theme' }, options.theme), h('p', { class: 'projector-empty' }, t('projector_empty')))
      if (announceIt) live.textContent = t('projector_empty')
      return
    }
    let index = list.findIndex(x => x.consolidated.id === currentId)
    if (index < 0) index = 0
    const { consolidated: c, review } = list[index]
    currentId = c.id
    const carried = review?.carry_forward ?? false
    render(slide,
      h('p', { class: 'projector-top' },
        h('span', { class: 'projector-theme' }, options.theme),
        h('span', { class: 'projector-position', 'aria-label': t('projector_position', { i: index + 1, n: list.length }) }, `${index + 1} / ${list.length}`)),
      h('div', { class: 'projector-content' },
        h('h1', { class: `projector-title${c.title.length > LONG_TITLE ? ' long' : ''}` }, c.title),
        c.body ? h('p', { class: `projector-body${c.body.length > LONG_BODY ? ' long' : ''}` }, c.body) : null),
      h('p', { class: 'projector-foot' },
        c.status === 'retained' ? null : h('span', { class: 'projector-status' }, t(`status_${c.status}` as Key)),
        settings.votes ? h('span', { class: 'projector-votes' }, t('votes_total', { dots: dotsWords(review?.total ?? 0) })) : null,
        carried ? h('span', { class: 'projector-mark' }, `✓ ${t('carried_badge')}`) : null))
    if (announceIt) live.textContent = labelled(t('projector_position', { i: index + 1, n: list.length }), c.title)
  }

  function step(delta: number): void {
    const list = visible()
    const index = list.findIndex(x => x.consolidated.id === currentId)
    const next = list[Math.max(0, index) + delta]
    if (!next) return
    currentId = next.consolidated.id
    draw(true)
  }

  const keys = (e: KeyboardEvent) => {
    if (e.code === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      if (!settingsBox.hidden) { toggleSettings(false); settingsToggle.focus(); return }
      close()
      return
    }
    if (e.key === 'Tab') {
      // The keyboard stays in the projector, going round its controls (the page behind is
      // hidden, so the browser's own order passed through the page's body).
      const stops = [...root.querySelectorAll<HTMLElement>('button, input, select, a[href]')].filter(el => !el.closest('[hidden]') && !(el as HTMLButtonElement).disabled)
      const at = stops.indexOf(document.activeElement as HTMLElement)
      const next = stops[(at + (e.shiftKey ? -1 : 1) + stops.length + (at < 0 && e.shiftKey ? 1 : 0)) % stops.length]
      if (next) {
        e.preventDefault()
        next.focus()
      }
      return
    }
    if (settingsBox.contains(e.target as Node)) return
    const moves: Record<string, number> = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 }
    if (e.code in moves && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault()
      e.stopPropagation()
      step(moves[e.code])
    }
  }

  function close(): void {
    if (closed) return
    closed = true
    document.removeEventListener('keydown', keys, true)
    root.remove()
    document.documentElement.classList.remove('projecting')
    api.setFullscreen(false).catch(() => undefined)
    options.onClose(currentId)
    if (returnTo && document.contains(returnTo) && document.activeElement === document.body) returnTo.focus()
  }

  document.addEventListener('keydown', keys, true)
  document.documentElement.classList.add('projecting')
  document.body.appendChild(root)
  draw(true)
  root.focus()
  api.setFullscreen(true).catch(error => { live.textContent = t('projector_error', { error: errorMessage(error) }) })

  return {
    update() { if (!closed) draw(false) },
    close,
  }
}
