// The real app on a disk that filled up while it was closed (another program's files): it
// opens, says above the screen that the store is open for reading only and why, shows the
// day's proposals, and refuses a new one with the reason, changing nothing; once space is
// freed, it saves again without a restart. Needs root (it
// mounts a small tmpfs), as CI has.
//
//   xvfb-run -a node tests/e2e/full-disk.mjs --app target/debug/recolte-app --cli target/debug/recolte [--screenshots DIR]
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Driver, ENTER, removeDirs } from './driver.mjs'

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback)
const app = resolve(arg('--app', 'target/debug/recolte-app'))
const cli = resolve(arg('--cli', 'target/debug/recolte'))
const shots = arg('--screenshots', null)
const sample = resolve('examples/assises-2025.json')
if (process.getuid?.() !== 0) {
  console.error('full-disk.mjs mounts a tmpfs: run it as root')
  process.exit(1)
}

const work = mkdtempSync(join(tmpdir(), 'recolte-full-'))
const disk = join(work, 'disk')
const store = join(disk, 'store')
mkdirSync(disk)
execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', disk])
const env = { ...process.env, LANG: 'C.UTF-8' }
const recolte = args => execFileSync(cli, ['--data-dir', store, ...args], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] }).trim()
const titles = () => JSON.parse(recolte(['--json', 'proposal', 'list'])).map(p => p.title).sort()
const sleep = ms => new Promise(r => setTimeout(r, ms))

let failed = false
const driver = new Driver({ RECOLTE_DATA_DIR: store, HOME: work, LANG: 'fr_FR.UTF-8' })
try {
  // A day's work, then the disk fills up while Récolte is closed.
  recolte(['event', 'import', sample])
  const session = JSON.parse(recolte(['--json', 'session', 'list', '--theme', '1']))[0].id
  recolte(['proposal', 'add', '--session', session, '--title', 'Former les élus'])
  recolte(['proposal', 'add', '--session', session, '--title', 'Un laboratoire partagé'])
  const before = titles()
  // To the last page (the 32 KiB SQLite needs at open must not be left free).
  for (const [name, block] of [['videos.bin', '64k'], ['photos.bin', '4k']]) {
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(disk, name)}`, `bs=${block}`], { stdio: 'ignore' })
    } catch {} // dd stops when the disk is full
  }

  await driver.ready()
  await driver.open(app)
  const run = (source, args) => driver.script(source, args)
  const notice = await driver.waitFor('the notice above the screen', async () =>
    (await run(`return document.getElementById('read-only')?.textContent ?? ''`)) || false, 60000)
  if (!notice.includes('lecture seule') || !notice.includes('le disque est plein')) throw new Error(`the notice said: ${notice}`)
  await run(`[...document.querySelectorAll('nav .tab')].find(tab => tab.textContent === 'Animation').click()`)
  await driver.find('#session-picker')
  await run(`const s = document.getElementById('session-picker'); s.value = arguments[0]; s.dispatchEvent(new Event('change'))`, [session])
  await driver.waitFor('the day\'s proposals listed', async () => (await driver.findAll('.cards .proposal')).length === 2, 30000)

  await driver.type('#capture-title', 'Sur un disque plein' + ENTER)
  const said = await driver.waitFor('the refusal, with its reason', async () => {
    const alerts = await run(`return document.getElementById('alerts')?.textContent ?? ''`)
    return alerts.includes('ouvert qu') ? alerts : false
  }, 15000)
  if (!said.includes('le disque est plein') || !said.includes('rien n')) throw new Error(`the refusal said: ${said}`)
  await sleep(400) // the window paints a moment after the page changes
  await driver.screenshot(shots, 'full-disk')
  const after = titles()
  if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`the store changed: ${after} instead of ${before}`)

  // Space freed while the window is open: it writes again without a restart, and says so.
  for (const name of ['videos.bin', 'photos.bin']) rmSync(join(disk, name), { force: true })
  await driver.waitFor('the notice gone', async () =>
    run(`const n = document.getElementById('read-only'); return !n || n.hidden`), 15000)
  await run(`document.getElementById('capture-title').value = ''`)
  await driver.type('#capture-title', 'Après le ménage' + ENTER)
  await driver.waitFor('the new proposal saved', async () => titles().includes('Après le ménage'), 15000)
  await driver.closeApp()
  console.log('ok - on a disk that filled up while it was closed, the real app opens for reading, says so and why, lists the day\'s proposals, refuses a new one with the reason, changes nothing, and saves again once space is freed')
} catch (error) {
  failed = true
  console.error(`not ok - the real app on a full disk: ${error.message}`)
  const alerts = await driver.script(`return document.getElementById('alerts')?.textContent ?? ''`).catch(() => '')
  if (alerts) console.error(`  the window said: ${alerts}`)
  await driver.screenshot(shots, 'full-disk-failure').catch(() => {})
} finally {
  await driver.quit()
  // The app's processes may take a moment to let the disk go.
  for (let i = 0; i < 20; i++) {
    try {
      execFileSync('umount', [disk], { stdio: 'ignore' })
      break
    } catch {
      await sleep(500)
    }
  }
  removeDirs(work)
}
console.log(failed ? '0 passed, 1 failed' : '1 passed, 0 failed')
process.exit(failed ? 1 : 0)
