// The shell of the interface: header (event, navigation, sync status), the current view,
// live regions for messages. Views re-render when the store changes, wherever the change
// came from (this device, the sync engine, another program on the same store). What the
// shell offers follows the device's access to the event: only the screens its role may use.
import { api, errorMessage, type DeviceAccess, type ServeInfo, type DocStatus, type EventSummary, type EventView, type SyncErrorCode, type SyncSummary } from './api'
import { covered, openDialog, type Dialog } from './dialog'
import { announce, clearAlerts, h, render, say } from './dom'
import { eventNames } from './event-names'
import { flushAll } from './live-save'
import { formatDate, joinList, lang, setEventTimeZone, setLang, t, type Key } from './i18n'
import { openAccess, reasonWords, worstState, type SyncState } from './rights'
import { onServing, servingInfo, setServing } from './serving'
import { capture } from './views/capture'
import { eventArrived, joinBox } from './views/join'
import { organisation } from './views/organisation'
import { panel } from './views/panel'
import { settings } from './views/settings'
import { summary } from './views/summary'
import { synthesis } from './views/synthesis'
import { welcome } from './views/welcome'

/** The backend's screens, and the whole-event summary shown wherever the panel is. */
export type Screen = DeviceAccess['screens'][number] | 'summary'

/** The screens to show, in order: the backend's, with the whole-event summary right after the panel. */
export function shownScreens(access: DeviceAccess): Screen[] {
  return access.screens.flatMap((s): Screen[] => s === 'panel' ? ['panel', 'summary'] : [s])
}

export interface View {
  /** Renders into `root` from scratch. */
  mount(root: HTMLElement): Promise<void>
  /** Brings the view up to date after a change, keeping what the user is typing. */
  refresh(): Promise<void>
  unmount?(): void
}

export interface Context {
  event: EventView
  /** The events held on this device (with their practice mark). */
  events: EventSummary[]
  access: DeviceAccess
  go(screen: Screen): void
  reload(): Promise<void>
  /** Opens another event held on this device. */
  selectEvent(id: string): Promise<void>
  /** Opens the join flow, with `link` filled in. */
  openJoin(link?: string): void
}

const screens: Record<Screen, (ctx: Context) => View> = { capture, synthesis, panel, summary, organisation, settings }
const tabLabels: Record<Screen, Key> = {
  capture: 'nav_capture', synthesis: 'nav_synthesis', panel: 'nav_panel', summary: 'nav_summary', organisation: 'nav_organisation', settings: 'nav_settings',
}
const stateLabels: Record<SyncState, Key> = {
  off: 'sync_off', offline: 'sync_offline', syncing: 'sync_syncing', up_to_date: 'sync_up_to_date',
  refused: 'sync_refused', out_of_rights: 'sync_out_of_rights',
}

/** What the status pill says: the worst state, the reason of a refusal, what is not shared. */
export function pillText(sync: SyncSummary): string {
  const state = worstState(sync)
  const parts: string[] = []
  if (state === 'refused' && sync.error) parts.push(t('sync_refused_reason', { reason: reasonWords(sync.error.code) }))
  else if (state === 'out_of_rights') parts.push(t('sync_out_of_rights_n', { n: sync.out_of_rights }))
  else parts.push(t(stateLabels[state]))
  if (sync.unshared > 0) parts.push(t('sync_unshared', { n: sync.unshared }))
  if (sync.out_of_rights > 0 && state !== 'out_of_rights') parts.push(t('sync_out_of_rights_n', { n: sync.out_of_rights }))
  if (sync.former_invitation > 0) parts.push(t('sync_former_n', { n: sync.former_invitation }))
  return parts.join(' · ')
}

const docStateLabels: Record<DocStatus['state'], Key> = {
  offline: 'doc_offline', connecting: 'doc_connecting', syncing: 'doc_syncing', up_to_date: 'doc_up_to_date',
}

/** One document's line of the status details. Unshared changes are never "up to date". */
export function docState(doc: DocStatus, shown: SyncSummary['error'] = null): string {
  // The reason in words; the full message only when it differs from the one shown above the table.
  if (doc.error) {
    return doc.error.message === shown?.message ? reasonWords(doc.error.code)
      : t('reason_with_message', { reason: reasonWords(doc.error.code), message: doc.error.message })
  }
  if (doc.unsent > 0 && doc.former_invitation) return t('doc_former')
  if (doc.unsent > 0 && doc.access !== 'write') return t('sync_out_of_rights')
  if (doc.unsent > 0 && doc.state === 'up_to_date') return t('doc_waiting')
  return t(docStateLabels[doc.state])
}

