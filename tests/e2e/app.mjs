// End to end on the real app: tauri-driver (with Debian's WebKitWebDriver) drives the real
// window on a temporary store, under Xvfb. Loads the sample event, captures proposals in two
// sub-groups (one titled with an XSS payload), starts and pauses the session's clock, merges
// two, marks and votes on the panel, projects, reads the whole event and writes its PDF, saves
// screenshots of the screens, then checks the store through the `recolte` CLI.
//
//   xvfb-run -a node tests/e2e/app.mjs --app target/debug/recolte-app --cli target/debug/recolte [--screenshots docs/screenshots]
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Driver, ENTER, removeDirs } from './driver.mjs'

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback)
const app = resolve(arg('--app', 'target/debug/recolte-app'))
const cli = resolve(arg('--cli', 'target/debug/recolte'))
const shots = arg('--screenshots', null)
const dataDir = mkdtempSync(join(tmpdir(), 'recolte-e2e-'))

const driver = new Driver({ RECOLTE_DATA_DIR: dataDir, LANG: 'fr_FR.UTF-8' })
const { find, findAll, click, type, script, waitFor, settled } = Object.fromEntries(
  ['find', 'findAll', 'click', 'type', 'script', 'waitFor', 'settled'].map(name => [name, driver[name].bind(driver)]))
const screenshot = name => driver.screenshot(shots, name)
// A button the window redraws every second (the clock) or on every change (votes): clicked in
// the page, so that the click cannot land on an element just replaced.
const press = selector => waitFor(`the button ${selector}`, async () =>
  script(`const b = document.querySelector(arguments[0]); if (!b || b.disabled) return false; b.click(); return true`, [selector]))

async function capture(title, subgroupName) {
  if (subgroupName) {
    await script(`const s = document.getElementById('capture-subgroup');
      s.value = [...s.options].find(o => o.textContent === arguments[0]).value; s.dispatchEvent(new Event('change'))`, [subgroupName])
  }
  const before = (await findAll('.cards .proposal')).length
  await type('#capture-title', title + ENTER)
  await waitFor(`card for ${title}`, async () => (await findAll('.cards .proposal')).length === before + 1)
}

