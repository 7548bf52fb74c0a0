// The built interface (dist-test, in-memory backend) in headless Chromium: the screens
// driven with the keyboard (AZERTY key events too), joining with an invitation link, the
// Organisation screen, the sync status, an accessibility scan with axe-core on each, and
// screenshots (into tests/screenshots/ unless told otherwise).
//
//   npm run build:test && node tests/browser.mjs [--screenshots DIR]
//   ONLY='projector' node tests/browser.mjs   (only the checks whose name holds these words)
import { readFile, mkdir } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { launch, serve } from './serve.mjs'

const require = createRequire(import.meta.url)
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8')
const shotsAt = process.argv.includes('--screenshots') ? process.argv[process.argv.indexOf('--screenshots') + 1]
  : fileURLToPath(new URL('./screenshots/', import.meta.url))

const { server, base } = await serve()
const browser = await launch()
let failures = 0
let passed = 0
async function check(name, body, query = '') {
  // ONLY=words runs only the checks whose name holds them (while working on a screen).
  if (process.env.ONLY && !name.includes(process.env.ONLY)) return
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } })
  const errors = []
  page.on('pageerror', error => errors.push(String(error)))
  // window.alert / confirm / prompt are never used: some webviews do not show them.
  page.on('dialog', dialog => { errors.push(`a native ${dialog.type()} opened: ${dialog.message()}`); void dialog.dismiss() })
  try {
    await page.goto(`${base}/mock.html${query}`)
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

async function shot(page, name, options = {}) {
  if (!shotsAt) return
  await mkdir(shotsAt, { recursive: true })
  await page.screenshot({ path: join(shotsAt, `${name}.png`), fullPage: false, ...options })
}

async function loadSample(page) {
  await page.getByRole('button', { name: /Essayer avec un événement d’exercice/ }).click()
  await page.locator('#capture-title').waitFor()
}

async function capture(page, title, extra = async () => {}) {
  await page.keyboard.press('Alt+n')
  await page.keyboard.type(title)
  await extra()
  await page.keyboard.press('Enter')
  await page.locator('.cards .card-title').filter({ hasText: '' }).first().waitFor()
}

await check('the welcome screen is accessible, joins first, and offers the practice event', async page => {
  await page.getByRole('button', { name: /Essayer avec un événement d’exercice/ }).waitFor()
  if ((await page.evaluate(() => document.activeElement?.id)) !== 'invite-link') throw new Error('the invitation link is not the first choice')
  if (await page.locator('#join-hub').isVisible()) throw new Error('the hub and token form should be folded')
  await axe(page, 'welcome')
  // The language is chosen before any event.
  await page.locator('#welcome-lang').click()
  await page.getByRole('button', { name: /Try with a practice event/ }).waitFor()
  await page.locator('#welcome-lang', { hasText: 'Français' }).waitFor()
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
  await page.getByRole('button', { name: 'À porter', pressed: true }).waitFor()
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

await check('a rapporteur keeps typing in a consolidated proposal while it saves, and filters by keyboard', async page => {
  await loadSample(page)
  await capture(page, 'Former les élus à l’innovation publique')
  await capture(page, 'Former les élus aux démarches d’innovation')
  await page.keyboard.press('Alt+2')
  await page.locator('.suggestions li.card button').first().click()
  await page.locator('#merge-title').press('Enter')
  const title = page.locator('[data-consolidated] .card-title').first()
  await title.waitFor()
  await title.focus()
  await page.keyboard.press('End')
  await page.keyboard.type(' abc ')
  // The save (300 ms after the last key) comes back as a change and redraws the screen; the
  // store trims what it saves, and the space just typed must stay for the next word.
  await page.waitForTimeout(1200)
  await page.keyboard.type('def')
  const value = await title.inputValue()
  if (!value.endsWith(' abc def')) throw new Error(`keystrokes lost across a save: « ${value} »`)
  if (!(await title.evaluate(field => field === document.activeElement))) throw new Error('the title lost the focus')
  await page.locator('#filter-kind').focus()
  await page.keyboard.press('ArrowDown')
  if ((await page.evaluate(() => document.activeElement?.id)) !== 'filter-kind') throw new Error('a filter lost the focus when it changed')
  await page.locator('#filter-untreated').focus()
  await page.keyboard.press('Space')
  if ((await page.evaluate(() => document.activeElement?.id)) !== 'filter-untreated') throw new Error('the box lost the focus when ticked')
})

await check('the keyboard stays where it was: tabs, shortcuts, sub-group filters, organisation parts', async page => {
  await page.locator('#capture-title').waitFor()
  await page.locator('[data-screen=synthesis]').focus()
  await page.keyboard.press('Enter')
  await page.locator('#proposals-heading').waitFor()
  if ((await page.evaluate(() => document.activeElement?.dataset.screen)) !== 'synthesis') throw new Error('Enter on a tab lost the focus')
  await page.keyboard.press('Alt+3')
  await page.locator('.stage').waitFor()
  if ((await page.evaluate(() => document.activeElement?.id)) !== 'main') throw new Error('Alt+3 left the keyboard outside the screen')
  await page.keyboard.press('Alt+1')
  await page.locator('#new-subgroup').fill('Groupe A')
  await page.locator('#new-subgroup').press('Enter')
  const filter = page.getByRole('button', { name: /^Groupe A : 0/ })
  await filter.focus()
  await page.keyboard.press('Enter')
  await page.locator('[data-focus^="group-filter:"][aria-pressed=true]', { hasText: 'Groupe A' }).waitFor()
  if (!(await page.evaluate(() => document.activeElement?.dataset.focus?.startsWith('group-filter:')))) throw new Error('a sub-group filter lost the focus')
  await page.getByRole('button', { name: 'Organisation' }).click()
  await page.locator('[data-org-tab=room]').focus()
  await page.keyboard.press('Enter')
  await page.locator('[data-org-tab=room][aria-current=true]').waitFor()
  if ((await page.evaluate(() => document.activeElement?.dataset.orgTab)) !== 'room') throw new Error('an organisation part lost the focus')
}, '?event=organiser')

await check('the interface switches to English', async page => {
  await loadSample(page)
  await page.getByRole('button', { name: 'Réglages' }).click()
  await page.locator('#settings-lang').selectOption('en')
  await page.locator('#settings-name').press('Enter')
  await page.getByRole('button', { name: 'Facilitation' }).waitFor()
  await axe(page, 'settings')
})

const inDays = days => new Date(Date.now() + days * 86_400_000).toISOString()
/** A link as the mock backend reads it (the real format is the backend's business). */
const soon = inDays(3)
function link({ role = 'facilitator', sessions = [0], themes = [], who = 'Lucie Martin', expires = soon, fail } = {}) {
  const q = new URLSearchParams({ e: '01a2ffff-0000-7000-8000-00000000abcd', n: 'Assises de l’innovation publique 2025', r: role, x: expires,
    h: 'ws://192.168.1.20:4455', t: 'jeton-signé' })
  if (sessions.length) q.set('s', sessions.join(','))
  if (themes.length) q.set('th', themes.join(','))
  if (who) q.set('f', who)
  if (fail) q.set('fail', fail)
  return `recolte://join?${q}`
}
const tabs = page => page.locator('nav .tab').allTextContents()
const current = page => page.locator('nav .tab[aria-current=page]').textContent()

/** A key as a French AZERTY keyboard sends it: the code names the physical key, the key is the character. */
async function azerty(page, code, key, options = {}) {
  await page.evaluate(([code, key, options]) => {
    const target = document.activeElement ?? document.body
    target.dispatchEvent(new KeyboardEvent('keydown', { code, key, altKey: true, bubbles: true, cancelable: true, ...options }))
  }, [code, key, options])
}

await check('shortcuts work on an AZERTY keyboard (KeyboardEvent.code, not key)', async page => {
  await loadSample(page)
  await azerty(page, 'Digit2', '\u00e9')
  await page.locator('#theme-picker').waitFor()
  if ((await current(page)) !== 'Synthèse') throw new Error(`Alt+2 (é) opened ${await current(page)}`)
  await azerty(page, 'Digit3', '"')
  await page.locator('.presentation').waitFor()
  await azerty(page, 'Digit1', '&')
  await page.locator('#capture-title').waitFor()
  await page.locator('#session-picker').focus()
  await azerty(page, 'KeyN', 'n')
  if ((await page.evaluate(() => document.activeElement?.id)) !== 'capture-title') throw new Error('Alt+N did not focus the capture box')
  // On AZERTY, the key labelled A sends code KeyQ: it must not act as Alt+N would on its key.
  await page.locator('#session-picker').focus()
  await azerty(page, 'KeyQ', 'a')
  if ((await page.evaluate(() => document.activeElement?.id)) === 'capture-title') throw new Error('a key other than N focused the capture box')
  // Alt+digit follows the visible tabs: the 5th is Organisation for the organiser (after Synthèse générale).
  await azerty(page, 'Digit4', '\'')
  await page.locator('.summary-screen').waitFor()
  await azerty(page, 'Digit5', '(')
  await page.locator('.organisation').waitFor()
})

await check('a facilitator joins from a link: asked their name, opened on their session, nothing else offered', async page => {
  await page.locator('#invite-preview dl').waitFor()
  if ((await page.locator('#invite-link').inputValue()) !== link()) throw new Error('the link was not filled in')
  const preview = await page.locator('#invite-preview').textContent()
  for (const words of ['Assises', 'Animation de session', 'Thème 1', 'Lucie Martin']) {
    if (!preview.includes(words)) throw new Error(`the preview does not say ${words}: ${preview}`)
  }
  if ((await page.locator('#invite-name').inputValue()) !== 'Lucie Martin') throw new Error('the name is not prefilled from the invitation')
  await axe(page, 'welcome with an invitation')
  await shot(page, 'welcome-invitation')
  await page.locator('#invite-name').fill('')
  await page.locator('#invite-join').click()
  await page.getByText('Indiquez votre nom').waitFor()
  await page.locator('#invite-name').fill('Lucie M.')
  await page.locator('#invite-name').press('Enter')
  await page.locator('#capture-title').waitFor()
  const shown = await tabs(page)
  if (shown.join('|') !== 'Animation|Réglages') throw new Error(`tabs: ${shown}`)
  const options = await page.locator('#session-picker option').count()
  if (options !== 1) throw new Error(`${options} sessions offered for capture`)
  await capture(page, 'Une proposition signée')
  const author = await page.evaluate(() => window.__recolteMock.proposals[0].author)
  if (author !== 'Lucie M.') throw new Error(`signed by ${author}`)
}, `?link=${encodeURIComponent(link())}`)

await check('an expired invitation says so and cannot be used', async page => {
  await page.locator('#invite-preview .warning').waitFor()
  const text = await page.locator('#invite-preview').textContent()
  if (!text.includes('a expiré')) throw new Error(text)
  if (!(await page.locator('#invite-join').isDisabled())) throw new Error('an expired invitation can be used')
}, `?link=${encodeURIComponent(link({ expires: inDays(-1) }))}`)

await check('a link opened while the app runs joins in a dialog; the events are switched in the header', async page => {
  await page.locator('#capture-title').waitFor()
  await page.evaluate(l => window.__recolteMockOpenLink(l), link({ role: 'rapporteur', sessions: [], themes: [2], who: 'Karim', fail: 'unreachable' }))
  const dialog = page.getByRole('dialog', { name: 'Rejoindre avec une invitation' })
  await dialog.locator('#invite-preview dl').waitFor()
  await axe(page, 'join dialog')
  await shot(page, 'join-dialog')
  await dialog.locator('#invite-join').click()
  await dialog.getByText('serveur injoignable').first().waitFor()
  await dialog.getByRole('button', { name: 'Ouvrir l’événement reçu' }).click()
  await page.locator('#theme-picker').waitFor()
  if ((await tabs(page)).join('|') !== 'Synthèse|Animation|Réglages') throw new Error(`tabs: ${await tabs(page)}`)
  const events = await page.locator('#event-switch option').allTextContents()
  if (events.length !== 2 || !events.some(e => e.includes('(Exercice)'))) throw new Error(`events: ${events}`)
  await page.locator('#event-switch').selectOption({ label: events.find(e => e.includes('(Exercice)')) })
  await page.locator('.badge.practice').first().waitFor()
  if ((await tabs(page)).length !== 6) throw new Error(`tabs: ${await tabs(page)}`)
}, '?event=organiser')

await check('a rapporteur reads the sessions of its theme, without controls', async page => {
  await page.locator('#theme-picker').waitFor()
  await page.getByRole('button', { name: 'Animation' }).click()
  await page.locator('#read-only-note').waitFor()
  if (await page.locator('#capture-title').isVisible()) throw new Error('a read-only session offers the capture box')
  if (await page.locator('#new-subgroup').isVisible()) throw new Error('a read-only session offers to add a sub-group')
  if (await page.locator('.cards input, .cards textarea, .cards select, .cards button').count()) throw new Error('read-only cards have controls')
  await axe(page, 'read-only capture')
  await shot(page, 'read-only-capture')
}, '?event=rapporteur')

await check('the organiser creates, copies and revokes invitations, and prints the sheet', async page => {
  await page.locator('#capture-title').waitFor()
  await page.getByRole('button', { name: 'Organisation' }).click()
  await page.locator('table.invitations tbody tr').nth(3).waitFor()
  const states = await page.locator('table.invitations .inv-state').allTextContents()
  for (const state of ['non utilisée', 'rejointe par Marc Petit', 'expirée', 'révoquée']) {
    if (!states.some(s => s.includes(state))) throw new Error(`no invitation ${state}: ${states}`)
  }
  if ((await page.locator('#inv-hubs').inputValue()) !== 'ws://192.168.1.20:4455') throw new Error('the hub is not prefilled')
  await page.locator('#inv-create').click()
  await page.getByText('Choisissez au moins une session.').waitFor()
  await page.locator('#inv-sessions legend', { hasText: '4. ' }).waitFor()
  await page.locator('#inv-sessions input').nth(5).check()
  await page.locator('#inv-for').fill('Nadia')
  await page.locator('#inv-create').click()
  await page.locator('#inv-new-link').waitFor()
  await page.locator('table.invitations tbody tr').nth(4).waitFor()
  await page.locator('#inv-role').selectOption('rapporteur')
  if (await page.locator('#inv-sessions').isVisible()) throw new Error('sessions shown for a rapporteur')
  await page.locator('#inv-theme-7').check()
  await page.locator('#inv-create').click()
  await page.locator('table.invitations tbody tr').nth(5).waitFor()

  const row = page.locator('table.invitations tbody tr', { hasText: 'Nadia' })
  await row.locator('[data-revoke]').click()
  const confirm = page.getByRole('dialog')
  await confirm.getByText('Révoquer l’invitation').waitFor()
  await axe(page, 'revoke confirmation')
  await page.keyboard.press('Escape')
  await confirm.waitFor({ state: 'detached' })
  if (!(await page.evaluate(() => document.activeElement?.hasAttribute('data-revoke')))) throw new Error('the focus did not return to the button')
  if ((await row.locator('.inv-state').textContent()) !== 'non utilisée') throw new Error('Escape revoked')
  await row.locator('[data-revoke]').click()
  await page.getByRole('dialog').getByRole('button', { name: 'Révoquer' }).click()
  await row.locator('.inv-state', { hasText: 'révoquée' }).waitFor()
  // The keyboard goes on to the next invitation that can be revoked.
  await page.waitForFunction(() => document.activeElement?.hasAttribute('data-revoke'))

  await page.locator('#inv-sheet').click()
  await page.getByText('invitations.html').waitFor()
  await page.locator('#inv-create-all').click()
  await page.getByText(/^4[67] invitations créées/).first().waitFor()
  // A second press makes none twice, and says so.
  const rows = await page.locator('[data-revoke]').count()
  await page.locator('#inv-create-all').click()
  await page.getByText('Aucune invitation créée : les 47 existent déjà (ni révoquées ni expirées).').first().waitFor()
  if ((await page.locator('[data-revoke]').count()) !== rows) throw new Error('a second press made invitations again')
  await page.locator('#inv-sheet').scrollIntoViewIfNeeded()
  await page.evaluate(() => window.scrollTo(0, 0))
  await axe(page, 'organisation')
  await shot(page, 'organisation')
  await page.locator('#inv-role').scrollIntoViewIfNeeded()
  await shot(page, 'organisation-form')
}, '?event=organiser')

await check('the organiser removes the practice event after a confirmation that names it', async page => {
  await page.getByRole('button', { name: /Essayer avec un événement d’exercice/ }).click()
  await page.locator('#capture-title').waitFor()
  await page.getByRole('button', { name: 'Organisation' }).click()
  await page.locator('[data-remove]').click()
  const dialog = page.getByRole('dialog')
  const title = await dialog.locator('h2').textContent()
  if (!title.includes('Assises')) throw new Error(`the confirmation does not name the event: ${title}`)
  await dialog.getByRole('button', { name: 'Retirer de cet appareil' }).click()
  await page.locator('#invite-link').waitFor()
  await page.waitForTimeout(300)
  const alerts = await page.locator('.alerts').textContent()
  if (alerts.trim()) throw new Error(`the welcome screen shows an error: ${alerts}`)
})

await check('a revoked device says why in the pill, and the details list every document', async page => {
  await page.locator('#theme-picker').waitFor()
  const pill = await page.locator('#sync-pill').textContent()
  if (!pill.includes('révoqué')) throw new Error(`pill: ${pill}`)
  await page.locator('#sync-pill').click()
  const dialog = page.getByRole('dialog', { name: 'État de la synchronisation' })
  await dialog.locator('table tbody tr').first().waitFor()
  const rows = await dialog.locator('tbody tr').count()
  if (rows < 3) throw new Error(`${rows} documents listed`)
  const text = await dialog.textContent()
  if (!text.includes('hors de vos droits')) throw new Error('changes outside the rights are not said so')
  if (!text.includes('a révoqué votre invitation')) throw new Error('the refusal message is missing')
  if (text.includes('À jour')) throw new Error('a refused document says "À jour"')
  await axe(page, 'status dialog')
  await shot(page, 'status-dialog')
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'detached' })
  if ((await page.evaluate(() => document.activeElement?.id)) !== 'sync-pill') throw new Error('the focus did not return to the pill')
}, '?event=rapporteur&sync=revoked')

await check('events served nearby: searching, then two hubs with their addresses, on the welcome screen', async page => {
  await page.locator('#nearby-status', { hasText: 'Recherche sur le réseau local…' }).waitFor()
  await page.locator('#nearby-status', { hasText: '2 événements servis trouvés à proximité.' }).waitFor()
  if ((await page.locator('#nearby .nearby-hub').count()) !== 2) throw new Error('two hubs expected')
  if ((await page.locator('#nearby-status').getAttribute('role')) !== 'status') throw new Error('the count is not announced')
  await axe(page, 'welcome with nearby hubs')
  await page.locator('#nearby').scrollIntoViewIfNeeded()
  await shot(page, 'welcome-nearby')
  // The first choice is still the invitation.
  if ((await page.evaluate(() => document.activeElement?.id)) !== 'invite-link') throw new Error('the nearby search took the focus')
})

await check('no hub found nearby, or the search fails: said in words', async page => {
  await page.locator('#nearby-status', { hasText: 'Aucun événement servi trouvé' }).waitFor()
  await page.goto(`${base}/mock.html?nearby=error`)
  await page.locator('#nearby-status', { hasText: 'La recherche n’a pas abouti' }).waitFor()
  await axe(page, 'nearby error')
}, '?nearby=none')

await check('serving the room from the settings: addresses, announcement, an invitation’s QR code, the header says so', async page => {
  await page.locator('#capture-title').waitFor()
  await page.getByRole('button', { name: 'Réglages' }).click()
  await page.locator('#serve', { hasText: 'Cet ordinateur ne sert pas l’événement' }).waitFor()
  if (await page.locator('#serving-badge').isVisible()) throw new Error('the header says serving while not')
  await page.locator('#serve').scrollIntoViewIfNeeded()
  await shot(page, 'serve-off')
  await page.locator('#hub-toggle').focus()
  await page.keyboard.press('Enter')
  await page.locator('#serve .addresses li').nth(2).waitFor()
  await page.locator('#serve svg.qr-code path').waitFor()
  await page.locator('#serving-badge', { hasText: 'Cet ordinateur sert l’événement' }).waitFor()
  const box = await page.locator('#serve svg.qr-code').boundingBox()
  if (!box || box.width < 240) throw new Error(`the QR code is too small to scan from a screen: ${box?.width}px`)
  await page.locator('#hub-qr-invitation').selectOption({ index: 1 })
  await page.locator('.qr-for', { hasText: 'Marc Petit' }).waitFor()
  await axe(page, 'serving')
  await page.locator('#serve').scrollIntoViewIfNeeded()
  await shot(page, 'serve-on')
  if (shotsAt) await page.locator('#serve').screenshot({ path: join(shotsAt, 'serve-card.png') })
  await page.locator('[data-export=report]').click()
  await page.locator('.export-status [data-open-folder]').click()
  await page.locator('.export-status [data-open]').first().click()
  const opened = await page.evaluate(() => window.__recolteMock.opened)
  if (opened.join('|') !== '/home/demo/Documents/Récolte/Assises 2025|/home/demo/Documents/Récolte/Assises 2025/rapport.md') throw new Error(`opened: ${opened}`)
  await axe(page, 'settings with an export written')
  await shot(page, 'settings-full', { fullPage: true })
}, '?event=organiser')

await check('a hub that failed to start says why, in the header and in the settings', async page => {
  await page.locator('#capture-title').waitFor()
  await page.locator('#serving-badge', { hasText: 'ne sert pas l’événement : voir Réglages' }).waitFor()
  await axe(page, 'header with a failed hub')
  await shot(page, 'hub-failed-header')
  await page.getByRole('button', { name: 'Réglages' }).click()
  await page.locator('#hub-toggle').click()
  await page.locator('#hub-error', { hasText: 'le port 4455 est déjà utilisé' }).waitFor()
  await axe(page, 'hub failed')
}, '?event=organiser&serve=port_taken')

await check('the arrivals board, reached with the keyboard from Organisation: 36 sessions by slot, one marked missing', async page => {
  await page.locator('#serving-badge', { hasText: 'Cet ordinateur sert l’événement' }).waitFor()
  await azerty(page, 'Digit5', '(')
  await page.locator('.organisation').waitFor()
  await page.locator('[data-org-tab=arrivals]').focus()
  await page.keyboard.press('Enter')
  await page.locator('.arrivals-sessions tr[data-session]').nth(35).waitFor()
  const missing = page.locator('.arrivals-sessions tr.missing')
  if ((await missing.count()) !== 1) throw new Error(`${await missing.count()} sessions marked missing`)
  if (!(await missing.textContent()).includes('Rien reçu après la fin du créneau')) throw new Error('the mark has no words')
  if ((await page.locator('[data-org-tab=arrivals]').getAttribute('aria-current')) !== 'true') throw new Error('the part shown is not marked')
  await axe(page, 'arrivals')
  await shot(page, 'arrivals')
  await page.locator('#arrivals-themes-title').scrollIntoViewIfNeeded()
  await shot(page, 'arrivals-themes-devices')
  await page.locator('#arrivals-refresh').click()
  await page.locator('#status', { hasText: 'Tableau des arrivées actualisé.' }).waitFor()
  await page.setViewportSize({ width: 760, height: 900 })
  await page.locator('#arrivals-title').scrollIntoViewIfNeeded()
  await shot(page, 'arrivals-narrow')
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)
  if (wide) throw new Error('the board widens the page on a narrow window')
}, '?event=organiser&serve=on')

