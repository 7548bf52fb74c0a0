// The organiser's arrivals board: per session, what reached the hub and from which devices,
// with a mark (words and a sign, not only a colour) for a session that has nothing when its
// slot has ended; per theme, the synthesis; per device, what it has not shared yet.
// Refreshed every 10 seconds while it is shown.
import { api, errorMessage, type ArrivalDevice, type ArrivalsBoard, type SessionArrival } from '../api'
import { announce, h, render, say } from '../dom'
import { formatWhen, t, type Key } from '../i18n'
import { roleLabel } from './join'

export const ARRIVALS_EVERY_MS = 10_000

function sessionName(s: SessionArrival): string {
  return `${s.theme}. ${s.theme_title}`
}

function slotName(s: { day: number; start: string }): string {
  return t('arrivals_slot', { day: t('day', { n: s.day }), start: s.start })
}

/** Sessions grouped by day and slot, in order, each group by theme. */
export function bySlot(sessions: SessionArrival[]): { day: number; start: string; sessions: SessionArrival[] }[] {
  const groups = new Map<string, { day: number; start: string; sessions: SessionArrival[] }>()
  for (const s of sessions) {
    const key = `${s.day}|${s.start}`
    if (!groups.has(key)) groups.set(key, { day: s.day, start: s.start, sessions: [] })
    groups.get(key)!.sessions.push(s)
  }
  return [...groups.values()]
    .sort((a, b) => a.day - b.day || a.start.localeCompare(b.start))
    .map(g => ({ ...g, sessions: g.sessions.sort((a, b) => a.theme - b.theme) }))
}

function deviceLine(d: ArrivalDevice): HTMLElement {
  return h('li', { class: d.connected ? 'online' : 'offline' },
    h('span', { class: 'device-name' }, d.name),
    ' — ',
    d.connected
      ? h('span', { class: 'online-mark device-state' }, h('span', { 'aria-hidden': 'true' }, '● '), t('device_connected'))
      : h('span', { class: 'muted device-state' }, d.last_seen ? t('device_seen', { when: formatWhen(d.last_seen) }) : t('device_never')))
}

