// The rapporteur's screen with 2,000 proposals in a theme (ten times the Assises' size), in
// headless Chromium on the in-memory backend: how long each interaction takes, from the
// event to the next painted frame. Its own command, never a timed test:
//
//   npm run build:test && npm run bench        (from ui/)
import { launch, serve } from './serve.mjs'

const { server, base } = await serve()
const browser = await launch()
const page = await browser.newPage({ viewport: { width: 1280, height: 820 } })
await page.goto(`${base}/mock.html?event=organiser&seed=theme2000`)
await page.waitForSelector('nav .tab')

/** Runs `action` in the page and measures until the frame after it is painted (ms). */
async function timed(action) {
  return page.evaluate(async source => {
    const start = performance.now()
    await new Function(`return (async () => { ${source} })()`)()
    await new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)))
    return performance.now() - start
  }, action)
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const rows = []
const open = await timed(`
  [...document.querySelectorAll('nav .tab')].find(b => b.textContent === 'Synthèse').click()
  for (let i = 0; i < 200 && document.querySelectorAll('.proposal-row').length < 2000; i++) await new Promise(r => setTimeout(r, 10))
`)
const count = await page.evaluate(() => document.querySelectorAll('.proposal-row').length)
rows.push([`open the Synthèse screen (${count} proposals listed)`, open])

const change = (selector, value) => `
  const field = document.querySelector('${selector}'); field.value = '${value}'; field.dispatchEvent(new Event('change'))`
const toggle = selector => `const box = document.querySelector('${selector}'); box.checked = !box.checked; box.dispatchEvent(new Event('change'))`
const measures = {
  'filter by sub-group (Groupe B), then back to all': [change('#filter-subgroup', 'Groupe B'), change('#filter-subgroup', '')],
  'filter by kind (Frein), then back to all': [change('#filter-kind', 'obstacle'), change('#filter-kind', '')],
  '"Pas encore traitées" on, then off': [toggle('#filter-untreated'), toggle('#filter-untreated')],
  'compact list on, then off': [toggle('#compact-list'), toggle('#compact-list')],
  'scroll the list by one screen': ['window.scrollBy(0, 800)', 'window.scrollBy(0, -800)'],
}
for (const [name, [forth, back]] of Object.entries(measures)) {
  const times = []
  for (let i = 0; i < 5; i++) {
    times.push(await timed(forth))
    times.push(await timed(back))
  }
  rows.push([`${name} (median of 10)`, median(times)])
}
console.log(`| rapporteur's screen, 2,000 proposals in a theme, headless Chromium ${browser.version()} | ms |`)
console.log('|---|---|')
for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(1)} |`)
await browser.close()
server.close()
