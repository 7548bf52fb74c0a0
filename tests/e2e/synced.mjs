// Hostile text arriving from other devices, in the real app. A "remote" device (the `recolte`
// CLI) writes markup and script into every field it can (event, places, themes, speakers, run
// sheet, sub-groups, proposals, tags, author, consolidated proposals, panel comments, its
// device name) and an event name that tries to climb out of the exports folder; it syncs
// through a real `recolte hub` on 127.0.0.1 and stays connected, so that its name shows as
// present. The app joins from its welcome screen with a token, every screen is visited, and
// each must show the text literally: no element made from it, no script run, no dialog, no
// page widened by it; the report export must land inside the exports folder.
//
//   xvfb-run -a node tests/e2e/synced.mjs --app target/debug/recolte-app --cli target/debug/recolte [--screenshots DIR]
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, sep } from 'node:path'
import { Driver, ENTER, removeDirs, stop } from './driver.mjs'
import { startHub } from './hub.mjs'

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback)
const app = resolve(arg('--app', 'target/debug/recolte-app'))
const cli = resolve(arg('--cli', 'target/debug/recolte'))
const shots = arg('--screenshots', null)
const sample = resolve(new URL('../../examples/assises-2025.json', import.meta.url).pathname)

const work = mkdtempSync(join(tmpdir(), 'recolte-synced-'))
const [remoteDir, hubDir, appDir, home] = ['remote', 'hub', 'app', 'home'].map(name => join(work, name))
const escapee = join(tmpdir(), 'recolte-pwned')
rmSync(escapee, { recursive: true, force: true })

// Each payload names its field, so that a failure says which one was rendered as markup.
const payload = where => `<img src=x data-pwned onerror="window.__pwned='${where}'"><b data-pwned>${where}</b><script data-pwned>window.__pwned='${where}'</script>`
const remote = (args, options = {}) =>
  execFileSync(cli, ['--data-dir', remoteDir, ...args], { encoding: 'utf8', env: { ...process.env, LANG: 'C.UTF-8' }, ...options }).trim()

// The remote device's event: the sample programme with hostile text in every free field.
const programme = JSON.parse(readFileSync(sample, 'utf8'))
programme.event.name = `../../../../../../../..${escapee} ${payload('event')}`
programme.event.organiser = payload('organiser')
programme.event.places.forEach((place, i) => { place.name = payload(`place ${i}`) })
programme.days.forEach((day, i) => { day.label = payload(`day ${i}`) })
programme.run_sheet.forEach((step, i) => { step.label = payload(`step ${i}`) })
programme.slots.forEach((slot, i) => { slot.label = payload(`slot ${i}`) })
programme.themes.forEach(theme => {
  theme.title = payload(`theme ${theme.number}`)
  theme.description = payload(`description ${theme.number}`)
  theme.speakers.forEach((speaker, i) => { speaker.name = payload(`speaker ${theme.number}.${i}`); speaker.role = payload('role') })
})
writeFileSync(join(work, 'hostile.json'), JSON.stringify(programme))

