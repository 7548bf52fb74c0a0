// The room's own network on the in-memory backend: serving from this computer, the events
// served nearby, the organiser's arrivals board, bundles with their progress, and opening
// what the app wrote.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { clearMocks } from '@tauri-apps/api/mocks'
import { installMockBackend, mockState, type MockOptions } from './mock-backend'
import { start } from './app'
import { setServing } from './serving'
import { byId } from './test-support'
import { frenchSpaces } from './i18n'
import { api } from './api'

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise(resolve => setTimeout(resolve, 0))
}

async function until(what: string, condition: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

const button = (root: ParentNode, text: string) => {
  const found = [...root.querySelectorAll<HTMLButtonElement>('button')].find(b => b.textContent === text)
  if (!found) throw new Error(`no button ${text}`)
  return found
}
const text = (id: string) => byId(id).textContent ?? ''

async function open(options: MockOptions, screen?: string): Promise<void> {
  clearMocks()
  localStorage.clear()
  sessionStorage.clear()
  setServing(null)
  document.body.innerHTML = '<div id="app"></div>'
  installMockBackend(options)
  await start(byId('app'))
  await settle()
  if (screen) {
    button(document.querySelector('nav')!, screen).click()
    await settle()
  }
}

afterEach(() => vi.restoreAllMocks())

describe('serving the event from this computer', () => {
  it('says clearly when it is not serving, and nothing in the header', async () => {
    await open({ event: 'organiser' }, 'Réglages')
    expect(text('serve')).toContain('Cet ordinateur ne sert pas l’événement')
    expect(byId('serving-badge').hidden).toBe(true)
    expect(byId('hub-toggle').textContent).toBe('Démarrer le serveur')
    expect(document.querySelector('#serve .addresses')).toBeNull()
  })

  it('serving: every address with its copy button, the announcement, and an invitation’s QR code', async () => {
    await open({ event: 'organiser' }, 'Réglages')
    byId('hub-toggle').click()
    await settle()
    const addresses = [...document.querySelectorAll('#serve .addresses li')]
    expect(addresses.map(li => li.querySelector('code')?.textContent)).toEqual(
      ['ws://192.168.1.20:4455', 'ws://10.42.0.1:4455', 'ws://[fe80::1c2b:3aff:fe4d:5e6f%wlp2s0]:4455'])
    expect(addresses.every(li => li.querySelector('button')?.getAttribute('aria-label')?.startsWith('Copier l’adresse ws://'))).toBe(true)
    expect(text('hub-announced')).toContain('Annoncé sur le réseau local')
    expect(byId('hub-toggle').textContent).toBe('Arrêter le serveur')
    expect(byId('serving-badge').hidden).toBe(false)
    expect(text('serving-badge')).toBe('Cet ordinateur sert l’événement')

    // Only invitations neither revoked nor expired: the mock organiser has two of four.
    const select = byId<HTMLSelectElement>('hub-qr-invitation')
    expect(select.options).toHaveLength(2)
    const svg = document.querySelector('#serve svg.qr-code')!
    expect(svg.getAttribute('role')).toBe('img')
    expect(svg.getAttribute('aria-label')).toContain(frenchSpaces('QR code de l’invitation : Thème'))
    expect(svg.querySelector('path')?.getAttribute('d')).toMatch(/^M\d+ \d+h\d+v1h-\d+z/)
    expect(document.querySelector('.qr-for')?.textContent).toBe(frenchSpaces('Pour : Lucie Martin'))

    select.value = select.options[1].value
    select.dispatchEvent(new Event('change'))
    await settle()
    expect(document.querySelector('.qr-for')?.textContent).toBe(frenchSpaces('Pour : Marc Petit'))

    // Stopping is asked first: cancelled, it still serves; confirmed, it stops.
    byId('hub-toggle').focus()
    byId('hub-toggle').click()
    await settle()
    expect(document.querySelector('[role=dialog]')?.textContent).toContain(frenchSpaces('Arrêter le serveur de la salle ?'))
    button(document.querySelector('[role=dialog]')!, 'Annuler').click()
    await settle()
    expect(text('serve')).not.toContain('ne sert pas')
    expect(document.activeElement?.id).toBe('hub-toggle')
    byId('hub-toggle').click()
    await settle()
    document.querySelector<HTMLButtonElement>('[role=dialog] [data-confirm]')!.click()
    await settle()
    expect(text('serve')).toContain('ne sert pas')
    expect(byId('serving-badge').hidden).toBe(true)
  })

  it('says so in the header from the start when it serves already', async () => {
    await open({ event: 'organiser', serve: 'on' })
    expect(document.querySelector('#capture-title')).not.toBeNull()
    expect(byId('serving-badge').hidden).toBe(false)
    expect(text('serving-badge')).toBe('Cet ordinateur sert l’événement')
    // The hub syncs with no hub of its own: it is the hub, not "sync not set up".
    expect(text('sync-pill')).toBe('Serveur de la salle')
    byId('sync-pill').click()
    await settle()
    const box = document.querySelector('[role=dialog]')!
    expect(box.textContent).toContain(frenchSpaces('Cet ordinateur est le serveur de la salle (ws://192.168.1.20:4455 ; '))
    expect(box.textContent).not.toContain('Aucun serveur')
    expect(box.querySelector('table')).toBeNull()
  })

  it('gives the invitations made after it started the served addresses, and prints the set just made', async () => {
    await open({ event: 'organiser' }, 'Organisation')
    const before = byId<HTMLTextAreaElement>('inv-hubs').value
    button(document, 'Salle et clé USB').click()
    await settle()
    byId('hub-toggle').click()
    await settle()
    button(document, 'Invitations').click()
    await settle()
    const hubs = byId<HTMLTextAreaElement>('inv-hubs').value
    expect(hubs).not.toBe(before)
    expect(hubs.split('\n')[0]).toBe('ws://192.168.1.20:4455')
    byId('inv-create-all').click()
    await settle()
    byId('inv-sheet').click()
    await settle()
    const made = mockState().events[0].invitations.filter(inv => inv.for === null && inv.state === 'unused')
    const printed = mockState().sheets[mockState().sheets.length - 1]
    expect(printed.length).toBeGreaterThan(0)
    expect(printed.every(id => made.some(inv => inv.id === id))).toBe(true)
    // One card of the set revoked (lost): the sheet prints the others.
    made[0].state = 'revoked'
    button(document, 'Invitations').click()
    await settle()
    byId('inv-sheet').click()
    await settle()
    const again = mockState().sheets[mockState().sheets.length - 1]
    expect(again).toHaveLength(printed.length - 1)
    expect(again).not.toContain(made[0].id)
  })

  it('is not offered on a device whose invitation covers part of the event', async () => {
    await open({ event: 'facilitator', sync: 'up_to_date' }, 'Réglages')
    expect(document.getElementById('hub-toggle')).toBeNull()
    expect(text('hub-narrow')).toContain('n’irait pas plus loin que cet ordinateur')
  })

  it('can still be stopped on such a device that served before its invitation', async () => {
    await open({ event: 'facilitator', sync: 'up_to_date', serve: 'on' }, 'Réglages')
    expect(document.getElementById('hub-narrow')).toBeNull()
    expect(text('hub-toggle')).toBe('Arrêter le serveur')
  })

  it('says why it could not start (port taken), in the header from the start and in the settings', async () => {
    await open({ event: 'organiser', serve: 'port_taken' })
    expect(byId('serving-badge').hidden).toBe(false)
    expect(text('serving-badge')).toBe(frenchSpaces('Cet ordinateur ne sert pas l’événement : voir Réglages'))
    expect(byId('serving-badge').className).toContain('failed')
    button(document.querySelector('nav')!, 'Réglages').click()
    await settle()
    expect(text('hub-error')).toContain('le port 4455 est déjà utilisé')
    byId('hub-toggle').click()
    await settle()
    expect(text('serve')).toContain('ne sert pas')
    expect(text('hub-error')).toBe(frenchSpaces('Le serveur n’a pas pu démarrer : le port 4455 est déjà utilisé par un autre programme'))
    expect(text('serving-badge')).toContain('ne sert pas')
    // Another port: served there, and the header says so.
    byId<HTMLInputElement>('hub-port').value = '80'
    byId('hub-toggle').click()
    await settle()
    expect(text('alerts')).toContain(frenchSpaces('port « 80 » invalide'))
    expect(document.activeElement?.id).toBe('hub-port')
    byId<HTMLInputElement>('hub-port').value = '4456'
    byId('hub-toggle').click()
    await settle()
    expect(text('serve')).toContain('ws://192.168.1.20:4456')
    expect(byId('hub-port').closest('span')?.hidden).toBe(true)
    expect(text('serving-badge')).not.toContain('ne sert pas')
  })

  it('without a usable invitation, offers to create them all with the served addresses', async () => {
    await open({ event: 'organiser', serve: 'on' })
    mockState().events[0].invitations = []
    button(document.querySelector('nav')!, 'Organisation').click()
    await settle()
    button(document, 'Salle et clé USB').click()
    await settle()
    expect(text('serve')).toContain('Aucune invitation valable')
    byId('hub-create-all').click()
    await settle()
    expect(byId<HTMLSelectElement>('hub-qr-invitation').options).toHaveLength(47)
    expect(mockState().events[0].invitations[0].link).toContain('jeton')
  })

  it('revoking while serving the room says the room’s hub refuses the link at once', async () => {
    await open({ event: 'organiser', serve: 'on' })
    button(document.querySelector('nav')!, 'Organisation').click()
    await settle()
    byId('inv-create-all').click()
    await settle()
    document.querySelector<HTMLButtonElement>('[data-revoke]')!.click()
    await settle()
    expect(document.querySelector('[role=dialog]')?.textContent).toContain('le serveur de la salle (cet ordinateur) le refuse aussitôt')
  })
})

describe('events served nearby', () => {
  it('lists two hubs with their addresses on the welcome screen, and says how to join', async () => {
    await open({})
    expect(text('nearby-status')).toBe('2 événements servis trouvés à proximité.')
    const hubs = [...document.querySelectorAll('#nearby .nearby-hub')]
    expect(hubs).toHaveLength(2)
    expect(hubs[1].textContent).toContain('Journée des territoires numériques')
    expect(hubs[0].querySelectorAll('.addresses li')).toHaveLength(2)
    expect(text('nearby')).toContain('il faut une invitation')
  })

  it('says "recherche…" while searching, then the count', async () => {
    await open({ event: 'organiser', delayMs: 10 }, 'Réglages')
    await until('the result', () => text('nearby-status').includes('trouvé'))
    byId('nearby-refresh').click()
    await new Promise(resolve => setTimeout(resolve, 0))
    expect(text('nearby-status')).toBe('Recherche sur le réseau local…')
    expect(byId<HTMLButtonElement>('nearby-refresh').disabled).toBe(true)
    await until('the result', () => text('nearby-status').includes('trouvé'))
    // The event held here is recognised.
    expect(document.querySelector('#nearby .nearby-hub .badge')?.textContent).toBe('déjà sur cet appareil')
  })

  it('moves a device that syncs to its event’s hub found nearby, with its invitation and the announced certificate', async () => {
    await open({ event: 'facilitator', sync: 'up_to_date' }, 'Réglages')
    await until('the result', () => text('nearby-status').includes('trouvé'))
    const buttons = [...document.querySelectorAll<HTMLButtonElement>('#nearby [data-sync-nearby]')]
    expect(buttons).toHaveLength(1) // only for the event this device syncs
    expect(buttons[0].textContent).toBe('Synchroniser avec ce serveur')
    buttons[0].click()
    await settle()
    expect(mockState().sync.hub).toBe('wss://192.168.1.20:4455')
    expect(mockState().fingerprint).toBe('ab'.repeat(32))
    expect(text('status')).toContain('votre invitation est gardée')
  })

  it('keeps searching while the screen is open: a hub started later shows up without a click', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true })
    try {
      await open({ nearby: 'none' })
      expect(text('nearby-status')).toContain('la recherche continue')
      expect(document.querySelectorAll('#nearby .nearby-hub')).toHaveLength(0)
      mockState().nearby = 'two'
      await vi.advanceTimersByTimeAsync(5_000)
    } finally {
      vi.useRealTimers()
    }
    await until('the hubs', () => document.querySelectorAll('#nearby .nearby-hub').length === 2)
    expect(text('nearby-status')).toBe('2 événements servis trouvés à proximité.')
  })

  it('says in words when nothing is found, and when the search fails', async () => {
    await open({ nearby: 'none' })
    expect(text('nearby-status')).toContain('Aucun événement servi trouvé')
    expect(document.querySelectorAll('#nearby .nearby-hub')).toHaveLength(0)
    await open({ nearby: 'error' })
    expect(text('nearby-status')).toBe(frenchSpaces('La recherche n’a pas abouti : aucune interface réseau ne permet la recherche (multicast bloqué). Utilisez l’adresse écrite sur l’invitation, ou un paquet sur clé USB.'))
  })
})

