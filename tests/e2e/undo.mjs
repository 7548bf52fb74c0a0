// Ctrl+Z in the real app undoes this device's own change only. The app joins an event through
// a real `recolte hub` on 127.0.0.1; it captures a proposal and rewrites its title in the card;
// another device (the `recolte` CLI, connected to the same hub) then rewrites its body; Ctrl+Z
// pressed in the card takes the title back and leaves the other device's body, on both devices;
// Ctrl+Maj+Z makes the title again. Then "Historique" lists the versions and restores one.
//
//   xvfb-run -a node tests/e2e/undo.mjs --app target/debug/recolte-app --cli target/debug/recolte [--screenshots DIR]
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { CONTROL, Driver, ENTER, NULL, removeDirs, stop } from './driver.mjs'
import { startHub } from './hub.mjs'

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback)
const app = resolve(arg('--app', 'target/debug/recolte-app'))
const cli = resolve(arg('--cli', 'target/debug/recolte'))
const shots = arg('--screenshots', null)
const sample = resolve('examples/assises-2025.json')
// python-xlib, to close the window as a window manager would (scripts/test.sh installs it).
const python = process.env.RECOLTE_VALIDATORS ? join(process.env.RECOLTE_VALIDATORS, 'bin/python') : 'python3'

const work = mkdtempSync(join(tmpdir(), 'recolte-undo-'))
const [remoteDir, hubDir, appDir] = ['remote', 'hub', 'app'].map(name => join(work, name))
const env = { ...process.env, LANG: 'C.UTF-8' }
const remote = args => execFileSync(cli, ['--data-dir', remoteDir, ...args], { encoding: 'utf8', env }).trim()
const local = args => execFileSync(cli, ['--data-dir', appDir, ...args], { encoding: 'utf8', env }).trim()
const proposal = (run, title) => JSON.parse(run(['--json', 'proposal', 'list'])).find(p => p.title.startsWith(title.slice(0, 12)))
const SHIFT = '\uE008'
const sleep = ms => new Promise(r => setTimeout(r, ms))