await check('bundles from the Organisation screen: progress, the path with Ouvrir, and a corrupted file said in words', async page => {
  await page.locator('#capture-title').waitFor()
  await page.getByRole('button', { name: 'Organisation' }).click()
  await page.locator('[data-org-tab=room]').click()
  await page.locator('#bundle-export').click()
  await page.locator('#bundle-progress:not([hidden])').waitFor()
  await shot(page, 'bundle-progress')
  await page.locator('#bundle-status', { hasText: 'Paquet écrit' }).waitFor()
  await page.locator('#bundle-status [data-open]').click()
  await page.locator('#bundle-status [data-open-folder]').click()
  const opened = await page.evaluate(() => window.__recolteMock.opened)
  if (opened.join('|') !== '/media/camille/CLE-USB/assises-2025.recolte-bundle|/media/camille/CLE-USB') throw new Error(`opened: ${opened}`)
  await axe(page, 'bundle written')
  await shot(page, 'organisation-room')
  await page.evaluate(() => { window.__recolteMock.bundle = 'truncated' })
  await page.locator('#bundle-import').click()
  await page.locator('#bundle-error', { hasText: 'le paquet est incomplet' }).waitFor()
  await axe(page, 'bundle error')
  await page.locator('#bundle-error').scrollIntoViewIfNeeded()
  await shot(page, 'bundle-error')
}, '?event=organiser')

