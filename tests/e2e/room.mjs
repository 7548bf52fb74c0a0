// End to end on the real app, the room's own network: the organiser's app serves the event
// (wss:// with its own certificate, announced on the local network); a second app lists it
// among the events served nearby on its welcome screen, and joins with an invitation that
// names no address (the hub found nearby, its certificate pinned from the announcement);
// what it captures is in the organiser's store at once; the arrivals board shows it; then it
// exports a bundle through the system's real save dialog (GTK, driven with xdotool as a
// person would type: the path, then Enter) and the file imports elsewhere; the organiser's
// app merges it too, chosen in the system's open dialog, while it serves the room.
//
//   xvfb-run -a node tests/e2e/room.mjs --app target/debug/recolte-app --cli target/debug/recolte [--screenshots DIR]
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Driver, ENTER, fillFileDialog, removeDirs } from './driver.mjs'

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback)
const app = resolve(arg('--app', 'target/debug/recolte-app'))
const cli = resolve(arg('--cli', 'target/debug/recolte'))
const shots = arg('--screenshots', null)
const sample = resolve('examples/assises-2025.json')
const dirs = {
  organiser: mkdtempSync(join(tmpdir(), 'recolte-room-org-')),
  device: mkdtempSync(join(tmpdir(), 'recolte-room-dev-')),
  usb: mkdtempSync(join(tmpdir(), 'recolte-usb-')),
  elsewhere: mkdtempSync(join(tmpdir(), 'recolte-room-else-')),
}
const env = { ...process.env, LANG: 'fr_FR.UTF-8' }
const recolte = (dir, args) => execFileSync(cli, ['--data-dir', dir, ...args], { encoding: 'utf8', env }).trim()
const json = (dir, args) => JSON.parse(recolte(dir, [...args, '--json']))

recolte(dirs.organiser, ['event', 'import', sample])
const event = json(dirs.organiser, ['event', 'show']).id
const session = json(dirs.organiser, ['session', 'list', '--theme', '5'])[0].id