function arrivalCell(s: SessionArrival): HTMLElement {
  // Its count is unknown: not « rien reçu », which would send the organiser after its facilitator.
  if (s.unreadable) return h('td', { class: 'arrival' }, h('strong', {}, t('arrival_unreadable')))
  if (s.missing) {
    return h('td', { class: 'arrival' }, h('strong', { class: 'missing-mark' }, h('span', { 'aria-hidden': 'true' }, '⚠ '), t('arrival_missing')))
  }
  if (s.proposals > 0) return h('td', { class: 'arrival' }, h('span', { class: 'received-mark' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('arrival_received')))
  return h('td', { class: 'arrival muted' }, t('arrival_waiting'))
}

export interface Board {
  element: HTMLElement
  /** Reads the board now, then every 10 seconds until stop(). */
  start(): Promise<void>
  stop(): void
  load(): Promise<boolean>
}

export function arrivalsBoard(event: string): Board {
  const updated = h('span', { class: 'muted arrivals-updated', id: 'arrivals-updated' })
  const refresh = h('button', { type: 'button', class: 'secondary', id: 'arrivals-refresh' }, t('arrivals_refresh'))
  const onlyMissing = h('input', { type: 'checkbox', id: 'arrivals-only-missing' })
  const problem = h('p', { id: 'arrivals-problem', class: 'warning', role: 'alert' })
  const missingBox = h('div', { id: 'arrivals-missing' })
  const summary = h('p', { class: 'arrivals-summary', id: 'arrivals-summary' }, t('arrivals_loading'))
  const sessionsTable = h('div', { class: 'table-scroll arrivals-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'arrivals-sessions-title' })
  const themesTable = h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'arrivals-themes-title' })
  const devicesTable = h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'arrivals-devices-title' })
  const element = h('section', { class: 'arrivals', 'aria-labelledby': 'arrivals-title' },
    h('div', { class: 'arrivals-head' },
      h('h2', { id: 'arrivals-title' }, t('arrivals_title')), refresh, updated),
    h('p', { class: 'muted' }, t('arrivals_text')),
    problem, missingBox, summary,
    h('label', { class: 'check', for: 'arrivals-only-missing' }, onlyMissing, ` ${t('arrivals_only_missing')}`),
    h('h3', { id: 'arrivals-sessions-title' }, t('arrivals_sessions')), sessionsTable,
    h('h3', { id: 'arrivals-themes-title' }, t('arrivals_themes')), themesTable,
    h('h3', { id: 'arrivals-devices-title' }, t('arrivals_devices')), devicesTable)

  let board: ArrivalsBoard | null = null
  let timer: ReturnType<typeof setInterval> | null = null
  let loading = false

  function drawSessions(): void {
    if (!board) return
    const groups = bySlot(board.sessions.filter(s => !onlyMissing.checked || s.missing))
    const head = (['col_session', 'col_proposals', 'col_last_change', 'col_devices', 'col_arrival'] as Key[])
      .map(k => h('th', { scope: 'col' }, t(k)))
    render(sessionsTable, h('table', { class: 'arrivals-sessions' },
      h('thead', {}, h('tr', {}, ...head)),
      ...groups.map(g => h('tbody', { 'data-slot': `${g.day}-${g.start}` },
        h('tr', { class: 'slot-row' }, h('th', { scope: 'colgroup', colspan: 5 }, slotName(g))),
        ...g.sessions.map(s => h('tr', { 'data-session': s.id, class: s.missing ? 'missing' : s.proposals > 0 ? 'received' : 'waiting' },
          h('th', { scope: 'row' }, sessionName(s), s.room ? h('span', { class: 'muted room' }, `· ${s.room}`) : null),
          h('td', { class: 'count' }, String(s.proposals)),
          h('td', { class: 'when' }, s.last_change ? formatWhen(s.last_change) : '—'),
          h('td', { class: 'devices-cell' }, s.devices.length ? h('ul', { class: 'plain devices-list' }, ...s.devices.map(deviceLine)) : h('span', { class: 'muted' }, t('devices_none_arrived'))),
          arrivalCell(s)))))))
  }

  function draw(): void {
    if (!board) return
    const missing = board.sessions.filter(s => s.missing)
    const received = board.sessions.filter(s => s.proposals > 0).length
    render(updated, t('arrivals_updated', { time: formatWhen(board.generated_at) }))
    // The slots the organiser opened stay open, and the keyboard stays on its slot.
    const slotOf = (el: Element | null) => el?.closest<HTMLElement>('li[data-slot]')?.dataset.slot
    const opened = new Set([...missingBox.querySelectorAll('li[data-slot] > details[open]')].map(slotOf))
    const focused = missingBox.contains(document.activeElement) ? slotOf(document.activeElement) : undefined
    render(missingBox, missing.length
      ? h('div', { class: 'warning missing-summary' },
        h('p', {}, h('strong', {}, h('span', { 'aria-hidden': 'true' }, '⚠ '), t('arrivals_missing_title', { n: missing.length }))),
        // One line per slot, its themes by number (the organiser goes round one slot's rooms
        // at a time); the titles and rooms on demand. A place every session shares is said once.
        h('ul', { class: 'missing-slots' }, ...bySlot(missing).map(g => {
          const rooms = new Set(g.sessions.map(s => s.room))
          const oneRoom = rooms.size === 1
          const shared = oneRoom ? g.sessions[0].room : null
          const slot = `${g.day}-${g.start}`
          return h('li', { 'data-slot': slot }, h('details', { open: opened.has(slot) },
            h('summary', {}, h('strong', {}, t('arrivals_missing_slot', { slot: slotName(g), n: g.sessions.length })),
              ` ${t(g.sessions.length === 1 ? 'arrivals_missing_theme' : 'arrivals_missing_themes', { themes: g.sessions.map(s => s.theme).join(', ') })}`,
              shared ? h('span', { class: 'muted room' }, ` · ${shared}`) : null),
            h('ul', { class: 'missing-sessions' }, ...g.sessions.map(s =>
              h('li', {}, sessionName(s), s.room && !oneRoom ? h('span', { class: 'muted room' }, ` · ${s.room}`) : null)))))
        })))
      : h('p', { class: 'muted' }, t('arrivals_missing_none')))
    if (focused) [...missingBox.querySelectorAll<HTMLElement>('li[data-slot]')].find(li => li.dataset.slot === focused)?.querySelector('summary')?.focus()
    render(summary, t('arrivals_summary', { received, total: board.sessions.length }))
    drawSessions()
    render(themesTable, h('table', { class: 'arrivals-themes' },
      h('thead', {}, h('tr', {}, ...(['col_theme', 'col_consolidated', 'col_retained', 'col_draft', 'col_set_aside'] as Key[]).map(k => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, ...board.themes.map(th => h('tr', { 'data-theme': String(th.number) },
        h('th', { scope: 'row' }, `${th.number}. ${th.title}`),
        // A synthesis the hub cannot read back is said, never counted as empty.
        ...(th.unreadable
          ? [h('td', { class: 'arrival', colspan: 4 }, h('strong', {}, t('arrival_unreadable')))]
          : [th.consolidated, th.retained, th.draft, th.set_aside].map(n => h('td', { class: 'count' }, String(n)))))))))
    render(devicesTable, board.devices.length === 0 ? h('p', { class: 'muted' }, t('arrivals_no_devices')) : h('table', { class: 'arrivals-devices' },
      h('thead', {}, h('tr', {}, ...(['col_device', 'col_role', 'col_unsent_reported', 'col_reported'] as Key[]).map(k => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, ...board.devices.map(d => h('tr', { 'data-device': d.device, class: d.unsent || d.outside ? 'unsent' : '' },
        h('th', { scope: 'row' }, d.name || d.device),
        h('td', {}, d.role ? roleLabel(d.role) : t('role_none')),
        h('td', { class: 'count' }, d.unsent === null ? t('unsent_unknown') : String(d.unsent),
          // What no document it syncs will carry: the organiser asks for a USB key.
          d.outside ? h('span', { class: 'outside' }, ` · ${t('arrivals_outside', { n: d.outside })}`) : null),
        h('td', { class: 'when' }, d.reported_at ? formatWhen(d.reported_at) : t('never')))))))
  }

  /** Reads the board; false if it could not (the reason is shown). */
  async function load(): Promise<boolean> {
    if (loading) return false
    loading = true
    element.setAttribute('aria-busy', 'true')
    try {
      const next = await api.arrivals(event)
      // Every 10 s: drawn again only when something changed (a redraw closed the slots opened
      // and dropped the keyboard), its time of reading always.
      const same = board !== null && JSON.stringify({ ...next, generated_at: '' }) === JSON.stringify({ ...board, generated_at: '' })
      board = next
      say(problem, '')
      if (same) render(updated, t('arrivals_updated', { time: formatWhen(next.generated_at) }))
      else draw()
      return true
    } catch (error) {
      // Said once: the same reason is not announced again at every attempt.
      say(problem, t('arrivals_error', { error: errorMessage(error) }))
      // Never read yet: not « Lecture… » under the reason for as long as the hub is away.
      if (board === null) render(summary, t('arrivals_not_read'))
      return false
    } finally {
      loading = false
      element.removeAttribute('aria-busy')
    }
  }

  refresh.addEventListener('click', () => void load().then(ok => { if (ok) announce(t('arrivals_refreshed')) }))
  onlyMissing.addEventListener('change', drawSessions)

  return {
    element,
    load,
    async start() {
      this.stop()
      await load()
      timer = setInterval(() => void load(), ARRIVALS_EVERY_MS)
    },
    stop() {
      if (timer !== null) clearInterval(timer)
      timer = null
    },
  }
}