const C1 = 'Former les élus et les décideurs à l’innovation publique'
const C3 = 'Un objectif d’innovation dans le projet d’administration'
const plenary = '?event=panel&seed=plenary'

await check('the panel votes as its member with the keyboard, is refused past its dots, reads provenance in words, sorts by votes', async page => {
  await page.locator('.review').waitFor()
  await page.locator('#dots-left', { hasText: 'Il vous reste 3 points sur 3 pour ce thème.' }).waitFor()
  const plus = page.getByRole('button', { name: `Donner un point à « ${C1} »` })
  await plus.focus()
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Enter')
    await page.locator('.my-dots', { hasText: `Vos points : ${i + 1}` }).waitFor()
  }
  await page.locator('#dots-left', { hasText: 'Il vous reste 0 point sur 3 pour ce thème.' }).waitFor()
  // The focus stayed on + through the redraws: Enter again asks for a fourth dot.
  await page.keyboard.press('Enter')
  await page.getByRole('alert').filter({ hasText: "c'est plus que les 3 points de chaque membre pour le thème 1" }).waitFor()
  const total = await page.locator('.votes-total').textContent()
  if (total !== 'Votes\u00a0: 5 points · Ont voté\u00a0: Camille (3), Hélène Vidal (2)') throw new Error(total)
  await page.getByRole('button', { name: 'Voir la provenance' }).click()
  await page.locator('.provenance li').nth(2).waitFor()
  const provenance = await page.locator('.provenance').textContent()
  if (/[0-9a-f]{8}-[0-9a-f]{4}-/.test(provenance)) throw new Error(`an id in the provenance: ${provenance}`)
  if (!provenance.includes('Thème 1 · jour 1, 14:00 · Salle Gallé')) throw new Error(provenance)
  await axe(page, 'panel votes')
  await shot(page, 'panel-votes')
  // A comment being typed survives a change arriving from another member's device.
  const comment = page.locator('.review input[id^="comment-"]').first()
  await comment.focus()
  await page.keyboard.type('À porter au')
  await page.evaluate(() => window.__recolteMockChanged())
  await page.waitForTimeout(300)
  await page.keyboard.type(' national')
  const typed = await page.locator('.review input[id^="comment-"]').first().inputValue()
  if (typed !== 'À porter au national') throw new Error(`the comment being typed: « ${typed} »`)
  await page.keyboard.press('Enter')
  await page.locator('.comments li', { hasText: 'À porter au national' }).waitFor()
  if (!(await page.evaluate(() => document.activeElement?.id?.startsWith('comment-')))) throw new Error('the comment field lost the focus after Enter')
  await page.locator('#panel-mode').click()
  await page.locator('.review').nth(3).waitFor()
  await page.getByRole('button', { name: `Retirer un point à « ${C1} »` }).click()
  await page.locator('#dots-left', { hasText: 'Il vous reste 1 point sur 3' }).waitFor()
  await page.getByRole('button', { name: `Donner un point à « ${C3} »` }).click()
  await page.locator('#dots-left', { hasText: 'Il vous reste 0 point sur 3' }).waitFor()
  await page.locator('#panel-sort').click()
  await page.locator('#panel-sort[aria-pressed=true]').waitFor()
  const order = await page.locator('.review .review-title').allTextContents()
  if (order[0] !== C1 || order[1] !== 'Écrire le portage dans les délibérations') throw new Error(`sorted: ${order}`)
  await axe(page, 'panel list sorted by votes')
  await shot(page, 'panel-sorted')
}, plenary)