let failed = false
let exported = null
try {
  await driver.ready()
  await driver.open(app)
  await click('#load-sample')
  await find('#capture-title')
  // The sub-group's name gets a field wide enough to read what is typed: beside its long
  // button in the narrow side column, it was once squeezed to a few letters.
  const nameWidth = await script(`return document.getElementById('new-subgroup').getBoundingClientRect().width`)
  if (nameWidth < 160) throw new Error(`the sub-group name field is ${nameWidth} px wide`)
  for (const name of ['Groupe A', 'Groupe B']) {
    await type('#new-subgroup', name + ENTER)
    await waitFor(`sub-group ${name}`, async () =>
      (await script(`return [...document.querySelectorAll('#capture-subgroup option')].map(o => o.textContent)`)).includes(name))
  }
  await capture('Former les élus à l’innovation publique', 'Groupe A')
  await capture('Former les élus aux démarches d’innovation', 'Groupe B')
  await capture('<img src=x onerror=alert(1)>', 'Groupe B')
  const images = await script(`return document.querySelectorAll('.cards img').length`)
  if (images !== 0) throw new Error('a synced title was rendered as HTML')
  const titles = await script(`return [...document.querySelectorAll('.cards .card-title')].map(f => f.value)`)
  if (!titles.includes('<img src=x onerror=alert(1)>')) throw new Error(`the payload is not shown literally: ${titles}`)
  if (await driver.alertOpen()) throw new Error('an alert opened: the payload ran')
  await screenshot('capture')

  // The session's clock: started now, paused; the store holds it (every facilitator shares it).
  const session = await script(`return document.getElementById('session-picker').value`)
  await press('#clock-start')
  await waitFor('the clock running', async () => (await script(`return document.getElementById('clock-now').textContent`)).includes('reste'))
  await press('#clock-pause')
  await waitFor('the clock paused', async () => await script(`return !document.getElementById('clock-paused').hidden`))
  const clock = JSON.parse(execFileSync(cli, ['--data-dir', dataDir, '--json', 'session', 'clock', session], { encoding: 'utf8' }))
  if (!clock.paused || !clock.started_at) throw new Error(`the clock is not saved as started and paused: ${JSON.stringify(clock)}`)
  await script(`document.getElementById('clock-heading').scrollIntoView()`)
  await screenshot('clock')
  await press('#clock-pause')
  await waitFor('the clock resumed', async () => await script(`return document.getElementById('clock-paused').hidden`))

  await script(`document.querySelector('nav .tab[data-screen=synthesis]').click()`)
  await find('.proposal-row')
  await waitFor('two proposals of theme 1', async () => (await findAll('.proposal-row')).length === 3)
  // The two "Former les élus" proposals are suggested as likely duplicates, side by side, with
  // the words that met, and both actions.
  await waitFor('the suggestion', async () => (await script(`return document.querySelectorAll('.suggestion .suggestion-member').length`)) === 2)
  const reason = await script(`return document.querySelector('.suggestion .suggestion-reason').textContent`)
  if (!/élus/.test(reason)) throw new Error(`the suggestion's reason does not name the shared words: ${reason}`)
  const actions = await script(`return [...document.querySelectorAll('.suggestion button')].map(b => b.textContent)`)
  if (actions.join('|') !== 'Fusionner|Pas des doublons') throw new Error(`the suggestion's actions: ${actions}`)
  // Every box to tick is one people can see and hit: the text fields' style once shrank the
  // proposals' boxes to a 4-pixel dot in this window (WebKitGTK), not in Chromium.
  const boxes = await script(`return [...document.querySelectorAll('input[type=checkbox]')].filter(b => b.offsetParent !== null)
    .map(b => { const r = b.getBoundingClientRect(); return { id: b.id, width: r.width, height: r.height } })`)
  const tiny = boxes.filter(b => b.width < 12 || b.height < 12)
  if (boxes.length < 5 || tiny.length) throw new Error(`boxes to tick too small to see: ${JSON.stringify(tiny)} (of ${boxes.length})`)
  for (const box of (await findAll('.proposal-row input[type=checkbox]')).slice(0)) {
    const label = await driver.property(box, 'id')
    const row = await script(`return document.getElementById(arguments[0]).closest('li').textContent`, [label])
    if (row.includes('Former les élus')) await driver.clickElement(box)
  }
  await click('#merge-selected')
  await script(`document.getElementById('merge-title').value = ''`)
  await type('#merge-title', 'Former les élus à l’innovation' + ENTER)
  await find('[data-consolidated]')
  await screenshot('synthesis')

  await script(`document.querySelector('nav .tab[data-screen=panel]').click()`)
  await click('.review button[aria-pressed]')
  await waitFor('the mark', async () => (await script(`return document.querySelector('.review button[aria-pressed]')?.getAttribute('aria-pressed')`)) === 'true')
  await screenshot('panel')

  // Projector mode: the window full screen, nothing but the proposal (a retained one: drafts
  // are hidden there by default).
  const consolidatedId = JSON.parse(execFileSync(cli, ['--data-dir', dataDir, '--json', 'synthesis', 'list', '--theme', '1'], { encoding: 'utf8' }))[0].id
  execFileSync(cli, ['--data-dir', dataDir, 'synthesis', 'edit', consolidatedId, '--status', 'retained'])
  await waitFor('the status seen', async () => (await script(`return document.body.textContent`)).toLowerCase().includes('retenue'))
  const windowed = await driver.size()
  await click('#panel-projector')
  await waitFor('the projector', async () => (await script(`return document.querySelector('.projector-slide')?.textContent ?? ''`)).includes('Former les élus'))
  await settled(windowed)
  const chrome = await script(`return [...document.querySelectorAll('nav, header, input, textarea, select')].filter(e => e.offsetParent !== null).length`)
  if (chrome !== 0) throw new Error(`the projector shows ${chrome} tabs, headers or inputs`)
  await screenshot('projector')
  const fullScreen = await driver.size()
  await script(`document.dispatchEvent(new KeyboardEvent('keydown', { code: 'Escape', key: 'Escape', bubbles: true }))`)
  await waitFor('back from the projector', async () => (await script(`return !document.querySelector('.projector')`)))
  await settled(fullScreen)

  // A panel member's vote: this device has no name yet, so it asks for one; then one dot,
  // shown with who gave it, saved in the store.
  await script(`document.querySelector('nav .tab[data-screen=panel]').click()`)
  await waitFor('the name asked', async () => await script(`return !document.getElementById('voter-name-form').hidden`))
  // Filled in the page (the screen may still be drawing after the tab switch: a WebDriver
  // reference could point at the form it replaces), until the panel says the name.
  await waitFor('the name saved', async () => script(`
    const field = document.getElementById('voter-name')
    if (field && !document.getElementById('voter-name-form').hidden) { field.value = 'Dominique'; field.form.requestSubmit() }
    return (document.getElementById('dots-left')?.textContent ?? '').includes('Dominique')`))
  await press(`[data-focus="vote-add:${consolidatedId}"]`)
  await waitFor('the vote', async () => (await script(`return document.querySelector('.votes-total')?.textContent ?? ''`)).includes('1 point'))
  await screenshot('votes')

  // The whole event on one screen, and its PDF written by the backend (no browser). Theme 2
  // came to the same idea as theme 1: the summary says so, and links to its card.
  const cliJson = args => JSON.parse(execFileSync(cli, ['--data-dir', dataDir, '--json', ...args], { encoding: 'utf8' }))
  const theme2 = cliJson(['session', 'list', '--theme', '2'])[0].id
  execFileSync(cli, ['--data-dir', dataDir, 'subgroup', 'add', '--session', theme2, 'Groupe A'])
  const alike = execFileSync(cli, ['--data-dir', dataDir, 'proposal', 'add', '--session', theme2, '--subgroup', 'Groupe A', '--title', 'Former les élus et les décideurs à l’innovation'], { encoding: 'utf8' }).trim()
  execFileSync(cli, ['--data-dir', dataDir, 'synthesis', 'merge', '--theme', '2', '--title', 'Former les élus et les décideurs à l’innovation', alike])
  await script(`document.querySelector('nav .tab[data-screen=summary]').click()`)
  await waitFor('the summary', async () => (await script(`return document.querySelectorAll('#summary-themes [data-consolidated]').length`)) === 2)
  await waitFor('alike across themes', async () => (await script(`return document.querySelectorAll('#summary-alike .alike-member').length`)) === 2)
  const alikeShown = await script(`return document.getElementById('summary-alike').textContent`)
  if (!/Thème 1 · Former les élus à l’innovation/.test(alikeShown) || !/Thème 2 · Former les élus et les décideurs/.test(alikeShown)) {
    throw new Error(`the summary's alike proposals: ${alikeShown}`)
  }
  await screenshot('summary')
  await press('#summary-pdf')
  const pdfPath = `return document.querySelector('#summary-pdf-status code.path')?.textContent ?? ''`
  await waitFor('the PDF written', async () => (await script(pdfPath)).endsWith('.pdf'))
  const pdf = await script(pdfPath)
  if (readFileSync(pdf).subarray(0, 5).toString() !== '%PDF-') throw new Error(`not a PDF: ${pdf}`)

  // The open data, from the app: written to a folder it names.
  await script(`document.querySelector('nav .tab[data-screen=organisation]').click()`)
  // Once the screen has read what it shows (the panel's dots come last).
  await waitFor('the organisation screen', async () => (await script(`return document.getElementById('panel-dots')?.value ?? ''`)) !== '')
  await click('[data-export=opendata]')
  const named = `return document.querySelector('.export-status [data-open-folder]')?.getAttribute('data-open-folder') ?? ''`
  await waitFor('the export', async () => (await script(named)).includes('/'))
  exported = await script(named)
} catch (error) {
  failed = true
  console.error(`not ok - the real app: ${error.message}`)
  if (driver.session) {
    const alerts = await script(`return document.getElementById('alerts')?.textContent ?? ''`).catch(() => '')
    if (alerts) console.error(`  the window said: ${alerts}`)
    await screenshot('failure').catch(() => {})
  }
} finally {
  await driver.quit()
}