describe('the arrivals board', () => {
  it('groups the 36 sessions by slot, counts what arrived, and marks a session with nothing after its slot', async () => {
    await open({ event: 'organiser' }, 'Organisation')
    button(document, 'Arrivées').click()
    await settle()
    const rows = document.querySelectorAll('.arrivals-sessions tr[data-session]')
    expect(rows).toHaveLength(36)
    expect([...document.querySelectorAll('.arrivals-sessions .slot-row')].map(r => r.textContent))
      .toEqual(['Jour 1 · 14:00', 'Jour 1 · 16:00', 'Jour 2 · 09:15', 'Jour 2 · 11:15'])
    const missing = document.querySelectorAll('.arrivals-sessions tr.missing')
    expect(missing).toHaveLength(1)
    expect(missing[0].querySelector('th')?.textContent).toMatch(/^9\. /)
    // Words, not only a colour.
    expect(missing[0].textContent).toContain('Rien reçu après la fin du créneau')
    expect(text('arrivals-missing')).toContain('1 session terminée sans rien au serveur')
    // Named by slot, so that the organiser goes round one slot's rooms at a time.
    const slots = document.querySelectorAll('#arrivals-missing .missing-slots > li')
    expect([...slots].map(li => li.querySelector('summary')?.textContent)).toEqual(['Jour 1 · 14:00 — 1 session (thème 9) · INSET de Nancy'])
    expect(slots[0].querySelector('.missing-sessions li')?.textContent).toMatch(/^9\. /)
    const first = document.querySelector('.arrivals-sessions tbody tr[data-session]')!
    expect(first.querySelector('td.count')?.textContent).toBe('7')
    expect(first.textContent).toContain('en ligne maintenant')
    expect(text('arrivals-summary')).toBe('12 sessions sur 36 ont envoyé des propositions au serveur.')
    // A device not connected says when it was last seen.
    expect(document.querySelector('.arrivals-sessions tr[data-session]:nth-child(4)')?.textContent).toContain('— vu ')
    // Per theme, per device.
    expect(document.querySelector('.arrivals-themes tr[data-theme="1"] th')?.textContent).toBe(`1. ${mockState().events[0].view.themes[0].title}`)
    const counts = [...document.querySelectorAll('.arrivals-themes tr[data-theme="1"] td')].map(td => td.textContent)
    expect(counts).toEqual(['4', '3', '1', '0'])
    const marc = document.querySelector('.arrivals-devices tr[data-device=portable-marc]')!
    expect([...marc.querySelectorAll('td')].map(td => td.textContent).slice(0, 2)).toEqual(['Animation de session', '3'])
    expect(document.querySelector('.arrivals-devices tr[data-device=poste-accueil] td:nth-child(3)')?.textContent).toBe('inconnu')
    // What no document it syncs will carry is said beside what it has not shared yet.
    const lucie = document.querySelector('.arrivals-devices tr[data-device=portable-lucie]')!
    expect(lucie.querySelector('td:nth-child(3)')?.textContent).toBe(frenchSpaces('0 · 2 hors de son invitation : un paquet les apporte'))
    expect(lucie.className).toBe('unsent')

    // Only the missing ones.
    const only = byId<HTMLInputElement>('arrivals-only-missing')
    only.checked = true
    only.dispatchEvent(new Event('change'))
    expect(document.querySelectorAll('.arrivals-sessions tr[data-session]')).toHaveLength(1)
    only.checked = false
    only.dispatchEvent(new Event('change'))

    // A proposal reaches the hub for the missing session: refreshing clears the mark.
    const sessionId = missing[0].getAttribute('data-session')!
    mockState().proposals.push({
      id: 'p-late', session_id: sessionId, theme: 9, subgroup: null, subgroup_name: null, title: 'Arrivée tard', body: '', kind: 'proposal',
      tags: [], author: 'Paul', created_at: new Date().toISOString(), deleted: false, merged_into: [],
    })
    byId('arrivals-refresh').click()
    await settle()
    expect(document.querySelectorAll('.arrivals-sessions tr.missing')).toHaveLength(0)
    expect(document.querySelector(`tr[data-session="${sessionId}"] td.count`)?.textContent).toBe('1')
    expect(text('arrivals-missing')).toContain('Aucune session terminée sans rien')
    expect(text('status')).toBe('Tableau des arrivées actualisé.')
  })

  it('keeps an opened slot open and the keyboard on it when read again, and says an unreadable synthesis', async () => {
    await open({ event: 'organiser' }, 'Organisation')
    button(document, 'Arrivées').click()
    await settle()
    const summary = () => document.querySelector<HTMLElement>('#arrivals-missing li[data-slot] summary')!
    summary().closest('details')!.open = true
    summary().focus()
    byId('arrivals-refresh').click()
    await settle()
    expect(summary().closest('details')!.open).toBe(true)
    // A change arrives: drawn again, the slot still open, the keyboard still on it.
    const real = api.arrivals.bind(api)
    const spy = vi.spyOn(api, 'arrivals').mockImplementation(async event => {
      const board = await real(event)
      board.themes[1] = { ...board.themes[1], consolidated: 0, retained: 0, draft: 0, set_aside: 0, unreadable: true }
      return board
    })
    summary().focus()
    byId('arrivals-refresh').click()
    await settle()
    expect(summary().closest('details')!.open).toBe(true)
    expect(document.activeElement?.textContent).toBe(summary().textContent)
    const theme2 = [...document.querySelectorAll('.arrivals-themes tr[data-theme="2"] td')].map(td => td.textContent)
    expect(theme2).toEqual(['Illisible sur le serveur (son journal est endommagé) : décompte inconnu'].map(frenchSpaces))
    spy.mockRestore()
  })

  it('says so when the hub cannot be read, instead of « Lecture… » for as long as it is away', async () => {
    const spy = vi.spyOn(api, 'arrivals').mockRejectedValue({ code: 'network', message: 'impossible de joindre le serveur' })
    await open({ event: 'organiser' }, 'Organisation')
    button(document, 'Arrivées').click()
    await settle()
    expect(byId('arrivals-problem').textContent).toContain('impossible de joindre le serveur')
    expect(byId('arrivals-summary').textContent).toBe(frenchSpaces('Tableau pas encore lu : il le sera dès que le serveur répondra (toutes les 10 secondes, ou « Actualiser »).'))
    spy.mockRestore()
    byId('arrivals-refresh').click()
    await settle()
    expect(byId('arrivals-summary').textContent).toBe('12 sessions sur 36 ont envoyé des propositions au serveur.')
  })

  it('sets the panel\'s dots per theme, and names who gave more than the new number', async () => {
    await open({ event: 'organiser', seed: 'plenary' }, 'Organisation')
    const field = byId<HTMLInputElement>('panel-dots')
    expect(field.value).toBe('3')
    // The plenary's seed: Hélène Vidal gave her 3 dots of theme 1.
    const state = mockState()
    field.value = '2'
    field.form!.requestSubmit()
    await settle()
    expect(state.dotsPerTheme).toBe(2)
    const notice = byId('notice')
    expect(notice.hidden).toBe(false)
    expect(notice.textContent).toContain('Chaque membre du panel a maintenant 2 points par thème.')
    expect(notice.textContent).toContain(frenchSpaces('Hélène Vidal a déjà donné 3 points sur le thème 1 : ils restent comptés'))
    // A number the store refuses is said, and changes nothing.
    field.value = '0'
    field.form!.requestSubmit()
    await settle()
    expect(byId('alerts').textContent).toContain('entre 1 et 99')
    expect(state.dotsPerTheme).toBe(2)
  })

  it('is read by a second organiser too, joined with an organiser\'s invitation (without the event\'s key)', async () => {
    await open({ event: 'co-organiser' }, 'Organisation')
    // No invitation to make without the key: the exports are there.
    expect(document.querySelector('#inv-create')).toBeNull()
    expect(document.querySelector('[data-export=report]')).not.toBeNull()
    button(document, 'Arrivées').click()
    await settle()
    expect(byId('arrivals-summary').textContent).toBe('12 sessions sur 36 ont envoyé des propositions au serveur.')
  })

  it('refreshes every 10 s while shown, and stops when left', async () => {
    const every = vi.spyOn(window, 'setInterval')
    const stop = vi.spyOn(window, 'clearInterval')
    await open({ event: 'organiser' }, 'Organisation')
    button(document, 'Arrivées').click()
    await settle()
    const call = every.mock.calls.findIndex(c => c[1] === 10_000)
    expect(call).toBeGreaterThanOrEqual(0)
    const timer = every.mock.results[call].value
    button(document, 'Invitations').click()
    await settle()
    expect(stop).toHaveBeenCalledWith(timer)
    expect(document.querySelector('table.invitations')).not.toBeNull()
  })
})

