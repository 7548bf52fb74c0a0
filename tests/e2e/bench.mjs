// The desktop app's benchmark (figures in the README): cold start to a focused capture box,
// memory (PSS and RSS) with the full event workload loaded, the time from a keystroke's
// edit being sent to it being saved (the command's round trip), and how the window keeps
// painting and answering during each export, a bundle import and a first sync, in the real
// app under Xvfb.
//
//   cargo build --release -p recolte-app -p recolte-bench -p recolte-cli
//   xvfb-run -a node tests/e2e/bench.mjs --app target/release/recolte-app --bench target/release/recolte-bench --cli target/release/recolte
//     (needs xdotool: the bundle import goes through the system's open dialog; the command line
//     makes the organiser's token and runs a real hub on 127.0.0.1 for the first sync)
//     [--runs N] [--store DIR: a copy of an existing store instead of the workload] [--env KEY=VALUE: for the app, repeatable]
//     [--breakdown: each process's PSS by mapping (libraries, heap, anonymous), its largest first]
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Driver, fillFileDialog, removeDirs, stop } from './driver.mjs'
import { startHub } from './hub.mjs'

const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback)
const app = resolve(arg('--app', 'target/release/recolte-app'))
const bench = resolve(arg('--bench', 'target/release/recolte-bench'))
const cli = resolve(arg('--cli', 'target/release/recolte'))
const runs = Number(arg('--runs', '5'))
// `--env KEY=VALUE` (repeatable): an environment for the app, to measure a WebKit setting.
const extraEnv = Object.fromEntries(process.argv.flatMap((a, i) => (a === '--env' ? [process.argv[i + 1].split('=')] : [])))
// `--store DIR`: measure on an existing store instead of the full event workload.
const given = arg('--store', null)
const breakdown = process.argv.includes('--breakdown')

// The run changes its store (an event is added, a hub set): a given store is copied first.
const dataDir = mkdtempSync(join(tmpdir(), 'recolte-bench-app-'))
if (given) cpSync(resolve(given), dataDir, { recursive: true })
else console.log(execFileSync(bench, ['workload', dataDir], { encoding: 'utf8' }).trim())

// A home of its own: the exports land in its Documents folder, not in the developer's.
const home = mkdtempSync(join(tmpdir(), 'recolte-bench-home-'))
// The venue's hub, empty: the app's first sync sends it the whole event while the window is
// watched, with an organiser's token made from the event's key in the store.
const recolte = args => execFileSync(cli, ['--data-dir', dataDir, ...args], { encoding: 'utf8' }).trim()
const { id: eventId, public_key: eventKey } = JSON.parse(recolte(['--json', 'event', 'show']))
const token = recolte(['token', 'create', '--role', 'organiser', '--event', eventId])
// A USB key from another device of the same event, with one proposal this one lacks: merged
// into the event the window shows, every document of it read and merged.
const elsewhere = mkdtempSync(join(tmpdir(), 'recolte-bench-usb-'))
cpSync(dataDir, elsewhere, { recursive: true })
const other = args => execFileSync(cli, ['--data-dir', elsewhere, ...args], { encoding: 'utf8' }).trim()
const firstSession = JSON.parse(other(['--json', 'session', 'list', '--theme', '1']))[0].id
other(['proposal', 'add', '--session', firstSession, '--title', 'Venue d’une clé USB'])
const sameEvent = join(elsewhere, 'meme-evenement.rclt')
other(['bundle', 'export', '--out', sameEvent])
const hubDir = mkdtempSync(join(tmpdir(), 'recolte-bench-hub-'))
const hub = await startHub(cli, hubDir, eventKey)
process.on('exit', () => hub.process.kill()) // a failed run leaves no hub behind
// A USB key's bundle: the full workload of another event, imported while the window is watched.
const bundle = join(home, 'autre-atelier.rclt')
console.log(execFileSync(bench, ['workload-bundle', bundle], { encoding: 'utf8' }).trim())
// French, as the other end-to-end tests: the file dialog is found by its French title.
const driver = new Driver({ RECOLTE_DATA_DIR: dataDir, HOME: home, LANG: 'fr_FR.UTF-8', ...extraEnv }, { quiet: true })
await driver.ready()

