// The room's own network: serving the event from this computer (addresses, announcement,
// an invitation's QR code to scan from the screen), the events served nearby, and bundles
// carried on a USB key.
import { api, errorCode, errorMessage, type BundleImported, type Invitation, type NearbyHub, type QrCode, type ServeInfo } from '../api'
import { confirmDialog } from '../dialog'
import { announce, h, render, whileBusy } from '../dom'
import { formatBytes, t } from '../i18n'
import { setServing } from '../serving'
import { pathLine } from './files'
import { roleLabel } from './join'
import { copyLink, FOR_THE_EVENT } from './organisation'

const SVG = 'http://www.w3.org/2000/svg'
/** The white margin a QR code needs around it to be read (4 modules). */
const QUIET = 4

function fail(error: unknown): void {
  announce(t('error_prefix') + errorMessage(error), 'error')
}

/** A QR code as SVG, built node by node: the path comes from the backend, as an attribute. */
export function qrSvg(qr: QrCode, label: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg')
  const side = qr.size + 2 * QUIET
  svg.setAttribute('viewBox', `${-QUIET} ${-QUIET} ${side} ${side}`)
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-label', label)
  svg.setAttribute('shape-rendering', 'crispEdges')
  svg.setAttribute('class', 'qr-code')
  const back = document.createElementNS(SVG, 'rect')
  back.setAttribute('x', String(-QUIET))
  back.setAttribute('y', String(-QUIET))
  back.setAttribute('width', String(side))
  back.setAttribute('height', String(side))
  back.setAttribute('fill', '#fff')
  const modules = document.createElementNS(SVG, 'path')
  modules.setAttribute('d', qr.path)
  modules.setAttribute('fill', '#000')
  svg.append(back, modules)
  return svg
}

/** Invitations that can still be used: neither revoked nor expired. */
export function usableInvitations(list: Invitation[], now = Date.now()): Invitation[] {
  return list.filter(inv => inv.state !== 'revoked' && inv.state !== 'expired' && Date.parse(inv.expires_at) > now)
}

/**
 * "Servir l'événement depuis cet ordinateur": start and stop, every address, whether it is
 * announced, and (on the device holding the event's key) an invitation's QR code per role.
 */