let hub = null
let watcher = null
let failed = false
const driver = new Driver({ RECOLTE_DATA_DIR: appDir, HOME: work, LANG: 'fr_FR.UTF-8' })
try {
  remote(['event', 'import', sample])
  remote(['device', 'name', 'Maëlle'])
  const session = JSON.parse(remote(['--json', 'session', 'list', '--theme', '1']))[0].id
  const token = remote(['token', 'create', '--role', 'organiser', '--name', 'Camille'])
  const key = JSON.parse(remote(['--json', 'event', 'show'])).public_key
  const started = await startHub(cli, hubDir, key)
  hub = started.process
  const url = started.url
  remote(['sync', '--hub', url, '--token', token])
  watcher = spawn(cli, ['--data-dir', remoteDir, 'sync', '--watch'], { stdio: 'ignore', env })

  await driver.ready()
  await driver.open(app)
  const run = (source, args) => driver.script(source, args)
  await driver.click('#join-advanced summary')
  await driver.type('#join-hub', url)
  await driver.type('#join-token', token + ENTER)
  await driver.find('#session-picker', 60000)
  await run(`const s = document.getElementById('session-picker'); s.value = arguments[0]; s.dispatchEvent(new Event('change'))`, [session])

  // The app captures a proposal, then rewrites its title in the card.
  await driver.type('#capture-title', 'Former les élus' + ENTER)
  await driver.waitFor('the card', async () => (await driver.findAll('.cards .proposal')).length === 1)
  await driver.type('.cards .proposal .card-title', ' et les DGS')
  await run(`document.querySelector('.cards .proposal .card-title').blur()`)
  await driver.waitFor('the new title on the other device', async () =>
    proposal(remote, 'Former les élus')?.title === 'Former les élus et les DGS', 30000)

  // The other device rewrites the body; the app shows it.
  const id = proposal(remote, 'Former les élus').id
  remote(['proposal', 'edit', id, '--body', 'Dans chaque collectivité'])
  await driver.waitFor('the other device\'s body in the card', async () =>
    (await run(`return document.querySelector('.cards .proposal .card-body')?.value ?? ''`)) === 'Dans chaque collectivité', 30000)

  // Ctrl+Z in the card: the title is taken back, the body stays, on both devices.
  await driver.type('.cards .proposal .card-title', CONTROL + 'z' + NULL)
  await driver.waitFor('the title taken back in the card', async () =>
    (await run(`return document.querySelector('.cards .proposal .card-title')?.value ?? ''`)) === 'Former les élus', 10000)
  await sleep(400) // the window paints a moment after the page changes
  await driver.screenshot(shots, 'undo-after-remote')
  const here = proposal(local, 'Former les élus')
  if (here.title !== 'Former les élus' || here.body !== 'Dans chaque collectivité') throw new Error(`after Ctrl+Z, this device holds ${JSON.stringify(here)}`)
  await driver.waitFor('the undo on the other device', async () => {
    const there = proposal(remote, 'Former les élus')
    return there.title === 'Former les élus' && there.body === 'Dans chaque collectivité'
  }, 30000)

  // Ctrl+Maj+Z makes it again.
  await driver.type('.cards .proposal .card-title', CONTROL + SHIFT + 'z' + NULL)
  await driver.waitFor('the title made again', async () =>
    (await run(`return document.querySelector('.cards .proposal .card-title')?.value ?? ''`)) === 'Former les élus et les DGS' &&
    proposal(local, 'Former les élus').title === 'Former les élus et les DGS', 10000)

  // The history lists the versions, and restores the first wording.
  await run(`[...document.querySelectorAll('.cards .proposal button')].find(b => b.textContent === 'Historique').click()`)
  await driver.waitFor('the versions', async () => (await driver.findAll('.history-version')).length >= 4)
  await sleep(400)
  await driver.screenshot(shots, 'history')
  await run(`document.querySelector('.history-version:last-child button').click()`)
  await driver.waitFor('the first wording restored', async () => {
    const p = proposal(local, 'Former les élus')
    return p.title === 'Former les élus' && p.body === ''
  }, 10000)
  // The session as it stood at a moment: the slider's first step holds the first wording.
  await run(`document.querySelector('.dialog-close').click()`)
  // The history's dialog gone first: a click while it closes would land on its backdrop.
  await driver.waitFor('the history closed', async () => (await driver.findAll('.dialog-backdrop')).length === 0)
  await driver.click('#moment-open')
  await driver.waitFor('the session at its last moment', async () => (await driver.findAll('.moment-list li')).length === 1)
  await run(`const s = document.getElementById('moment-slider'); s.value = '0'; s.dispatchEvent(new Event('input'))`)
  await driver.waitFor('the first moment', async () =>
    (await run(`return document.querySelector('.moment-list .history-title')?.textContent ?? ''`)) === 'Former les élus')
  await sleep(400)
  await driver.screenshot(shots, 'session-at-a-moment')
  // A named snapshot, taken in the dialog; the other device rewrites the title; restoring the
  // snapshot in the app writes it back on both devices.
  await driver.type('#snapshot-name', 'Avant la plénière' + ENTER)
  await driver.waitFor('the snapshot listed', async () =>
    (await run(`return document.getElementById('snapshot-list')?.textContent ?? ''`)).includes('Avant la plénière'))
  // Taken by hand, it travels with the session: the other device lists it.
  await driver.waitFor('the snapshot on the other device', async () =>
    JSON.parse(remote(['--json', 'snapshot', 'list', '--session', session])).some(s => s.name === 'Avant la plénière' && s.shared), 30000)
  remote(['proposal', 'edit', id, '--title', 'Former les élus (réécrit ailleurs)'])
  await driver.waitFor('the other device\'s title here', async () =>
    proposal(local, 'Former les élus')?.title === 'Former les élus (réécrit ailleurs)', 30000)
  await run(`[...document.querySelectorAll('[data-snapshot]')].find(li => li.textContent.includes('Avant la plénière')).querySelector('[data-action=restore]').click()`)
  await driver.waitFor('the snapshot restored on both devices', async () =>
    proposal(local, 'Former les élus')?.title === 'Former les élus' && proposal(remote, 'Former les élus')?.title === 'Former les élus', 30000)
  await driver.waitFor('the snapshot of what the restore replaced', async () =>
    (await run(`return document.querySelector('[data-snapshot]')?.textContent ?? ''`)).includes('Avant la restauration'))
  await sleep(400)
  await driver.screenshot(shots, 'snapshots')

  // Closed within the 300 ms a card's field waits before it saves, as the close button of a
  // window manager closes it: the typing is saved before the window goes.
  await run(`document.querySelector('.dialog-close').click()`)
  await driver.waitFor('the dialog closed', async () => (await driver.findAll('.dialog-backdrop')).length === 0)
  const closer = spawn(python, [resolve('tests/e2e/wm-close.py'), 'Récolte'], { stdio: ['pipe', 'pipe', 'inherit'], env })
  const said = []
  closer.stdout.on('data', chunk => said.push(...String(chunk).split('\n').filter(Boolean)))
  await driver.waitFor('the window closer ready', async () => said.includes('ready') || closer.exitCode !== null, 20000)
  if (closer.exitCode !== null) throw new Error(`the window closer stopped (python-xlib installed in ${python}?)`)
  await driver.type('.cards .proposal .card-title', ' avant de fermer')
  closer.stdin.write('close\n')
  await driver.waitFor('the window asked to close', async () => closer.exitCode !== null, 10000)
  if (said[said.length - 1] !== '1') throw new Error(`the window closer asked ${said[said.length - 1]} windows`)
  await driver.waitFor('the app gone', async () => (await driver.call('GET', `/session/${driver.session}/title`, undefined, 2000).then(() => false, () => true)), 10000)
  const kept = proposal(local, 'Former les élus')?.title
  if (kept !== 'Former les élus avant de fermer') throw new Error(`typed just before closing, the title is ${JSON.stringify(kept)}`)
  console.log('ok - Ctrl+Z in the real app undoes this device\'s change after another device\'s arrived, keeps theirs on both devices, Ctrl+Maj+Z redoes, the history restores a version, the session is read at a moment, a named snapshot is taken, reaches the other device, and is restored on both devices; a card typed in just before the window closes is saved')
} catch (error) {
  failed = true
  console.error(`not ok - undo in the real app: ${error.message}`)
  const alerts = await driver.script(`return document.getElementById('alerts')?.textContent ?? ''`).catch(() => '')
  if (alerts) console.error(`  the window said: ${alerts}`)
  await driver.screenshot(shots, 'undo-failure').catch(() => {})
} finally {
  await driver.quit()
  await stop(watcher, hub)
  removeDirs(work)
}
console.log(failed ? '0 passed, 1 failed' : '1 passed, 0 failed')
process.exit(failed ? 1 : 0)
