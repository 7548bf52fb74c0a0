// A small WebDriver client for the real app: tauri-driver (with Debian's WebKitWebDriver)
// started on a free port with the environment the app must see. Shared by the end-to-end
// tests and the app's benchmark.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'
/** Stops helper processes and waits until they have exited (a hard kill after 10 s), so that
 * none still has a file open under a test's folder when the folder is removed. */
export async function stop(...children) {
  await Promise.all(children.filter(Boolean).map(child => new Promise(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    const hard = setTimeout(() => child.kill('SIGKILL'), 10000)
    child.once('exit', () => { clearTimeout(hard); resolve() })
    child.kill()
  })))
}

/** Removes a test's folders. One that something still writes to (a WebKit process closing
 * late) is left behind with a warning: what the test checked is already decided. */
export function removeDirs(...dirs) {
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 })
    } catch (error) {
      console.error(`warning: ${dir} left behind (${error.code ?? error.message})`)
    }
  }
}

export const ENTER = '\uE007'
/** Holds Control for the keys after it, until NULL releases it. */
export const CONTROL = '\uE009'
export const NULL = '\uE000'
const sleep = ms => new Promise(r => setTimeout(r, ms))

/** Types `path` into the system's file dialog titled `title` as a person would, once it is
 * there (several apps may share the display: found by its title, then focused), and confirms.
 * `select` is the key that readies the path box: `ctrl+a` in a save dialog's name, `ctrl+l`
 * for an open dialog's location. Needs xdotool. */
export async function fillFileDialog(title, path, select) {
  const xdotool = args => execFileSync('xdotool', args, { env: process.env, encoding: 'utf8' })
  let dialog = ''
  for (const until = Date.now() + 20000; dialog === ''; await sleep(100)) {
    try {
      dialog = xdotool(['search', '--onlyvisible', '--name', title]).trim().split('\n')[0]
    } catch (error) {
      if (error.code === 'ENOENT') throw new Error('xdotool is needed to fill the system\'s file dialog')
      dialog = ''
    }
    if (dialog === '' && Date.now() > until) throw new Error(`timed out waiting for the "${title}" dialog`)
  }
  await sleep(500) // GTK fills the suggested name in, and settles, after the window maps
  xdotool(['windowfocus', '--sync', dialog])
  xdotool(['key', '--clearmodifiers', select])
  await sleep(500) // an open dialog's location box appears after the key
  xdotool(['type', '--delay', '20', path])
  await sleep(800) // and completes what was typed before it takes Enter as the choice
  xdotool(['key', 'Return'])
}

export class Driver {
  /** Starts tauri-driver; `env` is added to this process's environment for the app. */
  constructor(env, { quiet = false } = {}) {
    this.env = env
    this.quiet = quiet
    this.session = null
    this.start()
  }

  start() {
    // Two ports of our own (the native WebDriver's too): two apps can be driven at once.
    this.port = 4446 + 2 * Math.floor(Math.random() * 2000)
    this.base = `http://127.0.0.1:${this.port}`
    const args = ['--port', String(this.port), '--native-port', String(this.port + 1)]
    this.process = spawn(process.env.TAURI_DRIVER ?? join(homedir(), '.cargo/bin/tauri-driver'), args, {
      env: { ...process.env, ...this.env },
      stdio: this.quiet ? 'ignore' : ['ignore', 'inherit', 'inherit'],
    })
  }