export async function serveBox(event: string, holdsKey: boolean, narrowRole = false): Promise<HTMLElement> {
  const box = h('section', { class: 'card serve', id: 'serve', 'aria-labelledby': 'hub-title' })
  const state = h('div', { class: 'serve-state', role: 'status', 'aria-live': 'polite' })
  const details = h('div', { class: 'serve-details' })
  const button = h('button', { type: 'button', id: 'hub-toggle' })
  // Another port when the usual one is taken (a hub service already running on this laptop).
  const port = h('input', { id: 'hub-port', type: 'number', min: 1024, max: 65535, value: '4455', inputmode: 'numeric', class: 'port' })
  const portField = h('span', { class: 'labelled-field hub-port' }, h('label', { for: 'hub-port' }, t('hub_port')), port)
  let info: ServeInfo = { serving: false, port: null, addresses: [], announced: false, error: null }
  let chosen: string | null = null
  let busy = false

  // A device whose invitation covers part of the event (a session, a theme, the panel) would
  // keep what the room sends it: it passes on only what its invitation may write.
  // (Serving already, from before that invitation: the box stays, so that it can be stopped.)
  const before = narrowRole ? await api.hubInfo().catch(() => null) : null
  if (narrowRole && !before?.serving) {
    render(box, h('h2', { id: 'hub-title' }, t('hub_title')), h('p', { class: 'muted', id: 'hub-narrow' }, t('hub_narrow_role')))
    return box
  }
  render(box,
    h('h2', { id: 'hub-title' }, t('hub_title')),
    h('p', { class: 'muted' }, t('hub_text')),
    state, h('div', { class: 'row' }, portField, button), details)

  button.addEventListener('click', () => void toggle())

  async function toggle(): Promise<void> {
    if (busy) return
    // The room's devices sync through it: stopping it is asked, not done on a second Enter.
    if (info.serving && !(await confirmDialog({
      title: t('hub_stop_title'), message: t('hub_stop_message'), confirm: t('hub_stop'), danger: true,
    }))) return
    busy = true
    await whileBusy([button], () => toggling())
  }

  async function toggling(): Promise<void> {
    try {
      if (info.serving) {
        await api.hubStop()
        info = await api.hubInfo().catch(() => ({ serving: false, port: null, addresses: [], announced: false, error: null }))
        announce(t('hub_stopped'))
      } else {
        const chosen = Number(port.value)
        if (!Number.isInteger(chosen) || chosen < 1024 || chosen > 65535) {
          fail(t('hub_port_invalid', { port: port.value }))
          port.focus()
          return
        }
        render(state, h('p', {}, t('hub_starting')))
        info = await api.hubStart(chosen)
      }
      setServing(info)
    } catch (error) {
      fail(error)
      // The reason (port taken, a store that cannot save) is kept by the app: the box and the
      // header say it, not only the banner.
      info = await api.hubInfo().catch(() => info)
      setServing(info)
    } finally {
      busy = false
      await draw()
    }
  }

  async function draw(): Promise<void> {
    box.classList.toggle('serving', info.serving)
    render(state, info.serving
      ? h('p', { class: 'serve-on' }, h('strong', {}, t('hub_serving_badge')), ' — ', t('hub_serving', { port: info.port ?? '?' }))
      : h('p', { class: 'serve-off' }, h('strong', {}, t('hub_not_serving'))),
      info.error ? h('p', { class: 'warning', id: 'hub-error' }, t('hub_failed', { error: info.error })) : null)
    portField.hidden = info.serving
    if (info.port !== null) port.value = String(info.port)
    button.className = info.serving ? 'danger' : 'primary'
    render(button, t(info.serving ? 'hub_stop' : 'hub_start'))
    if (!info.serving) { render(details); return }
    render(details,
      h('h3', { id: 'hub-addresses-title' }, t('hub_addresses')),
      info.addresses.length === 0 ? h('p', { class: 'warning' }, t('hub_addresses_none'))
        : h('ul', { class: 'plain addresses', 'aria-labelledby': 'hub-addresses-title' }, ...info.addresses.map(url => h('li', {},
          h('code', { class: 'address' }, url),
          h('button', {
            type: 'button', class: 'secondary small', 'aria-label': t('hub_copy_address_label', { url }),
            onclick: () => void copyText(url),
          }, t('hub_copy_address'))))),
      h('p', { class: info.announced ? 'announced' : 'warning', id: 'hub-announced' }, t(info.announced ? 'hub_announced' : 'hub_not_announced')),
      await qrPart())
  }

  function copyText(text: string): Promise<void> {
    return copyLink(text, { copied: 'hub_address_copied', manual: 'hub_copy_manual' })
  }

  async function qrPart(): Promise<HTMLElement> {
    const part = h('div', { class: 'serve-qr', 'aria-labelledby': 'hub-qr-title', role: 'group' },
      h('h3', { id: 'hub-qr-title' }, t('hub_qr_title')))
    if (!holdsKey) {
      part.append(h('p', { class: 'muted' }, t('hub_qr_key_needed')))
      return part
    }
    let list: Invitation[]
    try {
      list = usableInvitations((await api.organisation(event)).invitations)
    } catch (error) {
      part.append(h('p', { class: 'warning' }, t('error_prefix') + errorMessage(error)))
      return part
    }
    if (list.length === 0) {
      part.append(h('p', {}, t('hub_qr_none')),
        h('button', {
          type: 'button', class: 'primary', id: 'hub-create-all', onclick: () => {
            api.createAllInvitations(event, info.addresses, FOR_THE_EVENT)
              .then(all => { announce(all.created ? t('inv_created_all', { n: all.created }) : t('inv_created_none', { n: all.invitations.length })); return draw() })
              .catch(fail)
          },
        }, t('hub_qr_create_all')))
      return part
    }
    if (!chosen || !list.some(inv => inv.id === chosen)) chosen = list[0].id
    const select = h('select', { id: 'hub-qr-invitation' }, ...list.map(inv => h('option', { value: inv.id, selected: inv.id === chosen },
      `${roleLabel(inv.role)} — ${inv.label}${inv.for ? ` — ${inv.for}` : ''}`)))
    const shown = h('div', { class: 'qr-shown', 'aria-live': 'polite' })
    const show = async () => {
      const inv = list.find(x => x.id === select.value) ?? list[0]
      chosen = inv.id
      let code: HTMLElement | SVGSVGElement
      try {
        code = qrSvg(await api.qr(inv.link), t('hub_qr_label', { label: inv.label }))
      } catch (error) {
        code = h('p', { class: 'warning' }, t('hub_qr_error', { error: errorMessage(error) }))
      }
      render(shown, h('div', { class: 'qr-frame' }, code),
        h('div', { class: 'qr-caption' },
          h('p', { class: 'qr-label' }, inv.label),
          h('p', { class: 'qr-role muted' }, roleLabel(inv.role)),
          h('p', { class: 'qr-for' }, inv.for ? t('hub_qr_for', { name: inv.for }) : t('hub_qr_anyone')),
          h('p', { class: 'muted' }, t('hub_qr_hint'))))
    }
    select.addEventListener('change', () => void show())
    part.append(h('label', { for: 'hub-qr-invitation' }, t('hub_qr_choose')), select, shown)
    await show()
    return part
  }

  try {
    info = await api.hubInfo()
  } catch (error) {
    info = { ...info, error: errorMessage(error) }
  }
  setServing(info)
  await draw()
  return box
}

