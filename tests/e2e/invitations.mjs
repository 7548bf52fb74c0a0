// End to end on the real app, two instances (two data folders) and a real hub: the
// organiser's app creates an invitation on its Organisation screen; a second app joins with
// the link (it asks the name), opens on its session with only its role's tabs, captures;
// the organiser revokes the invitation, and the second app's status names the reason while
// everything it saved stays.
//
//   xvfb-run -a node tests/e2e/invitations.mjs --app target/debug/recolte-app --cli target/debug/recolte [--screenshots DIR]
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Driver, ENTER, removeDirs } from './driver.mjs'
import { startHub } from './hub.mjs'

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback)
const app = resolve(arg('--app', 'target/debug/recolte-app'))
const cli = resolve(arg('--cli', 'target/debug/recolte'))
const shots = arg('--screenshots', null)
const sample = resolve('examples/assises-2025.json')
const dirs = { organiser: mkdtempSync(join(tmpdir(), 'recolte-org-')), hub: mkdtempSync(join(tmpdir(), 'recolte-hub-')), facilitator: mkdtempSync(join(tmpdir(), 'recolte-fac-')) }
const recolte = (dir, args) => execFileSync(cli, ['--data-dir', dir, ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'fr_FR.UTF-8' } }).trim()
const json = (dir, args) => JSON.parse(recolte(dir, [...args, '--json']))

// The organiser's event (a real one, not the practice event), served by a real hub.
recolte(dirs.organiser, ['event', 'import', sample])
const key = json(dirs.organiser, ['event', 'show']).public_key
const { url, process: hub } = await startHub(cli, dirs.hub, key)
const own = recolte(dirs.organiser, ['invite', 'create', '--role', 'organiser', '--hub', url, '--for', 'Organisation'])
recolte(dirs.organiser, ['join', '--invitation', own, '--name', 'Organisation'])
const session = json(dirs.organiser, ['session', 'list', '--theme', '3'])[0].id