/** Memory (MiB) of the app and the WebKit processes it started: resident (RSS) and
 * proportional (PSS: shared pages counted once across the processes, what they cost together). */
function memory() {
  let total = 0
  let pss = 0
  const ours = []
  for (const { pid, program } of running(['recolte-app', 'WebKitWebProcess', 'WebKitNetworkProcess'])) {
    try {
      const rss = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024
      const proportional = Number(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+)/m)?.[1] ?? 0) / 1024
      total += rss
      pss += proportional
      ours.push(`${program} ${rss.toFixed(0)} RSS / ${proportional.toFixed(0)} PSS`)
      if (breakdown) console.log(`${program}: ${byMapping(pid)}`)
    } catch {}
  }
  return { total, pss, detail: ours.join(', ') }
}

/** The running processes of these programs (a process may end while it is read: skipped). */
function running(programs) {
  return readdirSync('/proc').filter(d => /^\d+$/.test(d)).flatMap(pid => {
    try {
      const program = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0].split('/').pop()
      return programs.includes(program) ? [{ pid, program }] : []
    } catch { return [] }
  })
}

/** A process's PSS (MiB) by what is mapped: a file's name, or [heap], [anon], [stack]… */
function byMapping(pid) {
  const sizes = new Map()
  let mapping = null
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const head = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/)
    if (head) mapping = head[1].startsWith('/') ? head[1].split('/').pop() : head[1] || '[anon]'
    const pss = line.match(/^Pss:\s+(\d+)/)
    if (pss) sizes.set(mapping, (sizes.get(mapping) ?? 0) + Number(pss[1]) / 1024)
  }
  return [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([name, mib]) => `${name} ${mib.toFixed(1)}`).join(', ')
}

/** When the running app's process started (ms since the epoch, to about 10 ms): the kernel
 * counts a process's start in clock ticks since boot, and /proc/uptime says when boot was. */
function appStartedAt() {
  const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000
  const bootedAt = Date.now() - uptime
  const starts = running(['recolte-app']).flatMap(({ pid }) => {
    try {
      // Field 22 of /proc/PID/stat (the 20th after the command name, which may hold spaces).
      const ticks = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').pop().trim().split(' ')[19])
      return [bootedAt + ticks * 10] // USER_HZ: 100 ticks a second on Linux
    } catch { return [] }
  })
  if (starts.length !== 1) throw new Error(`expected one running recolte-app, found ${starts.length}`)
  return starts[0]
}