/** "Événements servis à proximité": hubs announced on the local network. */
/** Events served nearby. `syncing`: the event this device syncs with its invitation, whose
 * hubs found here offer *Synchroniser avec ce serveur* (the venue's server down, the room's
 * laptop up: its certificate comes from its announcement, the invitation is kept). */
export function nearbyBox(known: string[] = [], syncing: string | null = null): HTMLElement {
  const live = h('p', { class: 'nearby-status', id: 'nearby-status', role: 'status', 'aria-live': 'polite' })
  const list = h('div', { class: 'nearby-list' })
  const refresh = h('button', { type: 'button', class: 'secondary', id: 'nearby-refresh' }, t('nearby_refresh'))
  const box = h('section', { class: 'card nearby', id: 'nearby', 'aria-labelledby': 'nearby-title' },
    h('h2', { id: 'nearby-title' }, t('nearby_title')),
    h('p', { class: 'muted' }, t('nearby_text')),
    h('div', { class: 'row' }, refresh), live, list)

  const item = (hub: NearbyHub, i: number) => h('li', { class: 'nearby-hub', 'data-event': hub.event_id },
    h('p', { class: 'nearby-event' }, h('strong', {}, hub.event_name),
      known.includes(hub.event_id) ? h('span', { class: 'badge' }, t('nearby_here')) : null),
    h('p', { class: 'muted' }, t('nearby_hub', { name: hub.name })),
    h('ul', { class: 'plain addresses', 'aria-label': t('nearby_addresses', { name: hub.name }), id: `nearby-urls-${i}` },
      ...hub.urls.map(url => h('li', {}, h('code', { class: 'address' }, url)))),
    syncing === hub.event_id && hub.urls.length > 0
      ? h('button', {
        type: 'button', class: 'secondary', 'data-sync-nearby': hub.urls[0], 'aria-label': t('nearby_sync_label', { name: hub.name }),
        onclick: () => void api.configureSync(hub.urls[0], '', hub.event_id, hub.fingerprint)
          .then(() => announce(t('nearby_synced', { name: hub.name })))
          .catch(error => announce(t('error_prefix') + errorMessage(error), 'error')),
      }, t('nearby_sync'))
      : null)

  // The screen keeps listening: a hub started after it opened, or an answer lost on a busy
  // network, shows up on its own. Searches after the first are quiet: the button stays
  // usable, nothing is announced unless what was found changes, and they space out while
  // nothing answers (5 s, 10 s, 20 s… up to a minute: multicast on a venue's Wi-Fi is shared).
  // A click starts a search of its own; a quiet one still running is then forgotten.
  let timer: ReturnType<typeof setTimeout> | undefined
  let generation = 0
  let misses = 0
  let shown = ''
  async function search(quiet: boolean): Promise<void> {
    clearTimeout(timer)
    const mine = ++generation
    if (!quiet) {
      refresh.disabled = true
      box.setAttribute('aria-busy', 'true')
      render(live, t('nearby_searching'))
    }
    let outcome: { hubs: NearbyHub[] } | { error: string }
    try {
      outcome = { hubs: await api.nearby(3) }
    } catch (error) {
      outcome = { error: errorMessage(error) }
    }
    if (mine !== generation) return
    if (!quiet) {
      refresh.disabled = false
      box.removeAttribute('aria-busy')
    }
    const key = JSON.stringify(outcome)
    if (!quiet || key !== shown) {
      shown = key
      if ('hubs' in outcome) {
        render(list, outcome.hubs.length ? h('ul', { class: 'plain' }, ...outcome.hubs.map(item)) : null)
        render(live, outcome.hubs.length ? t('nearby_found', { n: outcome.hubs.length }) : t('nearby_none'))
        live.className = 'nearby-status'
      } else if (!quiet) {
        render(list)
        render(live, t('nearby_error', { error: outcome.error }))
        live.className = 'nearby-status warning'
      }
    }
    const found = 'hubs' in outcome && outcome.hubs.length > 0
    misses = found || !quiet ? 0 : misses + 1
    const delay = found ? 30_000 : Math.min(5_000 * 2 ** misses, 60_000)
    timer = setTimeout(() => { if (box.isConnected) void search(true) }, delay)
  }
  refresh.addEventListener('click', () => void search(false))
  void search(false)
  return box
}