const sleep = ms => new Promise(r => setTimeout(r, ms))
let failed = false
const organiser = new Driver({ RECOLTE_DATA_DIR: dirs.organiser, LANG: 'fr_FR.UTF-8' })
const facilitator = new Driver({ RECOLTE_DATA_DIR: dirs.facilitator, LANG: 'fr_FR.UTF-8' })
const title = 'Un référent innovation dans chaque service'
try {
  // 1. The organiser's app opens on its Organisation screen and creates the invitation.
  await organiser.ready()
  await organiser.open(app)
  await organiser.find('#inv-role')
  await organiser.waitFor('the hub address suggested', async () => (await organiser.script(`return document.getElementById('inv-hubs').value`)).includes(url))
  await organiser.script(`const r = document.getElementById('inv-role'); r.value = 'facilitator'; r.dispatchEvent(new Event('change'))`)
  await organiser.click(`#inv-session-${session}`)
  await organiser.type('#inv-for', 'Camille Dupré')
  await organiser.click('#inv-create')
  await organiser.find('#inv-new-link')
  const link = await organiser.script(`return document.getElementById('inv-new-link').value`)
  if (!link.startsWith('recolte://join?')) throw new Error(`not an invitation link: ${link}`)
  await organiser.waitFor('the invitation listed', async () =>
    (await organiser.script(`return document.querySelectorAll('tr[data-invitation]').length`)) >= 2)
  await organiser.script(`window.scrollTo(0, 0); document.activeElement?.blur()`)
  await organiser.screenshot(shots, 'organisation')
  await organiser.quit()

  // 2. A new device joins with the link: it shows what the link opens, asks the name.
  await facilitator.ready()
  await facilitator.open(app)
  await facilitator.type('#invite-link', link)
  await facilitator.waitFor('the preview', async () =>
    (await facilitator.script(`return document.getElementById('invite-preview').textContent`)).includes('Animation · 1 session'))
  const prefilled = await facilitator.script(`return document.getElementById('invite-name').value`)
  if (prefilled !== 'Camille Dupré') throw new Error(`the name is not prefilled from the invitation: ${prefilled}`)
  await facilitator.script(`document.getElementById('invite-name').value = ''`)
  await facilitator.type('#invite-name', 'Camille')
  await facilitator.screenshot(shots, 'join')
  await facilitator.click('#invite-join')

  // 3. It opens on its session, with only its role's tabs, and captures there.
  await facilitator.find('#capture-title')
  const tabs = await facilitator.script(`return [...document.querySelectorAll('nav .tab')].map(t => t.textContent.trim())`)
  if (tabs.length !== 2) throw new Error(`a facilitator sees only capture and settings, not ${tabs}`)
  const offered = await facilitator.script(`return [...document.querySelectorAll('#session-picker option')].filter(o => !o.disabled).map(o => o.value)`)
  if (!offered.includes(session) || offered.filter(v => v && v !== session).length > 0) throw new Error(`capture is offered in ${offered}, not only ${session}`)
  const chosen = await facilitator.script(`return document.getElementById('session-picker').value`)
  if (chosen !== session) throw new Error(`the app did not open on its session (${chosen})`)
  await facilitator.type('#capture-title', title + ENTER)
  await facilitator.waitFor('the card', async () => (await facilitator.findAll('.cards .proposal')).length === 1)
  // Shared: the organiser receives it through the hub.
  await facilitator.waitFor('the change shared', async () => {
    recolte(dirs.organiser, ['sync'])
    return json(dirs.organiser, ['proposal', 'list']).some(p => p.title === title)
  }, 30000)
  await facilitator.waitFor('the pill says up to date', async () =>
    (await facilitator.script(`return document.getElementById('sync-pill').className`)).includes('up_to_date'), 20000)

  // 4. The organiser revokes it (from its store, then syncs): the app says why, in words.
  const id = json(dirs.organiser, ['invite', 'list']).find(i => i.for === 'Camille Dupré').id
  recolte(dirs.organiser, ['invite', 'revoke', id])
  recolte(dirs.organiser, ['sync'])
  await facilitator.waitFor('the status names the revocation', async () =>
    (await facilitator.script(`return document.getElementById('sync-pill').textContent`)).includes('révoqu'), 10000)
  await facilitator.click('#sync-pill')
  await facilitator.waitFor('the details', async () =>
    (await facilitator.script(`return document.querySelector('[role=dialog]')?.textContent ?? ''`)).includes('révoqué'))
  await facilitator.screenshot(shots, 'status-revoked')
  if (await facilitator.alertOpen()) throw new Error('a native dialog opened')
} catch (error) {
  failed = true
  console.error(`not ok - invitations in the real app: ${error.message}`)
  for (const driver of [organiser, facilitator]) {
    if (!driver.session) continue
    const alerts = await driver.script(`return document.getElementById('alerts')?.textContent ?? ''`).catch(() => '')
    if (alerts) console.error(`  the window said: ${alerts}`)
    await driver.screenshot(shots, 'invitations-failure').catch(() => {})
  }
} finally {
  await organiser.quit().catch(() => {})
  await facilitator.quit().catch(() => {})
}

if (!failed) {
  // What the device saved is still there, and it reached the organiser before the revocation.
  const kept = json(dirs.facilitator, ['proposal', 'list']).map(p => p.title)
  const received = json(dirs.organiser, ['proposal', 'list']).map(p => p.title)
  const status = json(dirs.facilitator, ['status'])
  const problems = []
  if (!kept.includes(title)) problems.push(`the device lost its proposal: ${kept}`)
  if (!received.includes(title)) problems.push(`the organiser did not receive it: ${received}`)
  if (status.summary.error?.code !== 'revoked') problems.push(`status: ${JSON.stringify(status.summary)}`)
  if (json(dirs.facilitator, ['device', 'name']).value !== 'Camille') problems.push('the name given at join does not sign the device')
  if (problems.length) {
    failed = true
    console.error(`not ok - after the revocation: ${problems.join('; ')}`)
  } else {
    console.log('ok - invitations in the real app: created on the Organisation screen, joined by link with a name, role-aware capture, revoked with the reason shown, nothing lost')
  }
}
hub.kill()
await sleep(100)
removeDirs(...Object.values(dirs))
console.log(failed ? '0 passed, 1 failed' : '1 passed, 0 failed')
process.exit(failed ? 1 : 0)