export function statusTable(docs: DocStatus[], shown: SyncSummary['error'] = null): HTMLElement {
  const unsent = (d: DocStatus) => d.unsent === 0 ? '0' : d.former_invitation ? t('unsent_former', { n: d.unsent })
    : d.access !== 'write' ? t('unsent_out_of_rights', { n: d.unsent }) : String(d.unsent)
  const rows = docs.map(d => h('tr', { 'data-doc': d.doc, class: d.error ? 'refused' : d.out_of_rights ? 'out-of-rights' : '' },
    h('th', { scope: 'row' }, d.label),
    h('td', {}, t(`access_${d.access}` as Key)),
    h('td', {}, unsent(d)),
    h('td', {}, formatDate(d.last_exchange)),
    h('td', {}, docState(d, shown))))
  return h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('status_title') },
    h('table', { class: 'status-table' },
      h('thead', {}, h('tr', {}, ...(['col_document', 'col_access', 'col_unsent', 'col_last', 'col_state'] as Key[]).map(k => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, ...rows)))
}

export async function start(root: HTMLElement): Promise<void> {
  const info = await api.appInfo()
  performance.mark('recolte:app-info')
  setLang(info.lang)
  let screen: Screen = (sessionStorage.getItem('recolte.screen') as Screen) || 'capture'
  let view: View | null = null
  let event: EventView | null = null
  let events: EventSummary[] = []
  let access: DeviceAccess = openAccess()
  let sync: SyncSummary = await api.syncStatus()
  /** A link to join with, waiting for the next draw (the welcome screen shows it). */
  let pendingJoin: string | null = null
  let joinDialog: Dialog | null = null

  const main = h('main', { id: 'main', tabindex: '-1' })
  const pill = h('button', {
    type: 'button', id: 'sync-pill', class: 'sync-state', 'aria-haspopup': 'dialog', onclick: () => void openStatus(),
  })
  const pillLive = h('span', { role: 'status', 'aria-live': 'polite' }, pill)
  const header = h('header', { class: 'top' })
  // Serving the event from this computer is said in the header, on every screen.
  const servingBadge = h('span', { id: 'serving-badge', class: 'serving-badge', hidden: true })
  const drawServing = (serving: ServeInfo | null) => {
    // Serving, or asked to serve and failed (port taken…): both are said; not serving by choice, nothing.
    const failed = !serving?.serving && Boolean(serving?.error)
    servingBadge.hidden = !serving?.serving && !failed
    servingBadge.className = `serving-badge${failed ? ' failed' : ''}`
    servingBadge.title = failed ? t('hub_failed', { error: serving?.error ?? '' }) : ''
    render(servingBadge, serving?.serving ? t('hub_serving_badge') : failed ? t('hub_failed_badge') : null)
    drawSync()
  }
  onServing(drawServing)
  const status = h('div', { id: 'status', class: 'sr-only', role: 'status', 'aria-live': 'polite' })
  const alerts = h('div', { id: 'alerts', class: 'alerts', role: 'alert', 'aria-live': 'assertive' })
  // What was done that the screen does not show by itself (see `announce`): read out through
  // the status region above, shown here.
  const notice = h('div', { id: 'notice', class: 'notice', hidden: true },
    h('p', { class: 'notice-text' }),
    h('button', { type: 'button', class: 'link notice-close', 'aria-label': t('close'), onclick: () => { notice.hidden = true } }, '×'))
  // A store opened for reading only (a full or read-only disk) is said on every screen,
  // before a save fails: reading and exporting still work.
  const readOnly = h('p', { id: 'read-only', class: 'read-only-notice', role: 'status', hidden: true })
  /** Says (or stops saying) that the store is open for reading only, in the device's language:
   * written a moment after the page, so that a screen reader reads it. */
  function drawReadOnly(text: string | null): void {
    readOnly.hidden = !text
    const said = text ? text.charAt(0).toUpperCase() + text.slice(1) : ''
    window.setTimeout(() => { readOnly.textContent = said }, 50)
  }
  drawReadOnly(info.read_only)
  render(root, header, readOnly, alerts, notice, main, status)

  // A laptop that serves the room and syncs with no hub of its own is not "sync not set up":
  // it is the hub, and what it saves is already there.
  function hosting(): boolean {
    return sync.state === 'off' && Boolean(servingInfo()?.serving)
  }
  function drawSync(): void {
    pill.className = `sync-state sync-${hosting() ? 'up_to_date' : worstState(sync)}`
    pill.title = t('sync_details')
    say(pill, hosting() ? t('sync_hosting') : pillText(sync))
  }

  /** What becomes of this device's changes, beyond what the refusal's own message says
   * (the hub's words already tell that nothing is lost when the hub is away, full, or the
   * invitation revoked or expired): some refusals pass, others need a new invitation. */
  function keptWords(code: SyncErrorCode): Key | null {
    switch (code) {
      case 'unreachable': case 'hub_full': case 'hub_cannot_save': return null
      case 'expired': case 'revoked': return 'status_or_bundle'
      case 'wrong_event': case 'bad_signature': case 'unreadable_token': return 'status_kept_new_invitation'
      case 'wrong_certificate': return 'status_check_certificate'
      default: return 'status_refused'
    }
  }
  const capitalised = (text: string): string => text.charAt(0).toLocaleUpperCase() + text.slice(1)

  async function openStatus(): Promise<void> {
    const body = h('div', { class: 'status-details' }, h('p', { class: 'muted' }, t('status_loading')))
    openDialog(t('status_title'), [body], { wide: true })
    let docs: DocStatus[] = []
    try {
      if (event) docs = await api.syncDetails(event.id)
    } catch (error) {
      render(body, h('p', { class: 'warning' }, t('error_prefix') + errorMessage(error)))
      return
    }
    if (hosting()) {
      render(body,
        h('p', { class: 'sync-state sync-up_to_date pill-copy' }, t('sync_hosting')),
        h('p', {}, t('status_hosting', { addresses: joinList(servingInfo()?.addresses ?? []) })),
        h('p', {}, t('status_hosting_arrivals')))
      return
    }
    const state = worstState(sync)
    const kept = sync.error ? keptWords(sync.error.code) : null
    render(body,
      h('p', { class: `sync-state sync-${state} pill-copy` }, pillText(sync)),
      h('p', {}, sync.hub ? t(sync.found_nearby ? 'status_hub_nearby' : 'status_hub', { hub: sync.hub }) : t('status_no_hub')),
      (state === 'refused' || state === 'offline') && sync.error
        ? h('p', { class: 'warning' }, h('strong', {}, `${t('reason_with_message', { reason: t(state === 'refused' ? 'sync_refused' : 'sync_offline'), message: reasonWords(sync.error.code) })}.`),
          ' ', `${capitalised(sync.error.message)}.`, ...(kept ? [h('br', {}), t(kept)] : [])) : null,
      sync.out_of_rights > 0 ? h('p', { class: 'note' }, t('status_out_of_rights', { n: sync.out_of_rights })) : null,
      docs.length ? statusTable(docs, sync.error) : null)
  }

  function drawHeader(): void {
    const nav = h('nav', { 'aria-label': 'Récolte' })
    shownScreens(access).forEach((target, i) => {
      nav.appendChild(h('button', {
        type: 'button', class: 'tab', 'data-screen': target, 'aria-current': screen === target ? 'page' : null,
        'aria-keyshortcuts': i < 9 ? `Alt+${i + 1}` : null, onclick: () => go(target, 'tab'),
      }, t(tabLabels[target])))
    })
    drawSync()
    drawServing(servingInfo())
    const current = events.find(e => e.id === event?.id)
    let switcher: HTMLElement | null = null
    const names = eventNames(events)
    if (event && events.length > 1) {
      const select = h('select', { id: 'event-switch', class: 'event-switch' },
        ...events.map(e => h('option', { value: e.id, selected: e.id === event?.id }, names.get(e.id) ?? e.name)))
      select.addEventListener('change', () => void selectEvent(select.value).catch(fail))
      switcher = h('div', { class: 'event-switcher' }, h('label', { for: 'event-switch', class: 'sr-only' }, t('event_switch')), select)
    }
    render(header,
      h('h1', { class: 'brand' }, h('span', { class: 'brand-app' }, t('app_name')), event ? h('span', { class: 'event-name', title: event.name }, ` · ${event.name}`) : null,
        current?.practice ? h('span', { class: 'badge practice' }, t('practice')) : null),
      switcher,
      event ? nav : null,
      h('div', { class: 'sync' }, servingBadge, pillLive,
        sync.state === 'off' ? null : h('button', { type: 'button', class: 'secondary', onclick: () => api.syncNow() }, t('sync_now'))),
    )
  }

  const context = (): Context => ({
    event: event as EventView, events, access, go, reload, selectEvent, openJoin,
  })

  // Each call of show() supersedes the ones before: a slow, older call (a refresh that began
  // before a join ended) must not draw its outdated rights over a newer one.
  let showing = 0
  // What the mounted view was drawn from. A draw from the same things refreshes the view in
  // place instead of mounting it again: a second draw right after a join, or a click on the
  // tab already shown, must not throw away what someone is typing.
  let drawnFrom = ''
  let mounting: Promise<void> = Promise.resolve()
  async function show(): Promise<void> {
    const generation = ++showing
    const listed = await api.events()
    performance.mark('recolte:events')
    if (generation !== showing) return
    events = listed
    let next: () => View
    let from: string
    if (events.length === 0) {
      event = null
      setEventTimeZone(null)
      access = openAccess()
      drawHeader()
      const link = pendingJoin ?? ''
      pendingJoin = null
      from = JSON.stringify(['welcome', lang(), link])
      next = () => welcome(reload, link)
    } else {
      const chosen = localStorage.getItem('recolte.event')
      const summary = events.find(e => e.id === chosen) ?? events[0]
      localStorage.setItem('recolte.event', summary.id)
      const [shownEvent, rights] = await Promise.all([api.event(summary.id), api.access(summary.id)])
      performance.mark('recolte:event')
      if (generation !== showing) return
      ;[event, access] = [shownEvent, rights]
      setEventTimeZone(shownEvent.timezone)
      // The first time an event is opened on this device with its rights known, open where
      // its holder works (during a join, the programme can arrive before the rights).
      const opened = `recolte.opened.${summary.id}`
      if (!localStorage.getItem(opened) && (access.role !== null || access.holds_key)) {
        localStorage.setItem(opened, '1')
        screen = access.home.screen
        if (access.home.session) localStorage.setItem('recolte.session', access.home.session)
        if (access.home.theme !== null) {
          localStorage.setItem('recolte.theme', String(access.home.theme))
          localStorage.setItem('recolte.panel-theme', String(access.home.theme))
        }
      }
      const shown = shownScreens(access)
      if (!shown.includes(screen)) screen = shown.includes(access.home.screen) ? access.home.screen : shown[0]
      sessionStorage.setItem('recolte.screen', screen)
      drawHeader()
      const shownScreen = screen
      from = JSON.stringify([shownScreen, lang(), event, access, events])
      next = () => screens[shownScreen](context())
    }
    if (view && from === drawnFrom) {
      await mounting
      if (generation === showing) await view.refresh()
    } else {
      view?.unmount?.()
      view = next()
      drawnFrom = from
      // A mount that failed is not a drawn view: the next draw mounts again.
      mounting = view.mount(main).catch(error => { drawnFrom = ''; throw error })
      await mounting
    }
    if (pendingJoin) {
      const link = pendingJoin
      pendingJoin = null
      openJoin(link)
    }
  }

  /** Switches screen. The header is drawn again, so the keyboard would fall back to the page:
   * it goes to the new screen's tab when a tab was used, else into the screen (unless the
   * screen placed it itself, as Animation does in its capture box). */
  function go(next: Screen, by: 'tab' | 'shortcut' = 'shortcut'): void {
    if (next !== screen) clearAlerts()
    screen = next
    sessionStorage.setItem('recolte.screen', next)
    show().then(() => {
      // A new screen opens at its top, the header (tabs, sync state, notices) in sight.
      window.scrollTo(0, 0)
      if (document.activeElement && document.activeElement !== document.body) return
      const tab = header.querySelector<HTMLElement>(`[data-screen="${next}"]`)
      ;(by === 'tab' && tab ? tab : main).focus({ preventScroll: true })
    }).catch(fail)
  }

  async function selectEvent(id: string): Promise<void> {
    localStorage.setItem('recolte.event', id)
    await show()
    // Joined or chosen: the keyboard goes into the event's screen (unless it placed it).
    if (!document.activeElement || document.activeElement === document.body) main.focus({ preventScroll: true })
  }

  /** The join flow: on the welcome screen when no event is here yet, else in a dialog. */
  function openJoin(link = ''): void {
    if (!event) {
      pendingJoin = link
      show().catch(fail)
      return
    }
    joinDialog?.close()
    const box = joinBox({
      link, author: info.author, titled: false, onJoined: async joined => {
        joinDialog?.close()
        await selectEvent(joined)
      },
    })
    const dialog = openDialog(t('join_invite_title'), [box.element], { onClose: () => { if (joinDialog === dialog) joinDialog = null } })
    joinDialog = dialog
    box.focus()
  }

  async function reload(): Promise<void> {
    const fresh = await api.appInfo()
    info.author = fresh.author
    if (fresh.lang !== lang()) setLang(fresh.lang)
    info.read_only = fresh.read_only
    drawReadOnly(fresh.read_only)
    await show()
    if (!document.activeElement || document.activeElement === document.body) main.focus({ preventScroll: true })
  }

  function fail(error: unknown): void {
    announce(t('error_prefix') + errorMessage(error), 'error')
  }

  let refreshing = false
  let again = false
  async function refresh(): Promise<void> {
    if (refreshing) { again = true; return }
    refreshing = true
    try {
      // Open for reading only: space freed meanwhile makes it writable again (said).
      if (info.read_only) {
        const fresh = await api.appInfo()
        if (fresh.read_only !== info.read_only) { info.read_only = fresh.read_only; drawReadOnly(fresh.read_only) }
      }
      // An event arriving while the welcome screen's join is under way, or says why it could
      // not finish, is not opened over it: the join opens it, or says what to do.
      const joining = main.querySelector('form[aria-busy="true"], .invite-error:not(:empty)')
      if (!event) {
        if ((await api.events()).length > 0) {
          if (!joining) await show()
          else eventArrived(main)
        }
      } else {
        await view?.refresh()
        // A join from the dialog (another event open here) waiting for its event.
        const dialogRoot = joinDialog ? document.querySelector('.dialog-backdrop') : null
        if (dialogRoot) eventArrived(dialogRoot)
      }
    } catch (error) {
      // The event shown was removed (from this window or another program): the screen's
      // reads fail on it, and the next event, or the welcome screen, is what to show.
      const shown = event?.id
      const gone = shown !== undefined && !(await api.events().catch(() => [])).some(e => e.id === shown)
      if (gone) await show().catch(fail)
      else fail(error)
    } finally {
      refreshing = false
      if (again) { again = false; void refresh() }
    }
  }

  await api.onStoreChanged(() => void refresh())
  await api.onSyncStatus(next => { sync = next; drawSync() })
  await api.onInvitationLink(link => openJoin(link))
  // Closing: a card's last typing is saved 300 ms after it stops; it goes before the window.
  await api.onClosing(() => void flushAll().finally(() => api.closeReady().catch(() => {})))
  document.addEventListener('keydown', e => {
    // Alt+1…9 switch to the visible tabs, from anywhere. The physical key (code), so that
    // it works on AZERTY, where the key gives "&", "é", "\"" without Shift.
    const digit = /^(?:Digit|Numpad)([1-9])$/.exec(e.code)
    if (!digit || !e.altKey || e.ctrlKey || e.metaKey || !event) return
    if (covered()) return
    const target = shownScreens(access)[Number(digit[1]) - 1]
    if (!target) return
    e.preventDefault()
    go(target, 'shortcut')
  })
  pendingJoin = await api.pendingLink().catch(() => null)
  // The hub starts again by itself when the app opens: say so from the first screen, and
  // again when that start ends, if it had not yet.
  let servingHeard = false
  await api.onServing(info => { servingHeard = true; setServing(info) })
  const serving = await api.hubInfo().catch(() => null)
  // An answer read before the start ended must not draw over what that end said.
  if (!servingHeard) setServing(serving)
  performance.mark('recolte:listening')
  await show().catch(fail)
}