await check('one by one on a laptop (1366×768): the way to the next proposal is in sight above a long one', async page => {
  await page.setViewportSize({ width: 1366, height: 768 })
  await page.locator('.review').waitFor()
  const next = page.getByRole('group', { name: /Passer d’une proposition consolidée/ }).getByRole('button', { name: 'Suivante →' })
  const box = await next.boundingBox()
  if (!box || box.y + box.height > 768) throw new Error(`« Suivante » at ${JSON.stringify(box)}, out of a 768-pixel screen`)
  const title = await page.locator('.review-title').textContent()
  await next.click()
  await page.locator('.review-title', { hasNotText: title }).waitFor()
  if ((await page.evaluate(() => document.activeElement?.dataset.focus)) !== 'next') throw new Error('the focus left « Suivante »')
  await shot(page, 'panel-one-by-one-1366')
}, plenary)

await check('the whole-event summary: every theme, filters, and a print without the app’s chrome', async page => {
  await page.getByRole('button', { name: 'Synthèse générale' }).click()
  await page.locator('.summary-theme').nth(9).waitFor()
  const first = await page.locator('[data-theme="1"] .summary-item').first().textContent()
  for (const words of ['Retenue', 'Votes\u00a0: 2 points', '✓ À porter', 'CNFPT', 'Former les élus à l’innovation publique']) {
    if (!first.includes(words)) throw new Error(`the first item does not say ${words}: ${first}`)
  }
  await axe(page, 'summary')
  await shot(page, 'summary')
  await page.getByLabel('Retenues seulement').check()
  await page.getByLabel('À porter seulement').check()
  await page.locator('#summary-counts', { hasText: '1 proposition consolidée' }).waitFor()
  if ((await page.locator('.summary-item').count()) !== 1) throw new Error('the filters keep more than the carried proposal')
  await page.getByLabel('À porter seulement').uncheck()
  await page.locator('.summary-item').nth(3).waitFor()
  await page.emulateMedia({ media: 'print' })
  for (const selector of ['header.top', 'nav', '#summary-print', '.summary-filters']) {
    if (await page.locator(selector).first().isVisible()) throw new Error(`${selector} is printed`)
  }
  if (!(await page.locator('.summary-item').first().isVisible())) throw new Error('the summary is not printed')
  await shot(page, 'summary-print', { fullPage: true })
  await page.emulateMedia({ media: 'screen' })
}, plenary)