let hub = null
let watcher = null
const driver = new Driver({ RECOLTE_DATA_DIR: appDir, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), LANG: 'fr_FR.UTF-8' })
let failed = false
try {
  remote(['event', 'import', join(work, 'hostile.json')])
  remote(['device', 'name', payload('device name')])
  const session = JSON.parse(remote(['--json', 'session', 'list', '--theme', '1']))[0].id
  remote(['subgroup', 'add', '--session', session, payload('sub-group')])
  const first = remote(['proposal', 'add', '--session', session, '--subgroup', payload('sub-group'),
    '--title', payload('title'), '--body', payload('body'), '--tag', payload('tag'), '--author', payload('author')])
  const second = remote(['proposal', 'add', '--session', session, '--title', `Former les élus ${payload('second title')}`])
  const consolidated = remote(['synthesis', 'merge', '--theme', '1', '--title', payload('consolidated title'),
    '--body', payload('consolidated body'), first, second])
  remote(['panel', 'comment', consolidated, payload('panel comment'), '--author', payload('panel author')])
  const token = remote(['token', 'create', '--role', 'organiser', '--name', payload('token name')])
  const key = JSON.parse(remote(['--json', 'event', 'show'])).public_key

  // The hub prints its address once it accepts connections.
  const started = await startHub(cli, hubDir, key)
  hub = started.process
  const url = started.url
  remote(['sync', '--hub', url, '--token', token])
  // Stays connected: its device name is what the app lists as present.
  watcher = spawn(cli, ['--data-dir', remoteDir, 'sync', '--watch'], { stdio: 'ignore', env: { ...process.env, LANG: 'C.UTF-8' } })

  await driver.ready()
  await driver.open(app)
  const run = (source, args) => driver.script(source, args)

  await driver.click('#join-advanced summary')
  await driver.type('#join-hub', url)
  await driver.type('#join-token', token + ENTER)
  await driver.waitFor('the event from the hub', async () =>
    (await run(`return document.querySelector('.event-name')?.textContent ?? ''`)).includes("data-pwned onerror"), 60000)

  // Every screen, with the remote session chosen in the capture screen.
  const problems = []
  const inspect = async screen => {
    const seen = await run(`
      const texts = [document.body.innerText, ...[...document.querySelectorAll('input, textarea, select')].map(f => f.value)]
      return {
        elements: document.querySelectorAll('[data-pwned]').length,
        ran: window.__pwned ?? null,
        literal: texts.some(t => t.includes('<b data-pwned>')),
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        wide: (() => {
          // The deepest elements whose removal ends the overflow.
          const root = document.documentElement
          const before = root.scrollWidth
          if (before <= root.clientWidth) return []
          const culprits = []
          for (const e of document.querySelectorAll('body *')) {
            const display = e.style.display
            e.style.display = 'none'
            if (root.scrollWidth <= root.clientWidth) culprits.push(e)
            e.style.display = display
          }
          return culprits.filter(e => !culprits.some(c => c !== e && e.contains(c))).slice(0, 4)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + (e.id ? '#' + e.id : ''))
        })(),
      }`)
    if (seen.elements) problems.push(`${screen}: ${seen.elements} elements made from synced text`)
    if (seen.ran) problems.push(`${screen}: a payload ran (${seen.ran})`)
    if (!seen.literal) problems.push(`${screen}: the synced text is not shown literally`)
    if (seen.overflow > 0) problems.push(`${screen}: long synced text widens the page by ${seen.overflow} px (${seen.wide.join(', ')})`)
    if (await driver.alertOpen()) problems.push(`${screen}: a dialog opened`)
  }
  await driver.find('#session-picker')
  await run(`const s = document.getElementById('session-picker'); s.value = arguments[0]; s.dispatchEvent(new Event('change'))`, [session])
  await driver.waitFor('the remote proposals', async () => (await driver.findAll('.cards .proposal')).length === 2)
  await driver.waitFor('the remote device shown as present', async () =>
    (await run(`return document.querySelector('.presence')?.textContent ?? ''`)).includes('device name'), 60000)
  await inspect('capture')
  await driver.screenshot(shots, 'synced-capture')
  const screens = ['synthesis', 'panel', 'summary', 'settings']
  for (const screen of screens) {
    await run(`document.querySelector('nav .tab[data-screen=' + arguments[0] + ']').click()`, [screen])
    await new Promise(r => setTimeout(r, 1500))
    if (screen === 'synthesis') {
      await run(`const s = document.getElementById('theme-picker'); s.value = '1'; s.dispatchEvent(new Event('change'))`)
      await driver.waitFor('the consolidated proposal', async () => (await driver.findAll('[data-consolidated]')).length === 1)
    }
    await inspect(screen)
    await driver.screenshot(shots, `synced-${screen}`)
  }

  // The report of an event whose name climbs out of folders lands inside the exports folder
  // (the exports are on the settings screen, open now).
  await driver.click('[data-export=report]')
  const named = `return document.querySelector('.export-status [data-open-folder]')?.getAttribute('data-open-folder') ?? ''`
  await driver.waitFor('the report', async () => (await run(named)).includes(sep))
  const folder = await run(named)
  const inside = [join(home, 'Documents'), join(appDir, 'exports'), appDir].map(p => (existsSync(p) ? realpathSync(p) : p))
  if (!existsSync(folder)) problems.push(`the report folder the app named does not exist: ${folder}`)
  else if (!inside.some(p => realpathSync(folder).startsWith(p + sep))) problems.push(`the report was written outside the exports folder: ${folder}`)
  if (existsSync(escapee)) problems.push(`the event's name made the app write to ${escapee}`)
  if (problems.length) throw new Error(problems.join('; '))
  console.log('ok - hostile text synced through a real hub is shown literally on every screen (0 elements, 0 scripts, 0 dialogs), the remote device is shown present, the export stays in its folder')
} catch (error) {
  failed = true
  console.error(`not ok - synced hostile text: ${error.message}`)
  await driver.screenshot(shots, 'synced-failure').catch(() => {})
} finally {
  await driver.quit()
  await stop(watcher, hub)
  removeDirs(work)
}
console.log(failed ? '0 passed, 1 failed' : '1 passed, 0 failed')
process.exit(failed ? 1 : 0)