/** Export and import of bundles, through the system's file dialog, with the backend's progress. */
/** Export and import of bundles; on a device with no event yet (`event` null: the welcome
 * screen, where a join failed for want of a network) import only, then `imported()` opens
 * the event the bundle brought. */
export function bundleBox(event: string | null, imported: () => void = () => {}): HTMLElement {
  const progress = h('progress', { class: 'bundle-progress', id: 'bundle-progress', hidden: true, 'aria-label': t('bundle_progress') })
  const status = h('div', { class: 'bundle-status', id: 'bundle-status', role: 'status', 'aria-live': 'polite' })
  const error = h('div', { class: 'bundle-error', id: 'bundle-error', role: 'alert' })
  const exportButton = h('button', { type: 'button', class: 'secondary', id: 'bundle-export', hidden: event === null }, t('bundle_export'))
  const importButton = h('button', { type: 'button', class: 'secondary', id: 'bundle-import' }, t('bundle_import'))
  const box = h('section', { class: 'card bundles', 'aria-labelledby': 'bundle-title' },
    h('h2', { id: 'bundle-title' }, t('bundle_title')),
    h('p', { class: 'muted' }, t(event === null ? 'bundle_text_welcome' : 'bundle_text')),
    h('div', { class: 'row' }, exportButton, importButton),
    progress, status, error)

  function run<T>(work: () => Promise<T | null>, done: (result: T) => HTMLElement[]): Promise<void> {
    return whileBusy([exportButton, importButton], () => running(work, done))
  }

  async function running<T>(work: () => Promise<T | null>, done: (result: T) => HTMLElement[]): Promise<void> {
    render(error)
    render(status)
    progress.removeAttribute('value')
    progress.removeAttribute('aria-valuetext')
    let stop: (() => void) | null = null
    try {
      stop = await api.onBundleProgress(({ done: part, total }) => {
        if (progress.hidden) { progress.hidden = false; box.setAttribute('aria-busy', 'true'); render(status, t('bundle_running')) }
        progress.max = Math.max(total, 1)
        progress.value = Math.min(part, progress.max)
        progress.setAttribute('aria-valuetext', t('bundle_progress_value', { done: part, total }))
      })
      const result = await work()
      // Cancelled in the system dialog: nothing to say; another event declined: said.
      render(status, ...(result !== null ? done(result) : declined ? [h('p', {}, t('bundle_other_declined'))] : []))
    } catch (failure) {
      render(status)
      render(error, h('p', { class: 'warning' }, t('bundle_error', { error: errorMessage(failure) })))
    } finally {
      stop?.()
      progress.hidden = true
      box.removeAttribute('aria-busy')
    }
  }

  exportButton.addEventListener('click', () => void run(() => api.bundleExport(event ?? ''), written => [
    h('p', {}, t('bundle_exported', { size: formatBytes(written.bytes) }), ' ', pathLine(written.path, 'file')),
  ]))
  // A bundle of another event (a key from elsewhere) is added only when the person says so.
  let declined = false
  async function importChosen(): Promise<BundleImported | null> {
    declined = false
    try {
      return await api.bundleImport(false)
    } catch (failure) {
      if (errorCode(failure) !== 'other_event') throw failure
      const add = await confirmDialog({ title: t('bundle_other_title'), message: errorMessage(failure), confirm: t('bundle_other_add') })
      if (!add) {
        declined = true
        return null
      }
      return await api.bundleImport(true)
    }
  }
  importButton.addEventListener('click', () => void run(importChosen, done => {
    if (event === null) imported()
    return [
      h('p', {}, done.changed > 0
        ? t('bundle_imported', { documents: done.documents, changed: done.changed })
        : t('bundle_imported_nothing', { documents: done.documents })),
      h('p', { class: 'muted' }, t('bundle_imported_from', { path: done.path })),
    ]
  }))
  return box
}
