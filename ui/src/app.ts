// The shell of the interface: header (event, navigation, sync indicator), the current view,
// live regions for messages. Views re-render when the store changes, wherever the change
// came from (this device, the sync engine, another program on the same store).
import { api, errorMessage, type EventView, type SyncSummary } from './api'
import { announce, h, render } from './dom'
import { lang, setLang, t, type Key } from './i18n'
import { capture } from './views/capture'
import { panel } from './views/panel'
import { settings } from './views/settings'
import { synthesis } from './views/synthesis'
import { welcome } from './views/welcome'

export type Screen = 'capture' | 'synthesis' | 'panel' | 'settings'

export interface View {
  /** Renders into `root` from scratch. */
  mount(root: HTMLElement): Promise<void>
  /** Brings the view up to date after a change, keeping what the user is typing. */
  refresh(): Promise<void>
  unmount?(): void
}

export interface Context {
  event: EventView
  go(screen: Screen): void
  reload(): Promise<void>
}

const screens: Record<Screen, (ctx: Context) => View> = { capture, synthesis, panel, settings }

export async function start(root: HTMLElement): Promise<void> {
  const info = await api.appInfo()
  setLang(info.lang)
  let screen: Screen = (sessionStorage.getItem('recolte.screen') as Screen) || 'capture'
  let view: View | null = null
  let event: EventView | null = null
  let sync: SyncSummary = await api.syncStatus()

  const main = h('main', { id: 'main', tabindex: '-1' })
  const indicator = h('span', { class: 'sync-state', role: 'status', 'aria-live': 'polite' })
  const header = h('header', { class: 'top' })
  const status = h('div', { id: 'status', class: 'sr-only', role: 'status', 'aria-live': 'polite' })
  const alerts = h('div', { id: 'alerts', class: 'alerts', role: 'alert', 'aria-live': 'assertive' })
  render(root, header, alerts, main, status)

  function drawSync(): void {
    const label: Record<SyncSummary['state'], Key> = {
      off: 'sync_off', offline: 'sync_offline', syncing: 'sync_syncing', up_to_date: 'sync_up_to_date',
    }
    indicator.className = `sync-state sync-${sync.state}`
    render(indicator, t(label[sync.state]), sync.unshared > 0 ? ` · ${t('sync_unshared', { n: sync.unshared })}` : '')
  }

  function drawHeader(): void {
    const nav = h('nav', { 'aria-label': 'Récolte' })
    for (const [target, key] of [['capture', 'nav_capture'], ['synthesis', 'nav_synthesis'], ['panel', 'nav_panel'], ['settings', 'nav_settings']] as [Screen, Key][]) {
      nav.appendChild(h('button', {
        type: 'button', class: 'tab', 'aria-current': screen === target ? 'page' : null,
        onclick: () => go(target),
      }, t(key)))
    }
    drawSync()
    render(header,
      h('h1', { class: 'brand' }, t('app_name'), event ? h('span', { class: 'event-name' }, ` · ${event.name}`) : null),
      event ? nav : null,
      h('div', { class: 'sync' }, indicator,
        sync.state === 'off' ? null : h('button', { type: 'button', class: 'secondary', onclick: () => api.syncNow() }, t('sync_now'))),
    )
  }

  async function show(): Promise<void> {
    view?.unmount?.()
    const events = await api.events()
    if (events.length === 0) {
      event = null
      drawHeader()
      view = welcome(reload)
    } else {
      const chosen = localStorage.getItem('recolte.event')
      const id = events.find(e => e.id === chosen)?.id ?? events[0].id
      event = await api.event(id)
      drawHeader()
      view = screens[screen]({ event, go, reload })
    }
    await view.mount(main)
  }

  function go(next: Screen): void {
    screen = next
    sessionStorage.setItem('recolte.screen', next)
    show().catch(fail)
  }

  async function reload(): Promise<void> {
    const info = await api.appInfo()
    if (info.lang !== lang()) setLang(info.lang)
    await show()
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
      if (!event) { if ((await api.events()).length > 0) await show() }
      else await view?.refresh()
    } catch (error) {
      fail(error)
    } finally {
      refreshing = false
      if (again) { again = false; void refresh() }
    }
  }

  await api.onStoreChanged(() => void refresh())
  await api.onSyncStatus(next => { sync = next; drawSync() })
  document.addEventListener('keydown', e => {
    // Alt+1…4 switch screens from anywhere.
    if (e.altKey && !e.ctrlKey && ['1', '2', '3', '4'].includes(e.key) && event) {
      e.preventDefault()
      go((['capture', 'synthesis', 'panel', 'settings'] as Screen[])[Number(e.key) - 1])
    }
  })
  await show().catch(fail)
}