await check('projector mode at 1280×720: full screen, nothing but the proposal, read from the back of the room', async page => {
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.locator('.review').waitFor()
  // A long title and a long unbroken word must wrap, never overflow.
  await page.evaluate(async () => {
    const c = window.__recolteMock.consolidated.find(x => x.status === 'retained' && x.theme === 1 && x.priority === 2)
    await window.__TAURI_INTERNALS__.invoke('synthesis_edit', { id: c.id, changes: {
      title: 'Écrire le portage institutionnel dans les délibérations-cadres de chaque collectivité pour qu’une alternance ne l’efface pas',
      body: 'Une délibération cadre qui nomme le laboratoire, son budget et son évaluation : anticonstitutionnellementinterdépartementalisation. ' .repeat(3) } })
  })
  await page.locator('#panel-projector').click()
  await page.locator('.projector-title').waitFor()
  const fullscreen = await page.evaluate(() => window.__recolteMock.fullscreen)
  if (fullscreen.join() !== 'true') throw new Error(`full screen asked: ${fullscreen}`)
  const measure = () => page.evaluate(() => {
    const size = selector => parseFloat(getComputedStyle(document.querySelector(selector)).fontSize)
    const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden' }
    const overflow = [...document.querySelectorAll('.projector *')].filter(el => visible(el) && el.getBoundingClientRect().right > window.innerWidth + 1)
      .map(el => el.className)
    return {
      title: size('.projector-title'), body: document.querySelector('.projector-body') ? size('.projector-body') : null,
      theme: size('.projector-theme'), foot: size('.projector-foot'),
      wide: document.documentElement.scrollWidth > window.innerWidth || document.querySelector('.projector-content').scrollWidth > document.querySelector('.projector-content').clientWidth,
      overflow,
      shown: [...document.querySelectorAll('nav, header, .tab, input, select, textarea, main')].filter(visible).map(el => el.tagName + (el.id ? `#${el.id}` : '')),
    }
  })
  for (let i = 0; i < 2; i++) {
    const m = await measure()
    if (m.title < 48) throw new Error(`title at ${m.title}px`)
    if (m.body !== null && m.body < 28) throw new Error(`text at ${m.body}px`)
    if (m.theme < 24 || m.foot < 28) throw new Error(`theme at ${m.theme}px, votes at ${m.foot}px`)
    if (m.wide || m.overflow.length) throw new Error(`overflows: ${m.overflow}`)
    if (m.shown.length) throw new Error(`visible under the projector: ${m.shown}`)
    await shot(page, i === 0 ? 'projector' : 'projector-long')
    await page.keyboard.press('ArrowRight')
    await page.locator('.projector-position', { hasText: '2 / 2' }).waitFor()
  }
  await axe(page, 'projector')
  // The display setting: on focus, in a corner; light background.
  await page.keyboard.press('Tab')
  await page.keyboard.press('Enter')
  await page.locator('#projector-settings:not([hidden])').waitFor()
  await shot(page, 'projector-settings')
  await page.getByLabel('Fond clair (texte sombre)').check()
  await page.getByLabel('Montrer les brouillons').check()
  await page.keyboard.press('Escape')
  await page.locator('#projector-settings[hidden]').waitFor({ state: 'attached' })
  await page.locator('.projector').focus()
  await page.keyboard.press('ArrowRight')
  await page.locator('.projector-title', { hasText: C3 }).waitFor()
  await page.mouse.move(10, 700)
  await axe(page, 'projector, light')
  await shot(page, 'projector-light')
  await page.keyboard.press('Escape')
  await page.locator('.projector').waitFor({ state: 'detached' })
  if ((await page.evaluate(() => window.__recolteMock.fullscreen)).join() !== 'true,false') throw new Error('full screen not left')
  if (!(await page.locator('nav').isVisible())) throw new Error('the tabs did not come back')
}, plenary)

