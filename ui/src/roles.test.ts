// The role-aware shell on the in-memory backend: what each role is offered, the sync status
// that says why, the join flow, the Organisation screen, and in-page dialogs throughout.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { emit } from '@tauri-apps/api/event'
import { mockArrival, mockLink, mockState, openMockLink, setMockSync, type MockOptions } from './mock-backend'
import { pillText } from './app'
import { worstState } from './rights'
import type { SyncSummary } from './api'
import { byId, startApp, type } from './test-support'
import { frenchSpaces } from './i18n'

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise(resolve => setTimeout(resolve, 0))
}

const tabs = () => [...document.querySelectorAll<HTMLButtonElement>('nav .tab')]
const tabNames = () => tabs().map(tab => tab.textContent)
const current = () => document.querySelector('nav .tab[aria-current=page]')?.textContent
const dialog = () => document.querySelector<HTMLElement>('[role=dialog]')
const button = (root: ParentNode, text: string) => {
  const found = [...root.querySelectorAll<HTMLButtonElement>('button')].find(b => b.textContent === text)
  if (!found) throw new Error(`no button ${text}`)
  return found
}

async function open(options: MockOptions): Promise<void> {
  await startApp(options)
  await settle()
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString()
const eventId = '01a2ffff-0000-7000-8000-00000000abcd'

beforeEach(() => {
  vi.spyOn(window, 'alert').mockImplementation(() => { throw new Error('window.alert used') })
  vi.spyOn(window, 'confirm').mockImplementation(() => { throw new Error('window.confirm used') })
  vi.spyOn(window, 'prompt').mockImplementation(() => { throw new Error('window.prompt used') })
})

describe('the sync status', () => {
  const base: SyncSummary = { state: 'up_to_date', hub: 'ws://x', documents: 3, up_to_date: 3, unshared: 0, out_of_rights: 0, former_invitation: 0, error: null, found_nearby: false }
  it('shows the worst state: refused > offline > out of rights > syncing > up to date', () => {
    expect(worstState(base)).toBe('up_to_date')
    expect(worstState({ ...base, state: 'syncing' })).toBe('syncing')
    expect(worstState({ ...base, state: 'syncing', out_of_rights: 2 })).toBe('out_of_rights')
    expect(worstState({ ...base, out_of_rights: 2, error: { code: 'unreachable', message: '' } })).toBe('offline')
    expect(worstState({ ...base, state: 'offline', error: { code: 'revoked', message: '' } })).toBe('refused')
    expect(worstState({ ...base, state: 'off', hub: null, out_of_rights: 1 })).toBe('off')
  })
  it('never says up to date when changes are outside the rights', () => {
    const text = pillText({ ...base, out_of_rights: 2 })
    expect(text).toContain('2 hors de vos droits')
    expect(text).not.toContain('À jour')
  })

  it('says that a former card\'s last changes go with it, not that they are outside the rights', async () => {
    expect(pillText({ ...base, state: 'syncing', unshared: 2, former_invitation: 2 })).toBe(
      frenchSpaces('Synchronisation… · 2 modifications non partagées · 2 avec l’invitation précédente'))
    await open({ event: 'facilitator', sync: 'former' })
    const pill = byId<HTMLButtonElement>('sync-pill')
    expect(pill.textContent).not.toContain('hors de vos droits')
    pill.click()
    await settle()
    const rows = [...dialog()!.querySelectorAll('tbody tr')]
    expect(rows.filter(r => r.textContent!.includes('invitation précédente'))).toHaveLength(1)
    const row = rows.find(r => r.textContent!.includes('invitation précédente'))!
    expect(row.getAttribute('data-doc')).toMatch(/^session:/)
    expect(row.textContent).toContain(frenchSpaces('2 non partagées : partiront avec l’invitation précédente, gardée de côté'))
    expect(row.textContent).toContain('Avec l’invitation précédente')
    expect(row.className).not.toContain('out-of-rights')
  })

  it('says in its dialog that the hub was found nearby when the invitation’s did not answer', async () => {
    await open({ event: 'facilitator', sync: 'nearby' })
    byId<HTMLButtonElement>('sync-pill').click()
    await settle()
    expect(dialog()!.textContent).toContain(frenchSpaces('Serveur : wss://192.168.1.20:4455, trouvé à proximité : le serveur prévu ne répondait pas'))
    await open({ event: 'facilitator', sync: 'up_to_date' })
    byId<HTMLButtonElement>('sync-pill').click()
    await settle()
    expect(dialog()!.textContent).not.toContain('trouvé à proximité')
  })

  it('says "révoqué" in the pill, and its dialog lists every document with its rights', async () => {
    await open({ event: 'rapporteur', sync: 'revoked' })
    const pill = byId<HTMLButtonElement>('sync-pill')
    expect(pill.textContent).toContain(frenchSpaces('Refusé : révoqué'))
    expect(pill.textContent).toContain('2 modifications non partagées')
    pill.focus()
    pill.click()
    await settle()
    const box = dialog()!
    expect(box.getAttribute('aria-modal')).toBe('true')
    const rows = [...box.querySelectorAll('tbody tr')]
    // The programme, the four sessions of theme 1 (read), the synthesis of theme 1 (write).
    expect(rows.map(r => r.querySelector('th')?.textContent)).toEqual([
      'Programme', ...[1, 2, 3, 4].map(() => expect.stringContaining('Session · Thème 1')), 'Synthèse · thème 1',
    ])
    expect(rows[0].textContent).toContain('peut lire')
    expect(rows[5].textContent).toContain('peut écrire')
    expect(box.textContent).toContain(frenchSpaces('1 non partagée : hors de vos droits'))
    // What can still carry it: a bundle, not "never shared".
    expect(box.textContent).toContain('un paquet la porte à l’organisation')
    expect(box.textContent).toContain('L\'organisation a révoqué votre invitation')
    expect(box.textContent).not.toContain('À jour')
    // A revoked invitation will never be accepted again: the dialog says what to do instead.
    expect(box.textContent).toContain('rejoignez avec une nouvelle invitation')
    expect(box.textContent).toContain('Vous pouvez aussi apporter vos changements sur une clé USB (paquet).')
    // Said once: the hub's words already say that nothing is lost.
    expect(box.textContent).not.toContain('Rien n’est perdu')
    expect(box.textContent).not.toContain('dès que le serveur')
    // Escape closes it and gives the focus back to the pill.
    document.dispatchEvent(new KeyboardEvent('keydown', { code: 'Escape', key: 'Escape', bubbles: true }))
    await settle()
    expect(dialog()).toBeNull()
    expect(document.activeElement).toBe(pill)
  })

  it('follows the sync engine', async () => {
    await open({ event: 'facilitator', sync: 'up_to_date' })
    expect(byId('sync-pill').textContent).toBe('À jour')
    setMockSync('offline')
    await settle()
    expect(byId('sync-pill').textContent).toContain('Hors ligne')
    expect(byId('sync-pill').className).toContain('sync-offline')
    // The same state again (the engine reports at each attempt): nothing new to read out.
    const words = byId('sync-pill').firstChild
    setMockSync('offline')
    await settle()
    expect(byId('sync-pill').firstChild).toBe(words)
  })
})

describe('a facilitator', () => {
  beforeEach(() => open({ event: 'facilitator' }))

  it('sees only capture and settings, opened on its session', () => {
    expect(tabNames()).toEqual(['Animation', 'Réglages'])
    expect(current()).toBe('Animation')
    const picker = byId<HTMLSelectElement>('session-picker')
    expect(picker.options).toHaveLength(1)
    expect(picker.value).toBe(mockState().events[0].scope.sessions[0])
    expect(document.activeElement).toBe(byId('capture-title'))
  })

  it('captures in its session, signed with its name', async () => {
    await type(byId('capture-title'), 'Former les élus')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    expect(mockState().proposals).toHaveLength(1)
    expect(mockState().proposals[0].session_id).toBe(mockState().events[0].scope.sessions[0])
  })

  it('switches screens with Alt+digit by the physical key (AZERTY), only among its tabs', async () => {
    byId('capture-title').blur()
    document.dispatchEvent(new KeyboardEvent('keydown', { code: 'Digit2', key: 'é', altKey: true, bubbles: true }))
    await settle()
    expect(current()).toBe('Réglages')
    // There is no third tab: nothing happens.
    document.dispatchEvent(new KeyboardEvent('keydown', { code: 'Digit3', key: '"', altKey: true, bubbles: true }))
    await settle()
    expect(current()).toBe('Réglages')
    document.dispatchEvent(new KeyboardEvent('keydown', { code: 'Digit1', key: '&', altKey: true, bubbles: true }))
    await settle()
    expect(current()).toBe('Animation')
    byId<HTMLSelectElement>('session-picker').focus()
    document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyN', key: 'n', altKey: true, bubbles: true }))
    expect(document.activeElement).toBe(byId('capture-title'))
  })

  it('renames a sub-group in an in-page dialog, not window.prompt', async () => {
    await type(byId('new-subgroup'), 'Groupe A')
    byId<HTMLInputElement>('new-subgroup').form?.requestSubmit()
    await settle()
    const rename = document.querySelector<HTMLButtonElement>('.subgroups button.link')!
    rename.focus()
    rename.click()
    await settle()
    const field = dialog()!.querySelector('input')!
    expect(document.activeElement).toBe(field)
    field.value = 'Groupe Alpha'
    field.form?.requestSubmit()
    await settle()
    expect(mockState().subgroups[0].name).toBe('Groupe Alpha')
    expect(dialog()).toBeNull()
  })
})

describe('a rapporteur', () => {
  beforeEach(() => open({ event: 'rapporteur' }))

  it('opens on its theme’s synthesis, the first time only', async () => {
    expect(tabNames()).toEqual(['Synthèse', 'Animation', 'Réglages'])
    expect(current()).toBe('Synthèse')
    expect([...byId<HTMLSelectElement>('theme-picker').options].map(o => o.value)).toEqual(['1'])
    expect(byId('merge-selected')).toBeTruthy()
    expect(byId('read-only-note').hidden).toBe(true)
  })

  it('reads the sessions of its theme without any control', async () => {
    tabs()[1].click()
    await settle()
    const picker = byId<HTMLSelectElement>('session-picker')
    expect(picker.options).toHaveLength(4)
    expect([...picker.options].every(o => o.textContent?.includes('Lecture seule'))).toBe(true)
    expect(byId('read-only-note').hidden).toBe(false)
    expect(byId('read-only-note').textContent).toContain('Lecture seule')
    expect(byId<HTMLFormElement>('capture-title').closest('form')?.hidden).toBe(true)
    expect(byId('new-subgroup').closest('form')?.hidden).toBe(true)
    expect(document.querySelectorAll('.content input:not([hidden] *), .content textarea:not([hidden] *)').length).toBe(0)
    // Alt+N does not reach a hidden form.
    document.dispatchEvent(new KeyboardEvent('keydown', { code: 'KeyN', key: 'n', altKey: true, bubbles: true }))
    expect(document.activeElement).not.toBe(byId('capture-title'))
  })

  it('says when the filters leave nothing of a session it reads, not that the session is empty', async () => {
    const session = mockState().events[0].view.sessions.find(x => x.theme === 1)!
    mockState().proposals.push({
      id: 'p-read', session_id: session.id, theme: 1, subgroup: null, subgroup_name: null, title: 'Former les élus', body: '',
      kind: 'proposal', tags: [], author: 'Camille', created_at: new Date(0).toISOString(), deleted: false, merged_into: [],
    })
    tabs()[1].click()
    await settle()
    const picker = byId<HTMLSelectElement>('session-picker')
    picker.value = session.id
    picker.dispatchEvent(new Event('change'))
    await settle()
    expect(document.querySelector('.cards')?.textContent).toContain('Former les élus')
    const kinds = byId<HTMLSelectElement>('filter-kind')
    kinds.value = 'question'
    kinds.dispatchEvent(new Event('change'))
    expect(document.querySelector('.cards .empty')?.textContent).toBe('Aucune proposition ne correspond aux filtres choisis.')
  })
})

describe('the panel', () => {
  it('opens on the panel, where it may mark and comment', async () => {
    await open({ event: 'panel' })
    expect(current()).toBe('Panel')
    expect(document.getElementById('read-only-note')).toBeNull()
  })
})

describe('a device with no role', () => {
  it('keeps everything open, as before invitations existed', async () => {
    await open({ event: 'open' })
    expect(tabNames()).toEqual(['Animation', 'Synthèse', 'Panel', 'Synthèse générale', 'Réglages'])
    expect(byId<HTMLSelectElement>('session-picker').options).toHaveLength(36)
  })
})

describe('joining with an invitation', () => {
  const link = (expires = inDays(3), extra: Partial<Parameters<typeof mockLink>[0]> = {}) =>
    mockLink({ event: eventId, name: 'Assises 2025', role: 'facilitator', sessions: [2], for: 'Lucie Martin', expires, ...extra })

  it('from a link the app was opened with: shows what it opens, asks the name, opens on the session', async () => {
    const l = link()
    await open({ pendingLink: l })
    expect(byId<HTMLTextAreaElement>('invite-link').value).toBe(l)
    await settle()
    const preview = byId('invite-preview').textContent ?? ''
    expect(preview).toContain('Assises 2025')
    expect(preview).toContain('Animation de session')
    expect(preview).toContain('Lucie Martin')
    expect(byId<HTMLInputElement>('invite-name').value).toBe('Lucie Martin')
    await type(byId('invite-name'), '')
    byId<HTMLFormElement>('invite-form').requestSubmit()
    await settle()
    expect(byId('invite-name-error').textContent).toContain('Indiquez votre nom')
    await type(byId('invite-name'), 'Lucie')
    byId<HTMLFormElement>('invite-form').requestSubmit()
    await settle()
    expect(tabNames()).toEqual(['Animation', 'Réglages'])
    expect(localStorage.getItem('recolte.event')).toBe(eventId)
    expect(byId<HTMLSelectElement>('session-picker').value).toBe(mockState().events[0].view.sessions[2].id)
    expect(mockState().author).toBe('Lucie')
  })

  /** Opens the app on `invitation` (a link the system opened it with) and joins as `name`. */
  async function joinAs(name: string, invitation: string): Promise<void> {
    await open({ pendingLink: invitation })
    await settle()
    await type(byId('invite-name'), name)
    byId<HTMLFormElement>('invite-form').requestSubmit()
    await settle()
  }

  it('says what the card this device synced with before leaves: kept aside, or carried by a bundle', async () => {
    await joinAs('Lucie', link(inDays(3), { fail: 'former' }))
    const said = byId('status').textContent ?? ''
    expect(said).toContain('2 modifications faites avec l’invitation précédente ne sont pas encore partagées')
    expect(said).toContain(frenchSpaces('1 modification faite avec l’invitation précédente ne partira plus par le réseau : elle a expiré ou a été révoquée. Elle reste sur cet appareil ; un paquet la porte à l’organisation'))
    // Shown on screen too, not only read out, and kept until closed: the USB key is to be
    // carried by whoever reads it.
    vi.useFakeTimers()
    try {
      const notice = byId('notice')
      expect(notice.hidden).toBe(false)
      expect(notice.textContent).toContain('un paquet la porte à l’organisation')
      vi.advanceTimersByTime(60_000)
      expect(notice.hidden).toBe(false)
      notice.querySelector<HTMLButtonElement>('.notice-close')!.click()
      expect(notice.hidden).toBe(true)
    } finally {
      vi.useRealTimers()
    }
  })

  it('offers the event once background sync brings it, after a join that received nothing', async () => {
    await joinAs('Lucie', link(inDays(3), { fail: 'nothing' }))
    const problem = document.querySelector('.invite-error')!
    expect(problem.textContent).toContain('serveur injoignable')
    expect([...problem.querySelectorAll('button')]).toHaveLength(0)
    mockArrival()
    await new Promise(resolve => setTimeout(resolve, 300))
    await settle()
    // Said, not forced: the welcome screen stays until the person opens it.
    expect(problem.textContent).toContain('L’événement est arrivé entre-temps')
    button(problem, 'Ouvrir l’événement reçu').click()
    await settle()
    expect(tabNames()).toEqual(['Animation', 'Réglages'])
    expect(localStorage.getItem('recolte.event')).toBe(eventId)
  })

  it('offers it in the dialog too, when another event is open here, and only once it is here', async () => {
    await open({ event: 'organiser' })
    openMockLink(link(inDays(3), { fail: 'nothing' }))
    await settle()
    const box = dialog()!
    await type(box.querySelector<HTMLInputElement>('#invite-name')!, 'Lucie')
    box.querySelector<HTMLFormElement>('#invite-form')!.requestSubmit()
    await settle()
    const problem = box.querySelector('.invite-error')!
    expect(problem.textContent).toContain('serveur injoignable')
    // A change of another event: nothing to open yet.
    mockState().events[0].view.name = 'Assises 2025 (renommé)'
    await emit('store-changed', 41)
    await new Promise(resolve => setTimeout(resolve, 300))
    await settle()
    expect(problem.querySelectorAll('button')).toHaveLength(0)
    mockArrival()
    await new Promise(resolve => setTimeout(resolve, 300))
    await settle()
    button(problem, 'Ouvrir l’événement reçu').click()
    await settle()
    expect(dialog()).toBeNull()
    expect(byId<HTMLSelectElement>('event-switch').value).toBe(eventId)
  })

  it('offers the event at once, not as « arrived meanwhile », when a join for an event already here receives nothing', async () => {
    await open({ event: 'facilitator' })
    const held = mockState().events[0].view.id
    openMockLink(link(inDays(3), { event: held, fail: 'nothing' }))
    await settle()
    const box = dialog()!
    await type(box.querySelector<HTMLInputElement>('#invite-name')!, 'Lucie')
    box.querySelector<HTMLFormElement>('#invite-form')!.requestSubmit()
    await settle()
    await new Promise(resolve => setTimeout(resolve, 300))
    await settle()
    const problem = box.querySelector('.invite-error')!
    expect(problem.textContent).toContain('serveur injoignable')
    expect(problem.textContent).toContain('L’événement est déjà sur cet appareil')
    expect(problem.textContent).not.toContain('arrivé entre-temps')
    expect(problem.querySelectorAll('button')).toHaveLength(1)
  })

  it('refuses an expired invitation before anything is typed', async () => {
    await open({ pendingLink: link(inDays(-1)) })
    await settle()
    expect(byId('invite-preview').textContent).toContain('a expiré')
    expect(byId<HTMLButtonElement>('invite-join').disabled).toBe(true)
  })

  it('says a bad link is not an invitation', async () => {
    await open({})
    await type(byId('invite-link'), 'https://example.org')
    await new Promise(resolve => setTimeout(resolve, 250))
    await settle()
    expect(byId('invite-preview').textContent).toContain('pas une invitation utilisable')
  })

  it('opens in a dialog when events are already here, says why the hub failed, and selects the joined event', async () => {
    await open({ event: 'organiser' })
    openMockLink(link(inDays(3), { fail: 'unreachable' }))
    await settle()
    const box = dialog()!
    expect(box.querySelector('#invite-link')).toBeTruthy()
    box.querySelector<HTMLFormElement>('#invite-form')!.requestSubmit()
    await settle()
    expect(box.querySelector('.invite-error')?.textContent).toContain('serveur injoignable')
    // The reason once, and the event received is the way on, with the keyboard on it.
    expect(box.querySelector('.invite-error')?.textContent?.match(/serveur injoignable/g)).toHaveLength(1)
    expect(document.activeElement?.textContent).toBe('Ouvrir l’événement reçu')
    expect(box.querySelector('#invite-join')?.className).toContain('secondary')
    button(box, 'Ouvrir l’événement reçu').click()
    await settle()
    expect(dialog()).toBeNull()
    expect(tabNames()).toEqual(['Animation', 'Réglages'])
    const options = [...byId<HTMLSelectElement>('event-switch').options].map(o => o.textContent)
    expect(options).toEqual(["Assises de l'innovation publique 2025 (Exercice)", 'Assises 2025'])
    expect(byId<HTMLSelectElement>('event-switch').value).toBe(eventId)
  })

  it('on the device that made the event: keeps the organiser, asks no name, leaves the invitation unused', async () => {
    await open({ event: 'organiser' })
    const own = mockState().events[0]
    const author = mockState().author
    openMockLink(mockLink({ event: own.view.id, name: own.view.name, role: 'facilitator', sessions: [2], for: 'Lucie Martin', expires: inDays(3) }))
    await settle()
    const box = dialog()!
    expect(box.querySelector('#invite-preview')?.textContent).toContain('garde ses droits d’organisation')
    expect(box.querySelector<HTMLElement>('#invite-name')?.closest('div')?.hidden).toBe(true)
    expect(box.querySelector('#invite-join')?.textContent).toBe('Synchroniser avec ce serveur')
    box.querySelector<HTMLFormElement>('#invite-form')!.requestSubmit()
    await settle()
    expect(dialog()).toBeNull()
    expect(tabNames()).toContain('Organisation')
    expect(mockState().author).toBe(author)
    expect(own.role).toBe('organiser')
  })

  it('imports a bundle from a USB key on a device with no event yet, and opens its event', async () => {
    await open({})
    expect(byId('bundle-export').hidden).toBe(true)
    expect(byId('bundle-title').closest('section')?.textContent).toContain('clé USB')
    byId('bundle-import').click()
    await new Promise(resolve => setTimeout(resolve, 400))
    await settle()
    expect(document.querySelector('.welcome')).toBeNull()
    expect(mockState().events).toHaveLength(1)
    expect(tabNames()).toContain('Animation')
    expect(document.querySelector('header')?.textContent).toContain('Assises de l')
  })

  it('folds the hub and token form under "Avancé"', async () => {
    await open({})
    expect(byId('join-hub').closest('details')?.querySelector('summary')?.textContent).toBe(frenchSpaces('Avancé : adresse et jeton'))
    expect(byId('load-sample').textContent).toBe('Essayer avec un événement d’exercice')
  })
})

describe('the Organisation screen', () => {
  beforeEach(async () => {
    await open({ event: 'organiser' })
    button(document, 'Organisation').click()
    await settle()
  })

  const rows = () => [...document.querySelectorAll<HTMLTableRowElement>('table.invitations tbody tr')]

  it('lists the invitations with their state, and who has joined', () => {
    expect(rows().map(r => r.querySelector('.inv-state')?.textContent)).toEqual([
      'non utilisée', expect.stringMatching(/^rejointe par Marc Petit le /), 'expirée', 'révoquée',
    ])
    expect(document.querySelector('table.devices tbody')?.textContent).toContain('Marc Petit')
    expect(byId<HTMLTextAreaElement>('inv-hubs').value).toBe('ws://192.168.1.20:4455')
  })

  it('creates an invitation for a session, then revokes it after a confirmation', async () => {
    byId<HTMLFormElement>('inv-create').closest('form')!.requestSubmit()
    await settle()
    expect(byId('inv-error').textContent).toBe('Choisissez au moins une session.')
    const session = mockState().events[0].view.sessions.find(s => s.theme === 4)!
    byId<HTMLInputElement>(`inv-session-${session.id}`).checked = true
    byId<HTMLInputElement>('inv-for').value = 'Nadia'
    // Pressed twice before the answer: one invitation for Nadia, not two live ones.
    byId<HTMLFormElement>('inv-create').closest('form')!.requestSubmit()
    byId<HTMLFormElement>('inv-create').closest('form')!.requestSubmit()
    await settle()
    expect(rows()).toHaveLength(5)
    const created = mockState().events[0].invitations[4]
    expect(created).toMatchObject({ role: 'facilitator', sessions: [session.id], for: 'Nadia', state: 'unused' })
    // Made for the event by default (cards are printed weeks before): 3 days at least.
    expect(byId<HTMLSelectElement>('inv-valid').value).toBe('event')
    expect(Date.parse(created.expires_at) - Date.now()).toBeGreaterThan(3 * 86_400_000 - 60_000)
    expect(byId<HTMLInputElement>('inv-new-link').value).toBe(created.link)

    const revoke = rows()[4].querySelector<HTMLButtonElement>('[data-revoke]')!
    revoke.focus()
    revoke.click()
    await settle()
    expect(dialog()?.querySelector('h2')?.textContent).toContain('Révoquer l’invitation')
    // Cancel first: nothing changes, the focus comes back.
    button(dialog()!, 'Annuler').click()
    await settle()
    expect(created.state).toBe('unused')
    expect(document.activeElement).toBe(revoke)
    revoke.click()
    await settle()
    button(dialog()!, 'Révoquer').click()
    await settle()
    expect(created.state).toBe('revoked')
    expect(rows()[4].querySelector('.inv-state')?.textContent).toBe('révoquée')
  })

  it('creates one invitation per session, per theme and for the panel, and writes the sheet', async () => {
    byId('inv-create-all').click()
    await settle()
    expect(mockState().events[0].invitations).toHaveLength(4 + 36 + 10 + 1)
    byId('inv-sheet').click()
    await settle()
    expect(document.querySelector('.sheet-status')?.textContent).toContain('/home/demo/Documents/Récolte/Assises 2025/invitations.html')
  })

  it('a rapporteur invitation names themes', async () => {
    const role = byId<HTMLSelectElement>('inv-role')
    role.value = 'rapporteur'
    role.dispatchEvent(new Event('change'))
    expect(byId('inv-sessions').hidden).toBe(true)
    expect(byId('inv-themes').hidden).toBe(false)
    byId<HTMLInputElement>('inv-theme-8').checked = true
    role.form!.requestSubmit()
    await settle()
    expect(mockState().events[0].invitations[4]).toMatchObject({ role: 'rapporteur', themes: [8], label: 'Rapporteur, thème 8' })
  })

  it('removes an event from this device after a confirmation that names it', async () => {
    document.querySelector<HTMLButtonElement>('[data-remove]')!.click()
    await settle()
    expect(dialog()?.querySelector('h2')?.textContent).toBe(frenchSpaces("Retirer « Assises de l'innovation publique 2025 » de cet appareil ?"))
    button(dialog()!, 'Retirer de cet appareil').click()
    await settle()
    expect(mockState().events).toHaveLength(0)
    expect(document.getElementById('invite-link')).toBeTruthy()
  })

  it('copies a link, or shows it to copy by hand where the clipboard is refused', async () => {
    rows()[0].querySelector<HTMLButtonElement>('[data-copy]')!.click()
    await settle()
    const field = dialog()?.querySelector<HTMLInputElement>('input')
    expect(field?.value).toBe(mockState().events[0].invitations[0].link)
  })
})

describe('an invitation’s state, as the organiser reads it', () => {
  it('says that an invitation joined and since expired lets its device in no more', async () => {
    const { invitationState } = await import('./views/organisation')
    const inv = { state: 'expired', joined_by: 'Camille', joined_at: '2025-10-01T12:00:00Z' } as Parameters<typeof invitationState>[0]
    expect(invitationState(inv)).toMatch(/^expirée \(rejointe par Camille le .+\)\u00a0: cet appareil est refusé à sa prochaine synchronisation$/)
    expect(invitationState({ ...inv, joined_by: null, joined_at: null })).toBe('expirée')
  })
})