describe('bundles', () => {
  it('export: a progress bar while it runs, then the path and size, with Ouvrir and Ouvrir le dossier', async () => {
    await open({ event: 'organiser', delayMs: 15 }, 'Réglages')
    const progress = byId<HTMLProgressElement>('bundle-progress')
    expect(progress.hidden).toBe(true)
    byId('bundle-export').click()
    await until('the progress bar', () => !progress.hidden && progress.value >= 2)
    expect(progress.max).toBe(8)
    expect(progress.getAttribute('aria-valuetext')).toMatch(/^\d sur 8$/)
    expect(byId<HTMLButtonElement>('bundle-import').disabled).toBe(true)
    await until('the result', () => text('bundle-status').includes('Paquet écrit'))
    expect(progress.hidden).toBe(true)
    expect(text('bundle-status')).toContain(frenchSpaces('Paquet écrit (2,5 Mo) : /media/camille/CLE-USB/assises-2025.recolte-bundle'))
    document.querySelector<HTMLButtonElement>('#bundle-status [data-open]')!.click()
    document.querySelector<HTMLButtonElement>('#bundle-status [data-open-folder]')!.click()
    await settle()
    expect(mockState().opened).toEqual(['/media/camille/CLE-USB/assises-2025.recolte-bundle', '/media/camille/CLE-USB'])
  })

  it('import: says what changed; a corrupted file gives the backend’s message; cancelling says nothing', async () => {
    await open({ event: 'organiser' }, 'Réglages')
    byId('bundle-import').click()
    await until('the result', () => text('bundle-status').includes('Paquet importé'))
    expect(text('bundle-status')).toContain('38 documents lus, 12 modifiés')

    mockState().bundle = 'corrupted'
    byId('bundle-import').click()
    await until('the error', () => text('bundle-error') !== '')
    expect(text('bundle-error')).toBe(frenchSpaces('Le paquet n’a pas pu être traité : ') + 'le paquet est abîmé : sa somme de contrôle ne correspond pas (octet 18 432). Rien n’a été modifié.')
    expect(text('bundle-status')).toBe('')
    expect(byId('bundle-progress').hidden).toBe(true)
    expect(byId<HTMLButtonElement>('bundle-import').disabled).toBe(false)

    mockState().bundle = 'cancel'
    byId('bundle-export').click()
    await settle()
    expect(text('bundle-status')).toBe('')
    expect(text('bundle-error')).toBe('')
  })

  it('import of another event’s bundle: named, and added only when the person says so', async () => {
    await open({ event: 'organiser', bundle: 'other-event' }, 'Réglages')
    byId('bundle-import').click()
    await until('the question', () => document.querySelector('[role=dialog]') !== null)
    const dialog = () => document.querySelector('[role=dialog]')!
    expect(dialog().textContent).toContain('« Journée des territoires numériques », que cet appareil n\'a pas')
    // Cancel is focused first: Enter does not add an event by accident.
    expect(document.activeElement?.textContent).toBe('Annuler')
    ;(document.activeElement as HTMLButtonElement).click()
    await until('the answer', () => text('bundle-status') !== '')
    expect(text('bundle-status')).toBe(frenchSpaces('Paquet non importé : rien n’a changé.'))
    expect(text('bundle-error')).toBe('')
    expect(document.querySelector('[role=dialog]')).toBeNull()

    byId('bundle-import').click()
    await until('the question', () => document.querySelector('[role=dialog]') !== null)
    dialog().querySelector<HTMLButtonElement>('[data-confirm]')!.click()
    await until('the result', () => text('bundle-status').includes('Paquet importé'))
    expect(text('bundle-error')).toBe('')
  })
})

