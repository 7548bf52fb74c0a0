// The built interface (dist-test, in-memory backend) in headless Chromium: the three screens
// driven with the keyboard, an accessibility scan with axe-core on each, and screenshots.
//
//   npm run build:test && node tests/browser.mjs [--screenshots DIR]
import http from 'node:http'
import { readFile, mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)
const root = fileURLToPath(new URL('../dist-test/', import.meta.url))
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8')
const shotsAt = process.argv.includes('--screenshots') ? process.argv[process.argv.indexOf('--screenshots') + 1] : null
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' }

const server = http.createServer(async (request, response) => {
  const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^\/+/, '')
  try {
    const body = await readFile(join(root, path || 'mock.html'))
    response.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' })
    response.end(body)
  } catch {
    response.writeHead(404)
    response.end()
  }
})
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${server.address().port}`

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
})
let failures = 0
let passed = 0
async function check(name, body) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } })
  const errors = []
  page.on('pageerror', error => errors.push(String(error)))
  page.on('dialog', dialog => dialog.accept('Groupe B renommé'))
  try {
    await page.goto(`${base}/mock.html`)
    await body(page)
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`)
    console.log(`ok - ${name}`)
    passed++
  } catch (error) {
    console.log(`not ok - ${name}\n  ${String(error.stack ?? error).split('\n').join('\n  ')}`)
    failures++
  } finally {
    await page.close()
  }
}

async function axe(page, screen) {
  await page.addScriptTag({ content: axeSource })
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }))
  const serious = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
  if (serious.length) {
    throw new Error(`${screen}: ${serious.map(v => `${v.id} (${v.nodes.length}): ${v.help}`).join('; ')}`)
  }
}

async function shot(page, name) {
  if (!shotsAt) return
  await mkdir(shotsAt, { recursive: true })
  await page.screenshot({ path: join(shotsAt, `${name}.png`), fullPage: false })
}

async function loadSample(page) {
  await page.getByRole('button', { name: /Charger l’exemple/ }).click()
  await page.locator('#capture-title').waitFor()
}

async function capture(page, title, extra = async () => {}) {
  await page.keyboard.press('Alt+n')
  await page.keyboard.type(title)
  await extra()
  await page.keyboard.press('Enter')
  await page.locator('.cards .card-title').filter({ hasText: '' }).first().waitFor()
}

await check('the welcome screen is accessible and offers the sample', async page => {
  await page.getByRole('button', { name: /Charger l’exemple/ }).waitFor()
  await axe(page, 'welcome')
})

await check('a facilitator captures in two sub-groups with the keyboard alone', async page => {
  await loadSample(page)
  for (const name of ['Groupe A', 'Groupe B']) {
    await page.locator('#new-subgroup').fill(name)
    await page.locator('#new-subgroup').press('Enter')
    await page.getByRole('button', { name: new RegExp(`^${name} : 0`) }).waitFor()
  }
  await page.locator('#capture-subgroup').selectOption({ label: 'Groupe A' })
  await capture(page, 'Former les élus à l’innovation')
  await page.locator('#capture-subgroup').selectOption({ label: 'Groupe B' })
  await page.locator('#capture-kind').selectOption('concrete_action')
  await capture(page, 'Un module court pour les nouveaux élus')
  await capture(page, '<img src=x onerror=alert(1)>')
  const titles = await page.locator('.cards .card-title').evaluateAll(fields => fields.map(f => f.value))
  if (titles.length !== 3) throw new Error(`expected 3 cards, got ${titles}`)
  if (await page.locator('.cards img').count() !== 0) throw new Error('a title was rendered as HTML')
  await page.getByRole('button', { name: /^Groupe B : 2/ }).waitFor()
  if ((await page.evaluate(() => document.activeElement?.id)) !== 'capture-title') throw new Error('focus left the capture box')
  await axe(page, 'capture')
  await shot(page, 'capture')
})

await check('a rapporteur sees duplicates and merges them; the panel reviews', async page => {
  await loadSample(page)
  await capture(page, 'Former les élus à l’innovation publique')
  await capture(page, 'Former les élus aux démarches d’innovation')
  await capture(page, 'Un budget pluriannuel')
  await page.keyboard.press('Alt+2')
  await page.locator('.suggestions li.card').first().waitFor()
  await page.locator('.suggestions li.card button').first().click()
  await page.locator('#merge-title').fill('Former les élus à l’innovation')
  await page.locator('#merge-title').press('Enter')
  await page.locator('[data-consolidated]').first().waitFor()
  await page.locator('#search').fill('elus')
  await page.locator('.proposal-row').nth(1).waitFor()
  await axe(page, 'synthesis')
  await shot(page, 'synthesis')

  await page.keyboard.press('Alt+3')
  await page.locator('.review').waitFor()
  await page.getByRole('button', { name: 'À porter' }).click()
  await page.getByRole('button', { name: /Portée par le panel/ }).waitFor()
  await page.getByRole('button', { name: 'Voir la provenance' }).click()
  await page.locator('.provenance li').nth(1).waitFor()
  await page.locator('.review input').fill('À porter au niveau régional')
  await page.locator('.review input').press('Enter')
  await page.locator('.comments li').waitFor()
  const summary = await page.locator('.summary').textContent()
  if (!summary.includes('1 à porter')) throw new Error(summary)
  await axe(page, 'panel')
  await shot(page, 'panel')
})

await check('the interface switches to English', async page => {
  await loadSample(page)
  await page.keyboard.press('Alt+4')
  await page.locator('#settings-lang').selectOption('en')
  await page.locator('#settings-name').press('Enter')
  await page.getByRole('button', { name: 'Facilitation' }).waitFor()
  await axe(page, 'settings')
})

await browser.close()
server.close()
console.log(`${passed} passed, ${failures} failed`)
process.exit(failures ? 1 : 0)