// A warm-up start, not measured: the first time an event is opened on a device, the app opens
// where its holder works (the organiser's screen for the device that holds the event's key);
// every later start opens on the capture screen, which is what is measured.
{
  await driver.open(app)
  for (let waited = 0; !(await driver.script(`return !!document.querySelector('nav .tab[data-screen=capture]')`).catch(() => false)); waited += 50) {
    if (waited > 60000) throw new Error('the warm-up start never showed the screens')
    await new Promise(r => setTimeout(r, 50))
  }
  await driver.script(`document.querySelector('nav .tab[data-screen=capture]').click()`)
  await new Promise(r => setTimeout(r, 1000))
  await driver.closeApp()
}
const starts = []
const ownStarts = []
const pageStarts = []
let rss = null
let saves = []
const stalls = []
const screens = []
for (let run = 0; run < runs; run++) {
  const begin = performance.now()
  const session = await driver.open(app)
  const exec = (script, args = []) => driver.script(script, args)
  for (let waited = 0; ; waited += 10) {
    const focused = await exec(`return document.activeElement && document.activeElement.id`).catch(() => null)
    if (focused === 'capture-title') break
    if (waited > 60000) {
      const shown = await exec(`return document.body.innerText.slice(0, 300)`).catch(() => '')
      throw new Error(`the capture box never took the focus (focused: ${focused}); the window shows: ${shown}`)
    }
    await new Promise(r => setTimeout(r, 10))
  }
  starts.push(performance.now() - begin)
  ownStarts.push(Date.now() - appStartedAt())
  // The page's own clock starts when WebKit begins loading it: what the page itself took.
  pageStarts.push(await exec(`const [nav] = performance.getEntriesByType('navigation');
    return { focused: performance.now(), parsed: nav ? nav.domInteractive : null,
      marks: performance.getEntriesByType('mark').filter(m => m.name.startsWith('recolte:')).map(m => [m.name.slice(8), m.startTime]) }`))
  if (run === runs - 1) {
    // Visit every screen once with the full workload, then measure memory.
    for (const tab of ['synthesis', 'panel', 'capture']) {
      await exec(`document.querySelector('nav .tab[data-screen=${tab}]').click()`)
      await new Promise(r => setTimeout(r, 1000))
      screens.push({ tab, ...await exec(`return { nodes: document.getElementsByTagName('*').length, height: document.scrollingElement.scrollHeight }`) })
    }
    rss = memory()
    // Keystroke to saved: 300 edits of a card's text, each a command round trip.
    saves = await driver.call('POST', `/session/${session}/execute/async`, {
      script: `const done = arguments[arguments.length - 1];
        (async () => {
          const invoke = window.__TAURI_INTERNALS__.invoke;
          const id = document.querySelector('.cards .proposal').dataset.id;
          let text = '';
          const times = [];
          for (let i = 0; i < 300; i++) {
            text += 'abcdefghij'[i % 10];
            const t0 = performance.now();
            await invoke('proposal_edit', { id, changes: { body: text } });
            times.push(performance.now() - t0);
          }
          done(times);
        })();`,
      args: [],
    })
    // The window during long work: each export runs while the page counts the longest gap
    // between two painted frames and the slowest round trip of a store read (the command
    // the screens call most), both of which a busy window thread would stretch.
    await driver.call('POST', `/session/${session}/timeouts`, { script: 600000 })
    // The bundle is chosen in the system's open dialog first; being another event's, it is
    // refused until the person says to add it, and that second step, which does the whole
    // import without a dialog, is what is watched.
    await exec(`window.__chosen = null;
      window.__TAURI_INTERNALS__.invoke('bundle_import', { addEvent: false })
        .then(() => { window.__chosen = 'imported' }, e => { window.__chosen = e.code ?? String(e) })`)
    await fillFileDialog('Importer un paquet', bundle, 'ctrl+l')
    for (let waited = 0; ; waited += 100) {
      const chosen = await exec(`return window.__chosen`)
      if (chosen === 'other_event') break
      if (chosen !== null || waited > 30000) throw new Error(`the bundle chosen in the dialog: ${chosen}`)
      await new Promise(r => setTimeout(r, 100))
    }
    const work = {
      idle: `new Promise(r => setTimeout(() => r(null), 1000))`,
      import: `invoke('bundle_import', { addEvent: true }).then(() => null, e => e.message ?? String(e))`,
      // Until the status says every document of the event is on the hub.
      sync: `invoke('sync_configure', { hub: ${JSON.stringify(hub.url)}, token: ${JSON.stringify(token)} }).then(async () => {
        for (;;) {
          const s = await invoke('sync_status');
          if (s.error) return JSON.stringify(s.error);
          if (s.documents > 0 && s.up_to_date === s.documents && s.unshared === 0) return null;
          await new Promise(r => setTimeout(r, 10));
        }
      }, e => e.message ?? String(e))`,
    }
    // 'merge' is chosen in the dialog while it is watched: the dialog's time counts in what it took.
    work.merge = `invoke('bundle_import', { addEvent: false }).then(r => r && r.changed > 0 ? null : JSON.stringify(r), e => e.message ?? String(e))`
    for (const kind of ['idle', 'report', 'opendata', 'decidim-captured', 'import', 'merge', 'sync']) {
      const job = work[kind] ?? `invoke('export_write', { event, kind: '${kind}', theme: null }).then(() => null, e => e.message ?? String(e))`
      const watched = driver.call('POST', `/session/${session}/execute/async`, {
        script: `const done = arguments[arguments.length - 1];
          (async () => {
            const invoke = window.__TAURI_INTERNALS__.invoke;
            const event = (await invoke('events_list')).find(e => !e.practice).id;
            let running = true, frame = 0, last = performance.now();
            const tick = now => { frame = Math.max(frame, now - last); last = now; if (running) requestAnimationFrame(tick) };
            requestAnimationFrame(tick);
            // A read of the store and a keystroke's edit, every 16 ms.
            const id = document.querySelector('.cards .proposal').dataset.id;
            const reads = [], edits = [];
            const reader = (async () => {
              for (let i = 0; running; i++) {
                let t0 = performance.now();
                await invoke('events_list');
                reads.push(performance.now() - t0);
                t0 = performance.now();
                await invoke('proposal_edit', { id, changes: { body: 'pendant le travail long ' + i } });
                edits.push(performance.now() - t0);
                await new Promise(r => setTimeout(r, 16));
              }
            })();
            const t0 = performance.now();
            // 'idle': the same watch for one second with nothing running, to compare with.
            const failed = await ${job};
            const took = performance.now() - t0;
            running = false;
            await reader;
            done({ took, frame, read: Math.max(...reads), edit: Math.max(...edits), reads: reads.length, failed });
          })();`,
        args: [],
      })
      if (kind === 'merge') await fillFileDialog('Importer un paquet', sameEvent, 'ctrl+l')
      stalls.push({ kind, ...await watched })
    }
  }
  if (run === runs - 1) {
    const events = await exec(`return window.__TAURI_INTERNALS__.invoke('events_list')`)
    if (events.filter(e => !e.practice).length !== 2) throw new Error(`after the import, the window lists ${JSON.stringify(events.map(e => e.name))}`)
  }
  await driver.closeApp()
}
await driver.quit()
await stop(hub.process)
removeDirs(dataDir, home, hubDir, elsewhere)

