// The installed package's app, as a person starts it: /usr/bin/recolte-app under Xvfb, on an
// empty home; its window must paint the welcome screen (checked in the page and on a
// screenshot), and the data folder it made is where the platform's conventions put it.
//
//   xvfb-run -a node tests/e2e/installed.mjs --home DIR [--screenshots DIR]
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Driver } from './driver.mjs'

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback)
const home = arg('--home', null)
const shots = arg('--screenshots', null)
if (!home) throw new Error('--home DIR is required')

const driver = new Driver({ HOME: home, XDG_DATA_HOME: join(home, '.local/share'), LANG: 'fr_FR.UTF-8', RECOLTE_DATA_DIR: '' })
let failed = false
try {
  await driver.ready()
  await driver.open('/usr/bin/recolte-app')
  await driver.waitFor('the welcome screen', async () =>
    (await driver.script(`return document.getElementById('load-sample') !== null && document.body.innerText.includes('Récolte')`)), 60000)
  await new Promise(r => setTimeout(r, 500)) // the window paints a moment after the page
  await driver.screenshot(shots, 'installed-welcome')
  const about = await driver.script(`return document.title`)
  if (!about.includes('Récolte')) throw new Error(`the window is titled ${about}`)
  console.log('ok - the installed app starts from /usr/bin/recolte-app and paints the welcome screen')

  // An invitation link opened while the app is open (what the desktop entry does for a click
  // on recolte://…): the second start hands the link to the open window and exits.
  const link = 'recolte://join?v=1&e=0190a5c4-0000-7000-8000-000000000000&n=Essai&t=invalid'
  const started = Date.now()
  const second = spawnSync('/usr/bin/recolte-app', [link], {
    env: { ...process.env, HOME: home, XDG_DATA_HOME: join(home, '.local/share'), RECOLTE_DATA_DIR: '' }, timeout: 20000,
  })
  if (second.status !== 0) throw new Error(`the second start ended with ${second.status ?? second.signal}: ${second.stderr}`)
  await driver.waitFor('the link in the open window', async () =>
    (await driver.script(`return document.getElementById('invite-link')?.value ?? ''`)) === link, 10000)
  console.log(`ok - a link opened while the app runs goes to its window (the second start left after ${Date.now() - started} ms)`)
} catch (error) {
  failed = true
  console.error(`not ok - the installed app: ${error.message}`)
  await driver.screenshot(shots, 'installed-failure').catch(() => {})
} finally {
  await driver.quit()
}
const store = join(home, '.local/share/recolte/recolte.sqlite')
if (!failed && !existsSync(store)) {
  failed = true
  console.error(`not ok - no store where the platform keeps data: ${store}`)
}
console.log(failed ? '0 passed, 1 failed' : '1 passed, 0 failed')
process.exit(failed ? 1 : 0)
