// The real app started on a store it cannot open (a file another program wrote where the
// store lives): it shows a message box that says why, in French, and where the data folder is
// — started from a menu, nothing reads what it writes to a terminal — and leaves the file as
// it was once the box is closed.
//
//   xvfb-run -a node tests/e2e/unopenable.mjs --app target/debug/recolte-app [--screenshots DIR]
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { randomBytes } from 'node:crypto'

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback)
const app = resolve(arg('--app', 'target/debug/recolte-app'))
const shots = arg('--screenshots', null)
// python-xlib, to photograph the screen and close the box (scripts/test.sh installs it).
const python = process.env.RECOLTE_VALIDATORS ? join(process.env.RECOLTE_VALIDATORS, 'bin/python') : 'python3'
const sleep = ms => new Promise(r => setTimeout(r, ms))

const work = mkdtempSync(join(tmpdir(), 'recolte-unopenable-'))
const store = join(work, 'store')
mkdirSync(store)
const file = join(store, 'recolte.sqlite')
const garbage = randomBytes(8192)
writeFileSync(file, garbage)

let failed = false
const started = spawn(app, [], { env: { ...process.env, RECOLTE_DATA_DIR: store, HOME: work, LANG: 'fr_FR.UTF-8' }, stdio: ['ignore', 'ignore', 'pipe'] })
let stderr = ''
started.stderr.on('data', chunk => { stderr += chunk })
const exited = new Promise(done => started.on('exit', code => done(code)))
try {
  // Before, the app wrote the reason to its standard error and quit: no window at all.
  let box = ''
  for (let waited = 0; !box; waited += 250) {
    if (started.exitCode !== null) throw new Error(`the app quit (${started.exitCode}) without a window; it said: ${stderr}`)
    if (waited > 30000) throw new Error('no message box after 30 s')
    await sleep(250)
    try {
      box = execFileSync('xdotool', ['search', '--name', '^Récolte$'], { encoding: 'utf8' }).trim()
    } catch {} // none yet
  }
  if (!stderr.includes("ce fichier n'est pas un stockage Récolte lisible")) throw new Error(`the reason, on the terminal: ${stderr}`)
  if (shots) {
    mkdirSync(shots, { recursive: true })
    await sleep(500) // drawn
    execFileSync(python, [resolve('tests/e2e/x-shot.py'), join(shots, 'unopenable.png')])
  }
  // Closed as a window manager's close button does; the app then quits, with a failure.
  execFileSync(python, [resolve('tests/e2e/wm-close.py'), 'Récolte'], { input: '\n' })
  const code = await Promise.race([exited, sleep(15000).then(() => 'still running')])
  if (code !== 1) throw new Error(`after the box, the app ended with ${code}`)
  if (!readFileSync(file).equals(garbage)) throw new Error('the file it could not open was changed')
  console.log('ok: a store that cannot be opened is said in a message box, and left as it was')
} catch (error) {
  failed = true
  console.error('FAIL:', error.message)
} finally {
  if (started.exitCode === null) started.kill('SIGKILL')
  rmSync(work, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