if (!failed) {
  // The store, read by the CLI: what the window showed as saved is saved.
  const run = args => JSON.parse(execFileSync(cli, ['--data-dir', dataDir, '--json', ...args], { encoding: 'utf8' }))
  const proposals = run(['proposal', 'list'])
  const synthesis = run(['synthesis', 'list', '--theme', '1'])
  const problems = []
  if (proposals.length !== 4) problems.push(`expected 4 proposals (3 typed, 1 from the CLI), the store has ${proposals.length}`)
  if (new Set(proposals.map(p => p.subgroup_name)).size !== 2) problems.push('expected proposals in two sub-groups')
  if (!proposals.some(p => p.title === '<img src=x onerror=alert(1)>')) problems.push('the payload title was not stored as typed')
  if (synthesis.length !== 1 || synthesis[0].sources.length !== 2) problems.push(`expected one consolidated proposal with 2 sources: ${JSON.stringify(synthesis)}`)
  const summary = run(['panel', 'summary'])
  const voted = summary.themes.flatMap(th => th.consolidated).find(c => c.id === synthesis[0]?.id)
  if (voted?.votes !== 1) problems.push(`expected the panel's vote in the summary: ${JSON.stringify(voted)}`)
  if (proposals.filter(p => p.merged_into.length === 1).length !== 3) problems.push('expected three proposals marked as merged')
  if (!exported || !existsSync(join(exported, 'proposals.csv'))) problems.push(`the app's open-data export is not at ${exported}`)
  if (problems.length) {
    failed = true
    console.error(`not ok - the store after the session: ${problems.join('; ')}`)
  } else {
    console.log('ok - the real app: sample loaded, 3 proposals in 2 sub-groups, XSS inert, clock started and paused, merge, panel mark and vote, projector, summary with alike proposals across themes and its PDF, open data exported, store checked by the CLI')
  }
}
removeDirs(dataDir)
console.log(failed ? '0 passed, 1 failed' : '1 passed, 0 failed')
process.exit(failed ? 1 : 0)