let failed = false
const organiser = new Driver({ RECOLTE_DATA_DIR: dirs.organiser, LANG: 'fr_FR.UTF-8' })
const device = new Driver({ RECOLTE_DATA_DIR: dirs.device, LANG: 'fr_FR.UTF-8', HOME: dirs.device })
const title = 'Un lieu pour tester sans risque'
const bundle = join(dirs.usb, 'atelier-5.rclt')
try {
  // 1. The organiser's app serves the room.
  await organiser.ready()
  await organiser.open(app)
  await organiser.click('[data-org-tab=room]')
  await organiser.find('#hub-toggle')
  await organiser.click('#hub-toggle')
  let addresses = []
  await organiser.waitFor('the addresses and the announcement', async () => {
    addresses = await organiser.script(`return document.getElementById('hub-announced')
      ? [...document.querySelectorAll('#serve .addresses code')].map(c => c.textContent) : []`)
    return addresses.length > 0
  })
  // The app listens on IPv4 (0.0.0.0): an IPv6 address would lead nowhere.
  if (!addresses.every(url => url.startsWith('wss://') && !url.includes('['))) throw new Error(`addresses: ${addresses}`)
  await organiser.screenshot(shots, 'room-serving')

  // 2. An invitation with no address: the device finds the hub in the room.
  const link = recolte(dirs.organiser, ['invite', 'create', '--role', 'facilitator', '--session', session, '--for', 'Maëlle'])
  if (link.includes('&h=')) throw new Error(`the invitation names an address: ${link}`)

  await device.ready()
  await device.open(app)
  await device.waitFor('the event served nearby', async () =>
    (await device.script(`return document.getElementById('nearby')?.textContent ?? ''`)).includes('Assises'), 45000)
  await device.screenshot(shots, 'nearby')
  await device.type('#invite-link', link)
  await device.waitFor('the preview', async () =>
    (await device.script(`return document.getElementById('invite-preview').textContent`)).includes('Maëlle'))
  await device.click('#invite-join')
  await device.find('#capture-title', 30000)
  await device.type('#capture-title', title + ENTER)
  await device.waitFor('shared with the room', async () =>
    json(dirs.organiser, ['proposal', 'list']).some(p => p.title === title), 20000)

  // 3. The arrivals board on the organiser's app shows the session and the device.
  await organiser.click('[data-org-tab=arrivals]')
  await organiser.waitFor('the board', async () =>
    (await organiser.script(`return document.body.textContent`)).includes('Maëlle'), 30000)
  // Sessions over with nothing are named one line per slot, their themes by number.
  const slots = await organiser.script(`return [...document.querySelectorAll('#arrivals-missing .missing-slots > li summary')].map(s => s.textContent)`)
  const missingRows = await organiser.script(`return document.querySelectorAll('.arrivals-sessions tr.missing').length`)
  const named = slots.map(s => /^Jour \d · \d\d:\d\d — (\d+) sessions? \(thèmes? [\d, ]+\)( · .+)?$/.exec(s))
  if (slots.length === 0 || named.some(m => !m) || named.reduce((n, m) => n + Number(m[1]), 0) !== missingRows) {
    throw new Error(`sessions with nothing, by slot: ${JSON.stringify(slots)} for ${missingRows} rows marked`)
  }
  await organiser.screenshot(shots, 'arrivals')

  // 4. A bundle to a USB key, through the system's own save dialog.
  await device.script(`document.querySelector('nav .tab[data-screen=settings]').click()`)
  await device.click('#bundle-export')
  await fillFileDialog('Exporter un paquet', bundle, 'ctrl+a')
  await device.waitFor('the bundle written', async () =>
    (await device.script(`return document.getElementById('bundle-status')?.textContent ?? ''`)).includes('atelier-5.rclt'), 20000)
  await device.screenshot(shots, 'bundle-exported')
  if (!existsSync(bundle)) throw new Error(`no bundle at ${bundle}`)

  // 5. The bundle carries the device's work to a device that never met the hub, which adds a
  // proposal and sends its own bundle back; the organiser's app merges it, chosen in the
  // system's open dialog, while it serves the room (the import writes through a store
  // connection of its own), and its window shows what came.
  recolte(dirs.elsewhere, ['bundle', 'import', bundle])
  const there = json(dirs.elsewhere, ['proposal', 'list']).map(p => p.title)
  if (!there.includes(title)) throw new Error(`the bundle from the save dialog, imported elsewhere: ${there}`)
  const fromElsewhere = 'Venue d’une clé USB'
  recolte(dirs.elsewhere, ['proposal', 'add', '--session', session, '--title', fromElsewhere])
  const back = join(dirs.usb, 'ailleurs.rclt')
  recolte(dirs.elsewhere, ['bundle', 'export', '--out', back])
  await organiser.script(`document.querySelector('nav .tab[data-screen=settings]').click()`)
  await organiser.click('#bundle-import')
  await fillFileDialog('Importer un paquet', back, 'ctrl+l')
  let said = { status: '', error: '' }
  await organiser.waitFor('the bundle merged', async () => {
    said = await organiser.script(`return { status: document.getElementById('bundle-status')?.textContent ?? '',
      error: document.getElementById('bundle-error')?.textContent ?? '' }`)
    return said.status.includes('ailleurs.rclt') || said.error !== ''
  }, 20000)
  if (said.error !== '' || !/^Paquet importé\s: \d+ documents? lus?, [1-9]\d* modifiés?/.test(said.status)) {
    throw new Error(`the import said: ${JSON.stringify(said)}`)
  }
  const shown = await organiser.script(`return window.__TAURI_INTERNALS__.invoke('session_view', { event: arguments[0], session: arguments[1] })
    .then(view => view.proposals.map(p => p.title))`, [event, session])
  if (!shown.includes(fromElsewhere) || !shown.includes(title)) throw new Error(`the organiser's window, after the import: ${shown}`)
  await organiser.script(`document.getElementById('bundle-status').scrollIntoView({ block: 'center' })`)
  await organiser.screenshot(shots, 'bundle-imported')
} catch (error) {
  failed = true
  console.error(`not ok - the room's network in the real app: ${error.message}`)
  for (const [name, driver] of [['organiser', organiser], ['device', device]]) {
    if (!driver.session) continue
    const alerts = await driver.script(`return document.getElementById('alerts')?.textContent ?? ''`).catch(() => '')
    if (alerts) console.error(`  the ${name}'s window said: ${alerts}`)
    await driver.screenshot(shots, `room-failure-${name}`).catch(() => {})
  }
} finally {
  await device.quit().catch(() => {})
  await organiser.quit().catch(() => {})
}

if (!failed) {
  console.log('ok - the room in the real app: served over wss:// and announced, found nearby by a second app, joined without an address, shared at once, on the arrivals board, bundle through the real save dialog to a device that never met the hub, whose bundle the serving app merges through the real open dialog')
}
removeDirs(...Object.values(dirs))
console.log(failed ? '0 passed, 1 failed' : '1 passed, 0 failed')
process.exit(failed ? 1 : 0)