const sorted = values => [...values].sort((a, b) => a - b)
const pct = (values, p) => sorted(values)[Math.round((values.length - 1) * p)]
console.log('| measure | result |')
console.log('|---|---|')
console.log(`| cold start to a focused capture box, full event workload in the store (median of ${runs}, WebDriver session included) | ${pct(starts, 0.5).toFixed(0)} ms |`)
console.log(`| the app's own start: its process started to a focused capture box (median of ${runs}; /proc's clock, 10 ms steps, and the 10 ms poll) | ${pct(ownStarts, 0.5).toFixed(0)} ms |`)
console.log(`| the screens' own size, elements / page height in CSS pixels | ${screens.map(({ tab, nodes, height }) => `${tab} ${nodes} / ${height} px`).join(', ')} |`)
console.log(`| of which the page: its load began to its document parsed / to the focused capture box (median of ${runs}; the page's clock) | ${pct(pageStarts.map(p => p.parsed), 0.5).toFixed(0)} ms / ${pct(pageStarts.map(p => p.focused), 0.5).toFixed(0)} ms |`)
const marks = new Map()
for (const { marks: seen } of pageStarts) for (const [name, at] of seen) marks.set(name, [...(marks.get(name) ?? []), at])
console.log(`| the page's steps on that clock (the UI's performance marks, median of ${runs}) | ${[...marks].map(([name, at]) => `${name} ${pct(at, 0.5).toFixed(0)} ms`).join(', ')} |`)
console.log(`| memory after visiting the three screens (app + WebKit processes), PSS / RSS | ${rss.pss.toFixed(0)} MiB / ${rss.total.toFixed(0)} MiB (${rss.detail}) |`)
for (const { kind, took, frame, read, edit, reads, failed } of stalls) {
  if (failed) throw new Error(`the ${kind} failed: ${failed}`)
  const what = {
    idle: 'idle, for comparison',
    import: 'during the import of a bundle of another event of 1,728 proposals, added as an event',
    merge: 'while a bundle of the same event, chosen in the open dialog, is merged (48 documents, one new proposal)',
    sync: 'during the first sync of the whole event (48 documents, 1,728 proposals) to an empty hub on 127.0.0.1',
  }[kind] ?? `during a ${kind} export`
  console.log(`| ${what} (${took.toFixed(0)} ms): longest gap between painted frames / slowest of ${reads} store reads / slowest of as many edits | ${frame.toFixed(0)} ms / ${read.toFixed(0)} ms / ${edit.toFixed(0)} ms |`)
}
console.log(`| keystroke edit sent to saved (command round trip, 300 edits; WebKit's clock has 1 ms steps), median / p99 | ${pct(saves, 0.5).toFixed(0)} ms / ${pct(saves, 0.99).toFixed(0)} ms |`)