  // Every request has a deadline: a WebKitWebDriver that stopped answering fails the test by
  // name, and the session's cleanup still runs, instead of holding the whole run.
  async call(method, path, body, timeout = 120000) {
    const response = await fetch(this.base + path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(timeout),
    }).catch(error => {
      throw error.name === 'TimeoutError' ? new Error(`${method} ${path}: WebKitWebDriver did not answer within ${timeout / 1000} s`) : error
    })
    const json = await response.json().catch(() => ({}))
    if (!response.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json)}`)
    return json.value
  }

  // tauri-driver accepts connections before it is ready: poll its status (bounded). One that
  // exited or never answered (a port another program took, a start slower than 20 s on a busy
  // machine) is started again on other ports, twice at most.
  async ready() {
    for (let attempt = 1; attempt <= 3; attempt++) {
      for (let i = 0; i < 200 && this.process.exitCode === null && this.process.signalCode === null; i++) {
        try {
          if (await this.call('GET', '/status')) return
        } catch {}
        await sleep(100)
      }
      const how = this.process.exitCode ?? this.process.signalCode ?? 'still running, not answering'
      console.error(`tauri-driver on port ${this.port} did not start (${how}), attempt ${attempt} of 3`)
      await stop(this.process)
      if (attempt < 3) this.start()
    }
    throw new Error('tauri-driver did not start')
  }

  /** Starts the app; returns once WebDriver has a window. */
  async open(application) {
    this.session = (await this.call('POST', '/session', { capabilities: { alwaysMatch: { 'tauri:options': { application } } } })).sessionId
    return this.session
  }

  /** Closes the app (the driver stays up for another `open`). */
  async closeApp() {
    if (this.session) await this.call('DELETE', `/session/${this.session}`).catch(() => {})
    this.session = null
  }

  async quit() {
    await this.closeApp()
    await stop(this.process)
  }

  async find(css, timeout = 30000) {
    const until = Date.now() + timeout
    for (;;) {
      try {
        const found = await this.call('POST', `/session/${this.session}/element`, { using: 'css selector', value: css })
        return found[ELEMENT]
      } catch (error) {
        if (Date.now() > until) throw new Error(`no element ${css}: ${error.message}`)
        await sleep(100)
      }
    }
  }

  async findAll(css) {
    return (await this.call('POST', `/session/${this.session}/elements`, { using: 'css selector', value: css })).map(e => e[ELEMENT])
  }

  async clickElement(element) {
    return this.call('POST', `/session/${this.session}/element/${element}/click`, {})
  }

  async click(css) {
    // Screens redraw when the store changes (a sync arriving): an element found a moment ago
    // may have been replaced; find it again.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.clickElement(await this.find(css))
      } catch (error) {
        if (attempt >= 4 || !String(error.message).includes('stale element')) throw error
        await sleep(100)
      }
    }
  }

  async type(css, text) {
    // As for a click: the element may have been redrawn between finding it and typing (the
    // lookup fails before any key is sent, so typing again sends nothing twice).
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.call('POST', `/session/${this.session}/element/${await this.find(css)}/value`, { text })
      } catch (error) {
        if (attempt >= 4 || !String(error.message).includes('stale element')) throw error
        await sleep(100)
      }
    }
  }

  async property(element, name) {
    return this.call('GET', `/session/${this.session}/element/${element}/property/${name}`)
  }

  async script(source, args = []) {
    return this.call('POST', `/session/${this.session}/execute/sync`, { script: source, args })
  }

  /** Waits until `predicate` gives something true, and gives it back. */
  async waitFor(what, predicate, timeout = 30000) {
    const until = Date.now() + timeout
    let value
    while (!(value = await predicate())) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
      await sleep(100)
    }
    return value
  }

  /** The window's inner size, as `WIDTHxHEIGHT`. */
  size() {
    return this.script('return `${window.innerWidth}x${window.innerHeight}`')
  }

  /** Waits, after the window was asked to enter or leave full screen, until its size is no
   * longer `before` (for 5 s at most: the window may already have that size) and then has
   * kept its size for a second, so that what is checked and pictured next is its final layout. */
  async settled(before, timeout = 15000) {
    const until = Date.now() + timeout
    const changeBy = Date.now() + 5000
    let last = before
    let since = Date.now()
    for (;;) {
      const size = await this.size()
      if (size !== last) [last, since] = [size, Date.now()]
      else if (Date.now() - since >= 1000 && (size !== before || Date.now() > changeBy)) return
      if (Date.now() > until) throw new Error(`timed out waiting for the window to keep its size (${last})`)
      await sleep(100)
    }
  }

  /** Whether a JavaScript dialog (alert, confirm) is open: a payload that ran would open one. */
  async alertOpen() {
    try {
      await this.call('GET', `/session/${this.session}/alert/text`)
      return true
    } catch {
      return false
    }
  }

  async screenshot(dir, name) {
    if (!dir) return
    mkdirSync(dir, { recursive: true })
    // Without GPU compositing (the app's setting), WebKitWebDriver's screenshot of a page that
    // did not change waited forever in about half the runs of app.mjs, full screen or not; it
    // answers once the page paints again. So the page repaints its edge, invisibly, for the
    // next two seconds (then every real-app test passed, 9 runs of app.mjs in 9).
    await this.script(`let n = 0
      const tick = setInterval(() => {
        document.documentElement.style.outline = n % 2 ? '' : '1px solid rgba(0, 0, 0, 0.004)'
        if (++n === 20) { clearInterval(tick); document.documentElement.style.outline = '' }
      }, 100)`)
    const png = await this.call('GET', `/session/${this.session}/screenshot`, undefined, 30000)
    writeFileSync(join(dir, `${name}.png`), Buffer.from(png, 'base64'))
  }
}