await check('session clock: shared controls by keyboard, a pause from another device, the phase-end banner, the room display at 1280×720', async page => {
  await page.setViewportSize({ width: 1280, height: 720 })
  await loadSample(page)
  // The sample's sessions are in 2025: the clock says the session is over, until started by hand.
  await page.locator('#clock-now', { hasText: 'Session terminée' }).waitFor()
  await page.locator('#clock-start').focus()
  await page.keyboard.press('Enter')
  await page.locator('#clock-now', { hasText: 'Première intervention — reste 20 min' }).waitFor()
  if ((await page.evaluate(() => document.activeElement?.id)) !== 'clock-pause') throw new Error('the focus did not move to Pause once Démarrer went')
  await page.locator('#clock-extend').focus()
  await page.keyboard.press('Space')
  await page.locator('#clock-now', { hasText: 'reste 25 min' }).waitFor()
  await page.locator('.phases li[aria-current=step]', { hasText: '(+5 min)' }).waitFor()
  // A pause made by another facilitator of the session shows here, and is resumed here.
  const session = await page.locator('#session-picker').inputValue()
  await page.evaluate(s => window.__recolteMockClock(s, 'pause'), session)
  await page.locator('#clock-paused:not([hidden])', { hasText: 'En pause' }).waitFor()
  await page.locator('#clock-pause', { hasText: 'Reprendre' }).waitFor()
  await axe(page, 'capture with the session clock')
  await shot(page, 'session-clock')
  await page.locator('#clock-pause').click()
  await page.locator('#clock-paused').waitFor({ state: 'hidden' })
  await page.locator('#clock-next').click()
  await page.locator('#clock-cue-text', { hasText: 'Fin de la phase « Première intervention » : place à « Seconde intervention »' }).waitFor()
  if (await page.locator('#clock-cue-text').evaluate(el => !el.closest('[aria-live]'))) throw new Error('the banner is not in a live region')
  await shot(page, 'session-clock-cue', { clip: { x: 0, y: 40, width: 360, height: 640 } })

  // The room display: the window full screen, nothing but a clock read from the back of the room.
  await page.locator('#clock-room').click()
  await page.locator('.clock-room').waitFor()
  if ((await page.evaluate(() => window.__recolteMock.fullscreen)).join() !== 'true') throw new Error('full screen not asked')
  await page.evaluate(() => window.__recolteMockAdvance(14 * 60 + 3))
  await page.locator('#clock-room-time', { hasText: /^5:5\d$/ }).waitFor()
  await page.evaluate(s => window.__recolteMockClock(s, 'pause'), session)
  await page.locator('#clock-room-paused:not([hidden])').waitFor()
  await page.mouse.move(640, 700)
  const m = await page.evaluate(() => {
    const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden' }
    const box = el => el.getBoundingClientRect()
    const time = document.getElementById('clock-room-time')
    return {
      time: parseFloat(getComputedStyle(time).fontSize), phase: parseFloat(getComputedStyle(document.getElementById('clock-room-phase')).fontSize),
      next: document.getElementById('clock-room-next').textContent, phaseText: document.getElementById('clock-room-phase').textContent,
      out: [...document.querySelectorAll('.clock-room-face > *')].filter(visible).filter(el => box(el).right > innerWidth + 1 || box(el).bottom > innerHeight + 1 || box(el).left < -1 || box(el).top < -1).map(el => el.className),
      shown: [...document.querySelectorAll('nav, header, .tab, input, select, textarea, main')].filter(visible).map(el => el.tagName + (el.id ? `#${el.id}` : '')),
      wide: document.documentElement.scrollWidth > innerWidth,
    }
  })
  if (m.time < 0.2 * 720) throw new Error(`the clock at ${m.time}px, under 20vh`)
  if (m.phase < 36) throw new Error(`the phase at ${m.phase}px`)
  if (m.phaseText !== 'Seconde intervention' || m.next !== 'Ensuite\u00a0: Mise en discussion') throw new Error(`phase ${m.phaseText}, ${m.next}`)
  if (m.out.length || m.wide) throw new Error(`outside the screen: ${m.out}`)
  if (m.shown.length) throw new Error(`visible under the room display: ${m.shown}`)
  await axe(page, 'room display')
  await shot(page, 'clock-room')
  // Its end-of-phase banner, once resumed and the phase over.
  await page.evaluate(s => window.__recolteMockClock(s, 'resume'), session)
  await page.evaluate(() => window.__recolteMockAdvance(6 * 60))
  await page.locator('#clock-room-cue', { hasText: 'Fin de la phase « Seconde intervention » : place à « Mise en discussion »' }).waitFor()
  await shot(page, 'clock-room-cue')
  await page.keyboard.press('Escape')
  await page.locator('.clock-room').waitFor({ state: 'detached' })
  if ((await page.evaluate(() => window.__recolteMock.fullscreen)).join() !== 'true,false') throw new Error('full screen not left')
  if ((await page.evaluate(() => document.activeElement?.id)) !== 'clock-room') throw new Error('the focus did not come back to the button')
})

await browser.close()
server.close()
console.log(`${passed} passed, ${failures} failed`)
process.exit(failures ? 1 : 0)