describe('opening what the app wrote', () => {
  it('every export shows its folder with Ouvrir le dossier, and each file with Ouvrir', async () => {
    await open({ event: 'organiser' }, 'Réglages')
    document.querySelector<HTMLButtonElement>('[data-export=opendata]')!.click()
    await settle()
    const status = document.querySelector('.export-status')!
    expect(status.querySelectorAll('[data-open]')).toHaveLength(3)
    status.querySelector<HTMLButtonElement>('[data-open-folder]')!.click()
    status.querySelector<HTMLButtonElement>('[data-open="/home/demo/Documents/Récolte/Assises 2025/datapackage.json"]')!.click()
    await settle()
    expect(mockState().opened).toEqual(['/home/demo/Documents/Récolte/Assises 2025', '/home/demo/Documents/Récolte/Assises 2025/datapackage.json'])
  })

  it('Decidim: both import files, and the answers from Decidim’s export with what they leave out', async () => {
    await open({ event: 'organiser' }, 'Réglages')
    document.querySelector<HTMLButtonElement>('[data-export=decidim]')!.click()
    await settle()
    const status = document.querySelector('.export-status')!
    expect([...status.querySelectorAll('.file-name')].map(f => f.textContent)).toEqual(['decidim.json', 'decidim.csv'])
    byId('decidim-answers').click()
    await settle()
    expect(status.textContent).toContain('3 réponses écrites.')
    expect(status.textContent).toContain(frenchSpaces('1 proposition introuvable dans l’export de Decidim (titre modifié depuis l’import ?) :« Écrire le portage dans les délibérations »'))
    expect(status.textContent).toContain(frenchSpaces('1 brouillon, volontairement sans réponse :« Un prix annuel de l’innovation »'))
    expect([...status.querySelectorAll('.file-name')].map(f => f.textContent)).toEqual(['decidim-reponses.csv'])
  })

  it('the invitation sheet has Ouvrir beside its path', async () => {
    await open({ event: 'organiser' }, 'Organisation')
    byId('inv-sheet').click()
    await settle()
    document.querySelector<HTMLButtonElement>('.sheet-status [data-open]')!.click()
    await settle()
    expect(mockState().opened).toEqual(['/home/demo/Documents/Récolte/Assises 2025/invitations.html'])
  })
})

beforeEach(() => {
  vi.spyOn(window, 'alert').mockImplementation(() => { throw new Error('window.alert used') })
})

describe('syncing the organiser’s own device with a hub', () => {
  it('needs no token on the device that holds the event’s key, and says so', async () => {
    // The mock's organiser holds the practice event: made a real one here.
    await open({ event: 'organiser' })
    mockState().events[0].practice = false
    button(document.querySelector('nav')!, 'Réglages').click()
    await settle()
    expect(text('settings-token-hint')).toContain('laissez le jeton vide')
    expect(byId('settings-token').getAttribute('aria-describedby')).toBe('settings-token-hint')
    ;(byId('settings-hub') as HTMLInputElement).value = 'ws://192.168.1.20:4455'
    byId<HTMLFormElement>('settings-hub').closest('form')!.requestSubmit()
    await settle()
    expect(mockState().sync.hub).toBe('ws://192.168.1.20:4455')
    expect(text('alerts')).toBe('')
  })

  it('asks for one on the practice event, whose key no hub trusts', async () => {
    await open({ event: 'organiser' }, 'Réglages')
    expect(document.getElementById('settings-token-hint')).toBeNull()
  })

  it('moves a device that syncs to the room’s laptop with its own invitation, no token typed', async () => {
    await open({ event: 'facilitator', sync: 'up_to_date' }, 'Réglages')
    expect(text('settings-token-hint')).toContain('garde l’invitation')
    ;(byId('settings-hub') as HTMLInputElement).value = 'ws://192.168.1.20:4455'
    byId<HTMLFormElement>('settings-hub').closest('form')!.requestSubmit()
    await settle()
    expect(text('alerts')).toBe('')
    expect(mockState().sync.hub).toBe('ws://192.168.1.20:4455')
  })

  it('asks for a token on a device that knows none (an event brought by a USB key)', async () => {
    await open({ event: 'open' }, 'Réglages')
    expect(document.getElementById('settings-token-hint')).toBeNull()
    ;(byId('settings-hub') as HTMLInputElement).value = 'ws://192.168.1.20:4455'
    byId<HTMLFormElement>('settings-hub').closest('form')!.requestSubmit()
    await settle()
    expect(text('alerts')).toContain('indiquez le jeton d’accès reçu')
  })
})
