// An in-memory stand-in for the Tauri backend, for browser and unit tests of the interface
// (and a demonstration without the desktop shell). It mirrors the commands' contracts, not
// the core's algorithms: merges, search and duplicate suggestions are deliberately simple.
import { mockIPC } from '@tauri-apps/api/mocks'
import { emit } from '@tauri-apps/api/event'
import sample from '../../examples/assises-2025.json'
import { mockUndo } from './mock-undo'
import type {
  Access, ClockAction, ArrivalDevice, ArrivalsBoard, BundleImported, Consolidated, DeviceAccess, DocStatus, EventSummary, EventView, Invitation, InvitationPreview,
  JoinedDevice, NearbyHub, PanelSummary, Proposal, QrCode, Review, Role, ServeInfo, SessionArrival, SessionClock, SessionInfo, Subgroup,
  SyncSummary, Triage,
} from './api'

/** A session's clock as its document keeps it: the start pressed by hand (else the programme's),
 * the pauses, and per phase the seconds added (+5 min) or cut (skipped to the next phase). */
interface MockClock {
  startedAt: number | null
  pauses: { from: number; to: number | null }[]
  /** Milliseconds added to each phase (+5 min). */
  extraMs: number[]
  /** Milliseconds each phase was cut short by (skipped to the next phase). */
  cutMs: number[]
}

/** One event held by the mock device, and what this device may do in it. */
interface MockEvent {
  view: EventView
  practice: boolean
  holdsKey: boolean
  role: Role | null
  scope: { sessions: string[]; themes: number[] }
  forName: string | null
  invitations: Invitation[]
  devices: JoinedDevice[]
}

interface State {
  lang: 'fr' | 'en'
  author: string
  events: MockEvent[]
  subgroups: Subgroup[]
  proposals: Proposal[]
  consolidated: Consolidated[]
  /** Marks and comments (votes are kept apart, one entry per member and proposal). */
  reviews: Omit<Review, 'votes' | 'total' | 'mine'>[]
  /** One entry per panel member and consolidated proposal, as the panel document keeps them. */
  votes: { consolidated_id: string; member: string; dots: number }[]
  /** Dots each panel member may give per theme. */
  dotsPerTheme: number
  /** The rapporteurs' triage, per theme (the synthesis documents' own maps). */
  triage: Record<number, Triage>
  /** What the app asked of the window: true to go full screen, false to come back (in order). */
  fullscreen: boolean[]
  /** The window said it may close (its last saves sent). */
  closed: boolean
  sync: SyncSummary
  pendingLink: string | null
  /** A join that found the hub unreachable with nothing received: what background sync brings later. */
  arrival: (() => void) | null
  /** This computer serving the event, and what starting it does. */
  serve: ServeInfo
  serveScenario: MockServe
  nearby: MockNearby
  bundle: MockBundle
  /** Milliseconds between the steps of slow work (the nearby search, bundle progress). */
  delayMs: number
  /** Paths the app asked the system to open. */
  opened: string[]
  /** The invitations each sheet was asked for (none: every usable one). */
  sheets: string[][]
  /** The certificate fingerprint the last sync set-up named (a hub picked nearby). */
  fingerprint: string | null
  /** The shared clock of each session (as every device of the session sees it). */
  clocks: Record<string, MockClock>
  /** Added to the wall clock for the session clocks: tests move time forward with it. */
  clockOffsetMs: number
  /** Set when the store could only be opened for reading (a full or read-only disk). */
  readOnly: string | null
}

export type MockSync = 'off' | 'up_to_date' | 'syncing' | 'revoked' | 'expired' | 'offline' | 'former' | 'nearby'
/** 'on': already serving when the app opens; 'port_taken': it was serving, starting again at opening failed, and
 * starting fails; 'no_announce': serves, not announced. */
export type MockServe = 'off' | 'on' | 'port_taken' | 'no_announce'
export type MockNearby = 'two' | 'none' | 'error'
/** What the next bundle export or import does ('cancel': the person closes the system dialog). */
export type MockBundle = 'ok' | 'cancel' | 'corrupted' | 'truncated' | 'foreign' | 'other-event'
export interface MockOptions {
  serve?: MockServe
  nearby?: MockNearby
  bundle?: MockBundle
  delayMs?: number
  lang?: 'fr' | 'en'
  author?: string
  /** An event already on this device, and the device's role in it ('open': no role, no key). */
  /** `co-organiser`: joined with an organiser's invitation, without the event's key. */
  event?: 'organiser' | 'co-organiser' | 'facilitator' | 'rapporteur' | 'panel' | 'open'
  sync?: MockSync
  /** The link the system opened the app with. */
  pendingLink?: string | null
  /** 'plenary': the event as the closing plenary finds it (proposals in sessions, consolidated
   * proposals in themes 1 to 3, another panel member's votes, a mark, a comment, a source this
   * device does not hold). */
  seed?: 'plenary' | 'theme2000'
  /** The store could only be opened for reading: what the app says about it. */
  readOnly?: string
}

/** The other panel member of the plenary scenario. */
export const OTHER_MEMBER = 'Hélène Vidal'

const HUB = 'ws://192.168.1.20:4455'

let counter = 0
const id = (): string => {
  counter += 1
  return `01a20000-0000-7000-8000-${String(counter).padStart(12, '0')}`
}

/** When a UUID v7 was made, as the backend reads it from an event's id. */
const madeAt = (uuid: string): string | null =>
  uuid[14] === '7' ? new Date(parseInt(uuid.slice(0, 8) + uuid.slice(9, 13), 16)).toISOString() : null

const listedAs = (e: MockEvent): EventSummary =>
  ({ id: e.view.id, name: e.view.name, practice: e.practice, created_at: madeAt(e.view.id) })

const fold = (s: string): string => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')

function eventFromSample(eventId = id(), name = sample.event.name): EventView {
  const places = new Map(sample.event.places.map(p => [p.id, p.name]))
  const slots = sample.slots.map(s => ({ ...s, date: sample.days.find(d => d.day === s.day)?.date ?? '', label: s.label ?? s.id }))
  const sessions: SessionInfo[] = sample.sessions.map(s => {
    const slot = slots.find(x => x.id === s.slot)!
    const theme = sample.themes.find(th => th.number === s.theme)!
    return {
      id: id(), theme: s.theme, theme_title: theme.title, slot: s.slot, day: slot.day, date: slot.date, start: slot.start,
      duration_minutes: slot.duration_minutes, place: places.get(s.place) ?? s.place, room: null,
      // The mock reads the programme's times on this machine's clock (the store, on the event's).
      ends_at: new Date(Date.parse(`${slot.date}T${slot.start}:00`) + slot.duration_minutes * 60_000).toISOString(),
    }
  })
  sessions.sort((a, b) => a.day - b.day || a.start.localeCompare(b.start) || a.theme - b.theme)
  return {
    id: eventId, name, public_key: null, organiser: sample.event.organiser, timezone: sample.event.timezone,
    places: [], days: [], run_sheet: sample.run_sheet, slots, themes: sample.themes.map(th => ({ ...th, speakers: th.speakers ?? [] })), sessions,
  }
}

const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString()

function syncScenario(name: MockSync): SyncSummary {
  const base: SyncSummary = { state: 'up_to_date', hub: HUB, documents: 4, up_to_date: 4, unshared: 0, out_of_rights: 0, former_invitation: 0, error: null, found_nearby: false }
  switch (name) {
    case 'off': return { ...base, state: 'off', hub: null, documents: 0, up_to_date: 0 }
    case 'syncing': return { ...base, state: 'syncing', up_to_date: 2, unshared: 3 }
    // A facilitator's previous session card kept aside: its last changes go with it.
    case 'former': return { ...base, state: 'syncing', up_to_date: 3, unshared: 2, former_invitation: 2 }
    // The invitation's hub gone, background sync moved to the room's laptop found nearby.
    case 'nearby': return { ...base, hub: 'wss://192.168.1.20:4455', found_nearby: true }
    case 'revoked': return {
      ...base, state: 'refused', up_to_date: 0, unshared: 2, out_of_rights: 1,
      // The sync engine's words (crates/sync/src/refusal.rs, RefusalCode::explain).
      error: { code: 'revoked', message: "l'organisation a révoqué votre invitation : le serveur ne l'accepte plus ; vos données restent sur cet appareil ; rejoignez avec une nouvelle invitation pour partager à nouveau" },
    }
    case 'expired': return {
      ...base, state: 'refused', up_to_date: 0, unshared: 2,
      error: { code: 'expired', message: 'cette invitation a expiré le 13 juin 2025 à 18:00' },
    }
    case 'offline': return {
      ...base, state: 'offline', up_to_date: 0, unshared: 2,
      error: { code: 'unreachable', message: `${HUB} ne répond pas (connexion refusée)` },
    }
    default: return base
  }
}


const SERVED: ServeInfo = {
  serving: true, port: 4455, announced: true, error: null,
  addresses: ['ws://192.168.1.20:4455', 'ws://10.42.0.1:4455', 'ws://[fe80::1c2b:3aff:fe4d:5e6f%wlp2s0]:4455'],
}
const NOT_SERVING: ServeInfo = { serving: false, port: null, addresses: [], announced: false, error: null }

function serveScenario(name: MockServe, started: boolean): ServeInfo {
  if (!started) return NOT_SERVING
  if (name === 'port_taken') return { ...NOT_SERVING, error: 'le port 4455 est déjà utilisé par un autre programme' }
  if (name === 'no_announce') return { ...SERVED, announced: false }
  return SERVED
}

/**
 * A QR-looking code for a text: finder patterns and modules drawn from a hash of the text.
 * It is not readable by a scanner (the real one comes from the backend's qrcode crate).
 */
export function mockQr(text: string): QrCode {
  const size = 41
  let seed = 2166136261
  for (const ch of text) seed = Math.imul(seed ^ ch.charCodeAt(0), 16777619) >>> 0
  const random = () => { seed = Math.imul(seed ^ (seed >>> 15), 2246822519) >>> 0; seed ^= seed >>> 13; return (seed >>> 0) / 4294967296 }
  const finder = (x: number, y: number) => {
    for (const [fx, fy] of [[0, 0], [size - 7, 0], [0, size - 7]]) {
      const dx = x - fx, dy = y - fy
      if (dx >= -1 && dx <= 7 && dy >= -1 && dy <= 7) {
        if (dx < 0 || dy < 0 || dx > 6 || dy > 6) return 0
        const ring = Math.max(Math.abs(dx - 3), Math.abs(dy - 3))
        return ring === 2 ? 0 : 1
      }
    }
    return -1
  }
  let path = ''
  for (let y = 0; y < size; y++) {
    let run = 0
    const flush = (x: number) => { if (run) { path += `M${x - run} ${y}h${run}v1h-${run}z`; run = 0 } }
    for (let x = 0; x < size; x++) {
      const f = finder(x, y)
      const dark = f >= 0 ? f === 1 : x === 6 || y === 6 ? (x + y) % 2 === 0 : random() < 0.5
      if (dark) run++
      else flush(x)
    }
    flush(size)
  }
  return { size, path }
}

const PEOPLE = ['Lucie Martin', 'Marc Petit', 'Sophie Bernard', 'Thomas Dubois', 'Amina Diallo', 'Julien Moreau', 'Claire Lefèvre',
  'Hugo Laurent', 'Nadia Haddad', 'Paul Girard', 'Émile Roux', 'Chloé Fontaine']
const minutesAgo = (m: number): string => new Date(Date.now() - m * 60_000).toISOString()
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

function sessionWords(s: SessionInfo): string {
  return `Thème ${s.theme} · jour ${s.day}, ${s.start} · ${s.room ?? s.place}`
}

/** What an invitation is for, in words (as the backend's `label`). */
function labelFor(view: EventView, role: Role, sessions: string[], themes: number[]): string {
  if (role === 'facilitator') {
    const found = view.sessions.filter(s => sessions.includes(s.id))
    return found.length === 1 ? sessionWords(found[0]) : `Animation, ${found.length} sessions`
  }
  if (role === 'rapporteur') return `Rapporteur, thème ${themes.join(', ')}`
  if (role === 'panel') return 'Panel de clôture'
  return 'Organisation'
}

/**
 * A mock invitation link. Sessions are given by their position in the programme (sorted by
 * day, time and theme), so that a link made on one mock device opens the same sessions on another.
 */
export function mockLink(options: {
  event: string; name: string; role: Role; sessions?: number[]; themes?: number[]; for?: string | null; expires: string; fail?: string
}): string {
  const q = new URLSearchParams({ e: options.event, n: options.name, r: options.role, x: options.expires, h: HUB, t: 'jeton-signé' })
  if (options.sessions?.length) q.set('s', options.sessions.join(','))
  if (options.themes?.length) q.set('th', options.themes.join(','))
  if (options.for) q.set('f', options.for)
  if (options.fail) q.set('fail', options.fail)
  return `recolte://join?${q}`
}

function parseLink(link: string): { event: string; name: string; role: Role; sessions: number[]; themes: number[]; for: string | null; expires: string; fail: string | null } {
  const text = link.trim()
  if (!text.startsWith('recolte://join?')) throw { code: 'invalid', message: 'un lien d’invitation commence par recolte://join?' }
  const q = new URLSearchParams(text.slice('recolte://join?'.length))
  const role = q.get('r') as Role
  if (!q.get('e') || !['organiser', 'facilitator', 'rapporteur', 'panel'].includes(role) || !q.get('x')) {
    throw { code: 'invalid', message: 'le lien est incomplet (copiez-le en entier)' }
  }
  const numbers = (key: string) => (q.get(key) ?? '').split(',').filter(Boolean).map(Number)
  return {
    event: q.get('e')!, name: q.get('n') ?? '', role, sessions: numbers('s'), themes: numbers('th'), for: q.get('f'),
    expires: q.get('x')!, fail: q.get('fail'),
  }
}

function accessOf(e: MockEvent): DeviceAccess {
  const all = (access: Access) => ({
    sessions: e.view.sessions.map(s => ({ id: s.id, access })),
    themes: e.view.themes.map(th => ({ number: th.number, access })),
  })
  const first = e.view.sessions[0]?.id ?? null
  if (e.holdsKey || e.role === 'organiser') {
    return {
      role: 'organiser', holds_key: e.holdsKey, for: e.forName, programme: 'write', ...all('write'), panel: 'write',
      screens: ['capture', 'synthesis', 'panel', 'organisation', 'settings'],
      home: { screen: 'capture', session: first, theme: null },
    }
  }
  if (e.role === null) {
    return {
      role: null, holds_key: false, for: null, programme: 'write', ...all('write'), panel: 'write',
      screens: ['capture', 'synthesis', 'panel', 'settings'], home: { screen: 'capture', session: first, theme: null },
    }
  }
  if (e.role === 'facilitator') {
    return {
      role: 'facilitator', holds_key: false, for: e.forName, programme: 'read',
      sessions: e.view.sessions.map(s => ({ id: s.id, access: e.scope.sessions.includes(s.id) ? 'write' : 'none' })),
      themes: e.view.themes.map(th => ({ number: th.number, access: 'none' })), panel: 'none',
      screens: ['capture', 'settings'], home: { screen: 'capture', session: e.scope.sessions[0] ?? null, theme: null },
    }
  }
  if (e.role === 'rapporteur') {
    return {
      role: 'rapporteur', holds_key: false, for: e.forName, programme: 'read',
      sessions: e.view.sessions.map(s => ({ id: s.id, access: e.scope.themes.includes(s.theme) ? 'read' : 'none' })),
      themes: e.view.themes.map(th => ({ number: th.number, access: e.scope.themes.includes(th.number) ? 'write' : 'none' })), panel: 'none',
      screens: ['synthesis', 'capture', 'settings'], home: { screen: 'synthesis', session: null, theme: e.scope.themes[0] ?? null },
    }
  }
  return {
    role: 'panel', holds_key: false, for: e.forName, programme: 'read', ...all('read'), panel: 'write',
    screens: ['panel', 'synthesis', 'capture', 'settings'], home: { screen: 'panel', session: null, theme: null },
  }
}

export function mockState(): State {
  return (window as unknown as { __recolteMock: State }).__recolteMock
}

/** Changes the sync scenario while the app runs (as the sync engine would). */
export function setMockSync(name: MockSync): void {
  const state = mockState()
  state.sync = syncScenario(name)
  void emit('sync-status', state.sync)
}

/** The session clocks' "now" (the wall clock, moved by the tests). */
export function mockNow(): number {
  return Date.now() + mockState().clockOffsetMs
}

/** Moves the session clocks' time forward (or, with a date, to that moment). */
export function advanceMockClock(seconds: number): void {
  mockState().clockOffsetMs += seconds * 1000
}
export function setMockNow(at: number | string): void {
  mockState().clockOffsetMs = new Date(at).getTime() - Date.now()
}

/** A clock action made on another facilitator's device: it arrives here as a change of the store. */
export function mockClockAction(session: string, action: ClockAction, minutes?: number): SessionClock {
  return (window as unknown as { __recolteMockClock: (s: string, a: ClockAction, m?: number) => SessionClock }).__recolteMockClock(session, action, minutes)
}

/** Background sync brings the event of a join that had received nothing (`fail=nothing`). */
export function mockArrival(): void {
  const state = mockState()
  state.arrival?.()
  state.arrival = null
}

/** What the system does when a `recolte://` link is opened while the app runs. */
export function openMockLink(link: string): void {
  void emit('invitation-link', link)
}

export function installMockBackend(options: MockOptions = {}): void {
  const state: State = {
    lang: options.lang ?? 'fr', author: options.author ?? 'Camille', events: [], subgroups: [], proposals: [], consolidated: [], reviews: [],
    votes: [], dotsPerTheme: 3, fullscreen: [], closed: false, triage: {},
    sync: syncScenario(options.sync ?? 'off'), pendingLink: options.pendingLink ?? null, arrival: null,
    serve: serveScenario(options.serve ?? 'off', options.serve === 'on' || options.serve === 'no_announce' || options.serve === 'port_taken'),
    serveScenario: options.serve ?? 'off', nearby: options.nearby ?? 'two', bundle: options.bundle ?? 'ok',
    delayMs: options.delayMs ?? 0, opened: [], sheets: [], fingerprint: null, clocks: {}, clockOffsetMs: 0, readOnly: options.readOnly ?? null,
  }
  const win = window as unknown as Record<string, unknown>
  win.__recolteMock = state
  win.__recolteMockSync = setMockSync
  win.__recolteMockOpenLink = openMockLink
  win.__recolteMockLink = mockLink
  win.__recolteMockAdvance = advanceMockClock
  const changed = () => { void emit('store-changed', counter) }
  // A change saved by another device, as the sync engine reports it.
  win.__recolteMockChanged = changed
  const fail = (code: string, message: string): never => { throw { code, message } }
  const eventOf = (eid: string): MockEvent => state.events.find(e => e.view.id === eid) ?? fail('not_found', `aucun événement n’a l’identifiant ${eid}`)
  const needEvent = (): EventView => state.events[0]?.view ?? fail('not_found', 'aucun événement')
  const sessionIds = (eid: string) => new Set(eventOf(eid).view.sessions.map(s => s.id))
  const proposal = (pid: string): Proposal => state.proposals.find(p => p.id === pid) ?? fail('not_found', `aucune proposition n'a l'identifiant ${pid}`)
  const consolidatedOf = (cid: string): Consolidated => state.consolidated.find(c => c.id === cid) ?? fail('not_found', 'aucune proposition consolidée')
  const mergedInto = (pid: string) => state.consolidated.filter(c => !c.deleted && c.sources.some(s => s.proposal_id === pid)).map(c => c.id)
  const withMerged = (p: Proposal): Proposal => ({ ...p, merged_into: mergedInto(p.id) })
  const durations: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }
  const expiry = (valid: string, e: MockEvent): string => {
    if (String(valid).trim() === 'event') {
      // As the store: the end of the day after the last day (UTC here), 3 days at least.
      const last = e.view.days.map(d => Date.parse(`${d.date}T00:00:00Z`)).filter(Number.isFinite).sort().pop() ?? 0
      return new Date(Math.max(last + 2 * durations.d, Date.now() + 3 * durations.d)).toISOString()
    }
    const m = /^(\d+)([mhdw])$/.exec(String(valid).trim())
    if (!m) fail('invalid', `durée de validité invalide « ${valid} » : écrivez par exemple 12h, 3d ou 2w, ou « event » (jusqu'à la fin du lendemain de l'événement)`)
    return new Date(Date.now() + Number(m![1]) * durations[m![2]]).toISOString()
  }

  function invite(e: MockEvent, role: Role, sessions: string[], themes: number[], forName: string | null, expires: string): Invitation {
    const positions = sessions.map(sid => e.view.sessions.findIndex(s => s.id === sid))
    const inv: Invitation = {
      id: id(), link: mockLink({ event: e.view.id, name: e.view.name, role, sessions: positions, themes, for: forName, expires }),
      role, sessions, themes, for: forName, label: labelFor(e.view, role, sessions, themes),
      created_at: new Date().toISOString(), expires_at: expires, state: 'unused', joined_by: null, joined_at: null,
      event: e.view.id, hubs: [],
    }
    e.invitations.push(inv)
    return inv
  }

  function addEvent(kind: NonNullable<MockOptions['event']>, practice: boolean, view = eventFromSample()): MockEvent {
    const e: MockEvent = {
      view, practice, holdsKey: kind === 'organiser', role: kind === 'open' ? null : kind === 'co-organiser' ? 'organiser' : kind,
      scope: { sessions: [], themes: [] }, forName: null, invitations: [], devices: [],
    }
    if (kind === 'facilitator') { e.scope.sessions = [view.sessions[0].id]; e.forName = 'Lucie Martin' }
    if (kind === 'rapporteur') { e.scope.themes = [1]; e.forName = 'Karim Benali' }
    if (kind === 'organiser') {
      // A few invitations in every state, and a device that joined.
      const [s1, s2, s3] = view.sessions
      invite(e, 'facilitator', [s1.id], [], 'Lucie Martin', inDays(3))
      const joined = invite(e, 'facilitator', [s2.id], [], 'Marc Petit', inDays(3))
      joined.state = 'joined'; joined.joined_by = 'Marc Petit'; joined.joined_at = new Date(Date.now() - 3_600_000).toISOString()
      const old = invite(e, 'rapporteur', [], [3], 'Inès Roux', inDays(-1))
      old.state = 'expired'
      const revoked = invite(e, 'facilitator', [s3.id], [], null, inDays(2))
      revoked.state = 'revoked'
      e.devices.push({ device: 'portable-marc', name: 'Marc Petit', invitation_id: joined.id, role: 'facilitator', joined_at: joined.joined_at! })
    }
    state.events.push(e)
    return e
  }
  if (options.event) addEvent(options.event, options.event === 'organiser')
  if (options.seed === 'plenary' && state.events[0]) seedPlenary(state.events[0].view)
  if (options.seed === 'theme2000' && state.events[0]) seedLargeTheme(state.events[0].view, 2000)

  /** A theme at ten times the Assises' size, for the rapporteur's screen benchmark: its four
   * sessions × 6 sub-groups, varied titles, bodies that repeat stock sentences. */
  function seedLargeTheme(view: EventView, count: number): void {
    const sessions = view.sessions.filter(x => x.theme === 1)
    const groups = sessions.flatMap(session => ['A', 'B', 'C', 'D', 'E', 'F'].map(letter => {
      const g: Subgroup = { id: id(), session_id: session.id, name: `Groupe ${letter}`, created_at: new Date(0).toISOString(), deleted: false }
      state.subgroups.push(g)
      return g
    }))
    const verbs = ['Former', 'Outiller', 'Évaluer', 'Financer', 'Documenter', 'Mutualiser', 'Reconnaître', 'Simplifier']
    const whom = ['les élus', 'les agents', 'les habitants', 'les DGS', 'les managers', 'les équipes projet', 'les directions', 'les partenaires']
    const what = ['à l’innovation publique', 'aux méthodes agiles', 'au design des politiques publiques', 'à l’évaluation', 'aux communs numériques']
    const stock = ['À tester d’abord dans deux ou trois collectivités volontaires.', 'Proposition portée par tout le sous-groupe.', '']
    const kinds: Proposal['kind'][] = ['proposal', 'proposal', 'concrete_action', 'obstacle', 'question']
    for (let i = 0; i < count; i++) {
      const g = groups[i % groups.length]
      state.proposals.push({
        id: id(), session_id: g.session_id, theme: 1, subgroup: g.id, subgroup_name: g.name,
        title: `${verbs[i % verbs.length]} ${whom[Math.floor(i / verbs.length) % whom.length]} ${what[Math.floor(i / 64) % what.length]} (${i + 1})`,
        body: stock[i % stock.length], kind: kinds[i % kinds.length], tags: [], author: 'Camille',
        created_at: new Date(Date.parse('2025-06-12T12:00:00Z') + i * 1000).toISOString(), deleted: false, merged_into: [],
      })
    }
  }

  /** What the sub-groups of themes 1 to 3 produced, and what their rapporteurs made of it. */
  function seedPlenary(view: EventView): void {
    const rooms = ['Salle Gallé', 'Salle Prouvé', 'Salle Majorelle', 'Salle Daum']
    view.sessions.filter(s => s.theme <= 3).forEach((s, i) => { s.room = rooms[i % rooms.length] })
    const sessionOf = (theme: number, n: number) => view.sessions.filter(s => s.theme === theme)[n]
    const at = (minutes: number) => new Date(Date.parse('2025-06-12T12:00:00Z') + minutes * 60_000).toISOString()
    const group = (session: SessionInfo, name: string): Subgroup => {
      const g: Subgroup = { id: id(), session_id: session.id, name, created_at: at(0), deleted: false }
      state.subgroups.push(g)
      return g
    }
    const put = (session: SessionInfo, g: Subgroup | null, kind: Proposal['kind'], title: string, body: string, author: string): Proposal => {
      const p: Proposal = {
        id: id(), session_id: session.id, theme: session.theme, subgroup: g?.id ?? null, subgroup_name: g?.name ?? null,
        title, body, kind, tags: [], author, created_at: at(state.proposals.length), deleted: false, merged_into: [],
      }
      state.proposals.push(p)
      return p
    }
    const merge = (theme: number, title: string, body: string, status: Consolidated['status'], sources: { proposal_id: string; session_id: string }[]): Consolidated => {
      const c: Consolidated = {
        id: id(), event_id: view.id, theme, title, body, status, priority: state.consolidated.filter(x => x.theme === theme).length + 1,
        sources, author: 'Karim Benali', created_at: at(200 + state.consolidated.length), deleted: false,
      }
      state.consolidated.push(c)
      return c
    }
    const src = (p: Proposal) => ({ proposal_id: p.id, session_id: p.session_id })
    const [s1a, s1b, s1c] = [sessionOf(1, 0), sessionOf(1, 1), sessionOf(1, 2)]
    const a = group(s1a, 'Groupe A'), b = group(s1a, 'Groupe B'), c = group(s1b, 'Les élus'), d = group(s1c, 'Table 3')
    const p1 = put(s1a, a, 'proposal', 'Former les élus à l’innovation publique', 'Un module d’une demi-journée dès l’installation du conseil, avec des agents qui racontent leurs projets.', 'Lucie Martin')
    const p2 = put(s1b, c, 'concrete_action', 'Un parcours court pour les nouveaux élus', 'Trois rencontres la première année : visite d’un laboratoire, atelier de design, retour d’expérience.', 'Marc Petit')
    const p3 = put(s1a, b, 'obstacle', 'Le portage s’arrête à chaque alternance', 'Les projets perdent leur sponsor après les élections ; rien n’est écrit dans les délibérations.', 'Lucie Martin')
    const p4 = put(s1c, d, 'proposal', 'Inscrire l’innovation dans le projet d’administration', 'Une ligne budgétaire et un objectif suivis en comité de direction, présentés chaque année à l’assemblée.', 'Sophie Bernard')
    const p5 = put(s1b, null, 'question', 'Qui forme les directeurs généraux des services ?', '', 'Marc Petit')
    const c1 = merge(1, 'Former les élus et les décideurs à l’innovation publique',
      'Un parcours d’accueil pour chaque nouvelle assemblée : une demi-journée dès l’installation, puis trois rencontres la première année (visite d’un laboratoire d’innovation, atelier de design des politiques publiques, retour d’expérience d’une autre collectivité), ouvert aux directeurs généraux des services et à leurs adjoints, afin que le portage ne dépende plus d’une seule personne et survive aux alternances.',
      'retained', [src(p1), src(p2), src(p5)])
    const c2 = merge(1, 'Écrire le portage dans les délibérations', 'Une délibération cadre qui nomme le laboratoire, son budget et son évaluation, pour qu’une alternance ne l’efface pas.',
      'retained', [src(p3), { proposal_id: '01a2eeee-0000-7000-8000-000000000001', session_id: sessionOf(1, 3).id }])
    const c3 = merge(1, 'Un objectif d’innovation dans le projet d’administration', 'Suivi en comité de direction, présenté chaque année à l’assemblée.', 'draft', [src(p4)])
    merge(1, 'Un prix annuel de l’innovation', 'Écarté : déjà porté par la région.', 'set_aside', [src(p1)])
    const [s2a, s2b] = [sessionOf(2, 0), sessionOf(2, 1)]
    const e = group(s2a, 'Groupe 1'), f = group(s2b, 'Groupe 2')
    const q1 = put(s2a, e, 'proposal', 'Des laboratoires d’innovation dans chaque département', 'Mutualisés entre collectivités, avec une équipe permanente de trois personnes.', 'Amina Diallo')
    const q2 = put(s2b, f, 'concrete_action', 'Un droit à l’essai pour les équipes', 'Six mois pour tester une idée sans validation préalable, avec un bilan public.', 'Julien Moreau')
    const c4 = merge(2, 'Un réseau de laboratoires départementaux', 'Mutualisés, avec une équipe permanente et un droit à l’essai de six mois pour les équipes.', 'retained', [src(q1), src(q2)])
    const s3 = sessionOf(3, 0)
    const r1 = put(s3, group(s3, 'Groupe A'), 'proposal', 'Rendre visible l’innovation ordinaire', 'Un recueil des petites améliorations faites par les agents, publié chaque trimestre.', 'Claire Lefèvre')
    merge(3, 'Révéler l’innovation invisible', 'Un recueil trimestriel des améliorations faites par les agents, et une journée pour les présenter.', 'retained', [src(r1)])
    state.reviews.push(
      { consolidated_id: c1.id, carry_forward: true, marked_by: OTHER_MEMBER, comments: [
        { id: id(), text: 'À porter au niveau régional, avec le CNFPT.', author: OTHER_MEMBER, created_at: at(300) }] },
      { consolidated_id: c3.id, carry_forward: false, marked_by: null, comments: [] })
    state.votes.push(
      { consolidated_id: c1.id, member: OTHER_MEMBER, dots: 2 },
      { consolidated_id: c2.id, member: OTHER_MEMBER, dots: 1 },
      { consolidated_id: c4.id, member: OTHER_MEMBER, dots: 1 })
  }

  function docsOf(eid: string): DocStatus[] {
    const e = eventOf(eid)
    const access = accessOf(e)
    const refused = state.sync.state === 'refused' || state.sync.state === 'offline'
    const last = state.sync.state === 'off' ? null : new Date(Date.now() - 25 * 60_000).toISOString()
    const docState: DocStatus['state'] = state.sync.state === 'syncing' ? 'syncing' : state.sync.state === 'up_to_date' ? 'up_to_date' : 'offline'
    const docs: DocStatus[] = [{ doc: `event:${eid}`, label: 'Programme', access: access.programme, state: docState, unsent: 0, out_of_rights: false, former_invitation: false, last_exchange: last, error: state.sync.error }]
    let outOfRights = state.sync.out_of_rights
    let former = state.sync.former_invitation
    for (const s of e.view.sessions) {
      const a = access.role === null ? 'write' : access.sessions.find(x => x.id === s.id)?.access ?? 'none'
      // The former card's session: not this invitation's, its last changes go with that card.
      if (a === 'none' && former > 0) {
        docs.push({ doc: `session:${s.id}`, label: `Session · ${sessionWords(s)}`, access: a, state: docState, unsent: former, out_of_rights: false, former_invitation: true, last_exchange: last, error: null })
        former = 0
      }
      if (a === 'none') continue
      let unsent = refused || state.sync.state === 'off' ? state.proposals.filter(p => p.session_id === s.id).length : 0
      if (a === 'read' && outOfRights > 0) { unsent = outOfRights; outOfRights = 0 }
      const withFormer = a === 'read' && former > 0
      if (withFormer) { unsent = former; former = 0 }
      docs.push({ doc: `session:${s.id}`, label: `Session · ${sessionWords(s)}`, access: a, state: docState, unsent, out_of_rights: a === 'read' && unsent > 0 && !withFormer, former_invitation: withFormer, last_exchange: last, error: state.sync.error })
    }
    for (const th of e.view.themes) {
      const a = access.role === null ? 'write' : access.themes.find(x => x.number === th.number)?.access ?? 'none'
      if (a !== 'none') docs.push({ doc: `synthesis:${th.number}`, label: `Synthèse · thème ${th.number}`, access: a, state: docState, unsent: 0, out_of_rights: false, former_invitation: false, last_exchange: last, error: state.sync.error })
    }
    if (access.panel !== 'none') docs.push({ doc: 'panel', label: 'Panel', access: access.panel, state: docState, unsent: 0, out_of_rights: false, former_invitation: false, last_exchange: last, error: state.sync.error })
    // The scenario's count of changes made where this device may not write, if no read document took it.
    if (outOfRights > 0 && docs.length > 1) { docs[0] = { ...docs[0], unsent: outOfRights, out_of_rights: true, access: docs[0].access === 'write' ? 'read' : docs[0].access } }
    return docs
  }

  function preview(link: string): InvitationPreview {
    const parsed = parseLink(link)
    const known = state.events.flatMap(e => e.invitations).find(inv => inv.link === link.trim())
    const view = state.events.find(e => e.view.id === parsed.event)?.view ?? eventFromSample(parsed.event, parsed.name)
    const sessions = parsed.sessions.map(i => view.sessions[i]?.id).filter(Boolean)
    return {
      event_id: parsed.event, event_name: parsed.name, role: parsed.role, label: known?.label ?? labelFor(view, parsed.role, sessions, parsed.themes),
      for: parsed.for, expires_at: parsed.expires, expired: Date.parse(parsed.expires) < Date.now(), hubs: [HUB],
      organiser_device: state.events.some(e => e.view.id === parsed.event && e.holdsKey),
    }
  }


  /**
   * The arrivals board as the hub would give it, at the end of day 1's second slot: the first
   * slot is over (theme 9 sent nothing), the second is under way, day 2 has not begun. What
   * this device captured counts too (this store is the hub's).
   */
  function arrivalsOf(e: MockEvent): ArrivalsBoard {
    const slots = [...new Set(e.view.sessions.map(s => `${s.day}|${s.start}`))].sort()
    const sessions: SessionArrival[] = e.view.sessions.map((s, i) => {
      const slot = slots.indexOf(`${s.day}|${s.start}`)
      let proposals = 0
      let last: string | null = null
      let devices: ArrivalDevice[] = []
      const person = PEOPLE[i % PEOPLE.length]
      if (slot === 0 && s.theme !== 9) {
        proposals = [7, 5, 9, 4, 6, 3, 8, 5][(s.theme - 1) % 8]
        last = minutesAgo(70 + s.theme * 3)
        devices = [{ name: person, connected: s.theme % 3 !== 0, last_seen: minutesAgo(s.theme % 3 !== 0 ? 0 : 64) }]
        if (s.theme === 2) devices.push({ name: PEOPLE[(i + 6) % PEOPLE.length], connected: false, last_seen: minutesAgo(66) })
      } else if (slot === 0) {
        devices = [{ name: person, connected: false, last_seen: minutesAgo(190) }]
      } else if (slot === 1 && [1, 2, 5, 7].includes(s.theme)) {
        proposals = s.theme % 3 + 1
        last = minutesAgo(s.theme)
        devices = [{ name: person, connected: true, last_seen: minutesAgo(0) }]
      }
      const mine = state.proposals.filter(p => p.session_id === s.id && !p.deleted)
      proposals += mine.length
      for (const p of mine) if (!last || p.created_at > last) last = p.created_at
      return {
        id: s.id, theme: s.theme, theme_title: s.theme_title, day: s.day, start: s.start, room: s.room ?? s.place,
        proposals, last_change: last, devices, missing: slot === 0 && proposals === 0, unreadable: false,
      }
    })
    const themes = e.view.themes.map(th => {
      const mine = state.consolidated.filter(c => c.theme === th.number && !c.deleted)
      const base = th.number <= 3 ? { retained: 4 - th.number, draft: th.number, set_aside: th.number === 2 ? 1 : 0 } : { retained: 0, draft: 0, set_aside: 0 }
      const retained = base.retained + mine.filter(c => c.status === 'retained').length
      const draft = base.draft + mine.filter(c => c.status === 'draft').length
      const setAside = base.set_aside + mine.filter(c => c.status === 'set_aside').length
      return { number: th.number, title: th.title, consolidated: retained + draft + setAside, retained, draft, set_aside: setAside, unreadable: false }
    })
    return {
      sessions, themes, generated_at: new Date().toISOString(),
      devices: [
        { device: 'portable-lucie', name: 'Lucie Martin', role: 'facilitator', unsent: 0, outside: 2, reported_at: minutesAgo(1) },
        { device: 'portable-marc', name: 'Marc Petit', role: 'facilitator', unsent: 3, outside: 0, reported_at: minutesAgo(66) },
        { device: 'tablette-ines', name: 'Inès Roux', role: 'rapporteur', unsent: 0, outside: 0, reported_at: minutesAgo(4) },
        { device: 'poste-accueil', name: '', role: null, unsent: null, outside: null, reported_at: null },
      ],
    }
  }

  function bundleError(): never {
    const en = state.lang === 'en'
    switch (state.bundle) {
      case 'truncated': return fail('invalid', en ? 'the bundle is incomplete: the file ends before its end (was the copy interrupted?). Nothing was changed.'
        : 'le paquet est incomplet : le fichier s’arrête avant la fin (copie interrompue ?). Rien n’a été modifié.')
      case 'foreign': return fail('invalid', en ? 'this file is not a Récolte bundle. Nothing was changed.'
        : 'ce fichier n’est pas un paquet Récolte. Rien n’a été modifié.')
      default: return fail('invalid', en ? 'the bundle is damaged: its checksum does not match (byte 18,432). Nothing was changed.'
        : 'le paquet est abîmé : sa somme de contrôle ne correspond pas (octet 18 432). Rien n’a été modifié.')
    }
  }

  /** Emits the backend's progress events, failing part-way in an error scenario. */
  async function bundleWork(steps: number): Promise<boolean> {
    if (state.bundle === 'cancel') return false
    for (let done = 1; done <= steps; done++) {
      await sleep(state.delayMs)
      await emit('bundle-progress', { done, total: steps })
      if (done === 3 && state.bundle !== 'ok' && state.bundle !== 'other-event') bundleError()
    }
    return true
  }

  const nearbyHubs = (): NearbyHub[] => [
    {
      name: 'portable-accueil', event_id: state.events[0]?.view.id ?? '01a2ffff-0000-7000-8000-00000000abcd',
      event_name: state.events[0]?.view.name ?? sample.event.name,
      urls: ['wss://192.168.1.20:4455', 'wss://[fe80::1c2b:3aff:fe4d:5e6f%wlp2s0]:4455'], fingerprint: 'ab'.repeat(32),
    },
    { name: 'salle-galle', event_id: '01a2ffff-0000-7000-8000-00000000beef', event_name: 'Journée des territoires numériques', urls: ['ws://10.42.0.1:4455'], fingerprint: null },
  ]

  function storedReview(cid: string): State['reviews'][number] {
    let r = state.reviews.find(x => x.consolidated_id === cid)
    if (!r) { r = { consolidated_id: cid, carry_forward: false, marked_by: null, comments: [] }; state.reviews.push(r) }
    return r
  }

  function reviewOf(cid: string): Review {
    const stored = state.reviews.find(r => r.consolidated_id === cid) ?? { consolidated_id: cid, carry_forward: false, marked_by: null, comments: [] }
    const votes = state.votes.filter(v => v.consolidated_id === cid && v.dots > 0).map(v => ({ member: v.member, dots: v.dots }))
    return {
      ...stored, comments: [...stored.comments], votes,
      total: votes.reduce((sum, v) => sum + v.dots, 0),
      mine: votes.find(v => v.member === state.author)?.dots ?? 0,
    }
  }

  function needPanelWrite(): void {
    const e = state.events[0]
    if (e && accessOf(e).panel !== 'write') fail('invalid', 'seul le panel vote, marque et commente')
  }

  /** One entry per member and proposal; refused past the theme's limit, with the reason in words. */
  function voteAs(member: string, cid: string, dots: unknown): void {
    const c = consolidatedOf(cid)
    const n = Number(dots)
    const en = state.lang === 'en'
    if (!Number.isInteger(n) || n < 0) fail('invalid', en ? 'dots are a whole number, 0 or more' : 'les points sont un nombre entier, 0 ou plus')
    const others = new Set(state.consolidated.filter(x => x.theme === c.theme && !x.deleted && x.id !== cid).map(x => x.id))
    const used = state.votes.filter(v => v.member === member && others.has(v.consolidated_id)).reduce((sum, v) => sum + v.dots, 0)
    // As the store says it: more than a member's dots on one proposal, or more than are left.
    if (n > state.dotsPerTheme) {
      fail('invalid', en
        ? `${n} dots on one proposal is more than the ${state.dotsPerTheme} dots each member has for theme ${c.theme}`
        : `${n} points sur une proposition, c'est plus que les ${state.dotsPerTheme} points de chaque membre pour le thème ${c.theme}`)
    }
    if (used + n > state.dotsPerTheme) {
      const left = state.dotsPerTheme - used
      fail('invalid', left <= 0
        ? (en
          ? `${member} has given their ${state.dotsPerTheme} dots of theme ${c.theme} already: take one back from another proposal first`
          : `${member} a déjà donné ses ${state.dotsPerTheme} points du thème ${c.theme} : retirez-en d'abord un à une autre proposition`)
        : (en
          ? `${member} has given ${used} of their ${state.dotsPerTheme} dots of theme ${c.theme} to other proposals: ${left === 1 ? 'one dot' : `${left} dots`} at most on this one, or take some back elsewhere first`
          : `${member} a donné ${used} de ses ${state.dotsPerTheme} points du thème ${c.theme} à d'autres propositions : ${left === 1 ? 'un point' : `${left} points`} au plus sur celle-ci, ou retirez-en d'abord ailleurs`))
    }
    const entry = state.votes.find(v => v.member === member && v.consolidated_id === cid)
    if (entry) entry.dots = n
    else state.votes.push({ consolidated_id: cid, member, dots: n })
  }
  ;(window as unknown as Record<string, unknown>).__recolteMockVoteAs = (member: string, cid: string, dots: number) => { voteAs(member, cid, dots); changed() }

  function triageOf(theme: number): Triage {
    state.triage[theme] ??= { set_aside: [], not_duplicates: [], lexicon: [] }
    return state.triage[theme]
  }

  /** Consolidated proposals of different themes sharing two words of their titles, as pairs
   *  (the backend uses the duplicate suggestions' engine). */
  function alikeOf(themes: PanelSummary['themes']): PanelSummary['alike'] {
    const items = themes.flatMap(th => th.consolidated.map(c => ({ theme: th.number, id: c.id, words: new Set(fold(c.title).split(/\W+/).filter(w => w.length > 3)) })))
    const pairs: PanelSummary['alike'] = []
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
      const shared = [...items[i].words].filter(w => items[j].words.has(w))
      if (items[i].theme !== items[j].theme && shared.length >= 2) {
        pairs.push({ consolidated: [items[i].id, items[j].id], reason: `mots en commun : ${shared.join(', ')}`, reason_en: `shared words: ${shared.join(', ')}` })
      }
    }
    return pairs
  }

  function summaryOf(e: MockEvent): PanelSummary {
    const sessions = new Set(e.view.sessions.map(s => s.id))
    const themes: PanelSummary['themes'] = e.view.themes.map(th => ({
        number: th.number, title: th.title,
        consolidated: state.consolidated.filter(c => c.theme === th.number && !c.deleted && c.sources.every(s => sessions.has(s.session_id)))
          .sort((x, y) => (x.priority ?? 1e9) - (y.priority ?? 1e9) || x.created_at.localeCompare(y.created_at))
          .map(c => {
            const r = reviewOf(c.id)
            return {
              id: c.id, title: c.title, body: c.body, status: c.status, priority: c.priority, votes: r.total, carry_forward: r.carry_forward,
              comments: r.comments,
              sources: c.sources.map(s => {
                const p = state.proposals.find(x => x.id === s.proposal_id && !x.deleted)
                return { proposal_id: s.proposal_id, session_id: s.session_id, title: p?.title ?? '', subgroup: p?.subgroup_name ?? null, kind: p?.kind ?? 'proposal' }
              }),
            }
          }),
      }))
    return { dots_per_theme: state.dotsPerTheme, member: state.author, themes, alike: alikeOf(themes) }
  }

  const sessionOf = (sid: string): SessionInfo =>
    state.events.flatMap(e => e.view.sessions).find(x => x.id === sid) ?? fail('not_found', `aucune session n’a l’identifiant ${sid}`)
  const runSheetOf = (s: SessionInfo) => state.events.find(e => e.view.sessions.includes(s))!.view.run_sheet

  /** The clock at "now": active time (pauses excluded) against the phases, extensions included. */
  function clockOf(s: SessionInfo): SessionClock {
    const now = mockNow()
    const c = state.clocks[s.id] ?? { startedAt: null, pauses: [], extraMs: [], cutMs: [] }
    const run = runSheetOf(s)
    const start = c.startedAt ?? new Date(`${s.date}T${s.start}:00`).getTime()
    const paused = c.pauses.some(p => p.to === null)
    const pausedMs = c.pauses.reduce((sum, p) => sum + Math.max(0, Math.min(p.to ?? now, now) - p.from), 0)
    const active = now - start - pausedMs
    // The slot may be longer than the run-sheet: the last phase runs to the end of the slot.
    const slack = Math.max(0, s.duration_minutes * 60_000 - run.reduce((sum, p) => sum + p.minutes * 60_000, 0))
    let at = 0
    const phases = run.map((p, i) => {
      const extra = c.extraMs[i] ?? 0
      const length = Math.max(0, p.minutes * 60_000 + extra - (c.cutMs[i] ?? 0) + (i === run.length - 1 ? slack : 0))
      const phase = { key: p.key, label: p.label, minutes: p.minutes, start_seconds: Math.round(at / 1000), end_seconds: Math.round((at + length) / 1000), extra_seconds: Math.round(extra / 1000) }
      at += length
      return { phase, endMs: at }
    })
    const base = {
      started_at: new Date(start).toISOString(), started_by_hand: c.startedAt !== null, paused,
      phases: phases.map(p => p.phase),
    }
    if (now < start) {
      return { ...base, stage: 'before', paused: false, phase_index: null, phase: null, remaining_seconds: Math.ceil((start - now) / 1000), session_remaining_seconds: 0 }
    }
    const index = phases.findIndex(p => active < p.endMs)
    if (index < 0) return { ...base, stage: 'after', paused: false, phase_index: null, phase: null, remaining_seconds: 0, session_remaining_seconds: 0 }
    return {
      ...base, stage: 'during', phase_index: index, phase: run[index].label,
      remaining_seconds: Math.ceil((phases[index].endMs - active) / 1000), session_remaining_seconds: Math.ceil((at - active) / 1000),
    }
  }

  function clockAct(s: SessionInfo, action: unknown, minutes: unknown, seen?: unknown): SessionClock {
    const en = state.lang === 'en'
    const now = mockNow()
    const c = state.clocks[s.id] ??= { startedAt: null, pauses: [], extraMs: [], cutMs: [] }
    const current = clockOf(s)
    const during = () => { if (current.stage !== 'during') fail('invalid', en ? 'the session is not running' : 'la session n’est pas en cours') }
    if (seen != null && (!Number.isInteger(seen) || Number(seen) < 0 || Number(seen) >= current.phases.length)) {
      const count = current.phases.length
      fail('invalid', en
        ? `no phase ${String(seen)} in the session's run-sheet: it has ${count}, numbered from 0; nothing was changed`
        : `pas de phase ${String(seen)} dans le déroulé de la session : il en a ${count}, numérotées à partir de 0 ; rien n'a été changé`)
    }
    // As the store does: a press meant for a phase that ended meanwhile (the session too, perhaps).
    const movedOn = seen != null && (current.stage === 'during' ? seen !== current.phase_index : current.stage === 'after')
    switch (action) {
      case 'start':
        c.startedAt = now; c.pauses = []; c.extraMs = []; c.cutMs = []
        break
      case 'pause':
        during()
        if (current.paused) fail('invalid', en ? 'the clock is paused already' : 'l’horloge est déjà en pause')
        c.pauses.push({ from: now, to: null })
        break
      case 'resume': {
        const open = c.pauses.find(p => p.to === null) ?? fail('invalid', en ? 'the clock is not paused' : 'l’horloge n’est pas en pause')
        open.to = now
        break
      }
      case 'extend': {
        during()
        if (movedOn) fail('invalid', en ? `the session's clock has moved on to the phase “${current.phase}” meanwhile: nothing was extended` : `l'horloge de la session est passée entre-temps à la phase « ${current.phase} » : rien n'a été prolongé`)
        const n = minutes == null ? 5 : Number(minutes)
        if (!Number.isInteger(n) || n < 1 || n > 120) fail('invalid', en ? 'minutes: a whole number from 1 to 120' : 'minutes : un nombre entier de 1 à 120')
        const i = current.phase_index!
        c.extraMs[i] = (c.extraMs[i] ?? 0) + n * 60_000
        break
      }
      case 'next': {
        if (movedOn) break
        during()
        // The current phase ends now: the following ones start earlier, the session ends earlier.
        const i = current.phase_index!
        c.cutMs[i] = (c.cutMs[i] ?? 0) + current.remaining_seconds * 1000
        break
      }
      default:
        fail('invalid', `${en ? 'unknown clock action' : 'action d’horloge inconnue'} : ${String(action)}`)
    }
    return clockOf(s)
  }
  ;(window as unknown as Record<string, unknown>).__recolteMockClock = (session: string, action: ClockAction, minutes?: number) => {
    const result = clockAct(sessionOf(session), action, minutes)
    changed()
    return result
  }

  const handlers: Record<string, (args: Record<string, any>) => unknown> = {
    app_info: () => ({ version: '0.1.0 (commit 0123456789ab)', data_dir: '/tmp/recolte-demo', lang: state.lang, author: state.author, hub: state.sync.hub, read_only: state.readOnly }),
    settings_save: ({ settings }) => { state.author = settings.author; state.lang = settings.lang === 'en' ? 'en' : 'fr' },
    events_list: () => state.events.map(listedAs),
    event_load_sample: () => {
      // The practice event: one per device, recognisable, never merged with a real event.
      const existing = state.events.find(e => e.practice)
      if (existing) return existing.view.id
      const e = addEvent('organiser', true); changed(); return e.view.id
    },
    event_import_text: ({ text }) => {
      try { JSON.parse(text) } catch { fail('invalid', '$: ce n’est pas du JSON valide') }
      const e = addEvent('organiser', false); changed(); return e.view.id
    },
    event_show: ({ event }) => eventOf(event).view,
    event_remove: ({ event }) => {
      const e = eventOf(event)
      const sessions = new Set(e.view.sessions.map(s => s.id))
      state.events = state.events.filter(x => x !== e)
      state.proposals = state.proposals.filter(p => !sessions.has(p.session_id))
      state.subgroups = state.subgroups.filter(g => !sessions.has(g.session_id))
      changed()
    },
    device_access: ({ event }) => accessOf(eventOf(event)),
    sessions_list: ({ theme }) => needEvent().sessions.filter(s => theme == null || s.theme === theme),
    session_view: ({ session }) => ({
      subgroups: state.subgroups.filter(g => g.session_id === session && !g.deleted),
      proposals: state.proposals.filter(p => p.session_id === session).map(withMerged),
    }),
    subgroup_add: ({ session, name }) => {
      if (!String(name).trim()) fail('invalid', 'le champ nom ne peut pas être vide')
      const g: Subgroup = { id: id(), session_id: session, name: String(name).trim(), created_at: new Date().toISOString(), deleted: false }
      state.subgroups.push(g); changed(); return g.id
    },
    subgroup_rename: ({ subgroup, name }) => {
      const g = state.subgroups.find(x => x.id === subgroup) ?? fail('not_found', 'aucun sous-groupe')
      g.name = String(name).trim(); changed()
    },
    proposal_add: ({ session, proposal: input }) => {
      if (!String(input.title).trim()) fail('invalid', 'le champ titre ne peut pas être vide')
      const s = state.events.flatMap(e => e.view.sessions).find(x => x.id === session) ?? fail('not_found', 'aucune session')
      const group = state.subgroups.find(g => g.id === input.subgroup)
      const p: Proposal = {
        id: id(), session_id: session, theme: s.theme, subgroup: group?.id ?? null, subgroup_name: group?.name ?? null,
        title: String(input.title).trim(), body: String(input.body ?? '').trim(), kind: input.kind, tags: input.tags ?? [],
        author: state.author, created_at: new Date().toISOString(), deleted: false, merged_into: [],
      }
      state.proposals.push(p); changed(); return p.id
    },
    proposal_edit: ({ id: pid, changes }) => {
      const p = proposal(pid)
      if (changes.title !== undefined) { if (!String(changes.title).trim()) fail('invalid', 'le champ titre ne peut pas être vide'); p.title = String(changes.title).trim() }
      if (changes.body !== undefined) p.body = String(changes.body).trim()
      if (changes.kind !== undefined) p.kind = changes.kind
      if (changes.subgroup !== undefined) {
        const g = state.subgroups.find(x => x.id === changes.subgroup)
        p.subgroup = g?.id ?? null; p.subgroup_name = g?.name ?? null
      }
      if (changes.tags !== undefined) p.tags = changes.tags
      changed()
    },
    proposal_set_deleted: ({ id: pid, deleted }) => { proposal(pid).deleted = deleted; changed() },
    theme_view: ({ event, theme }) => ({
      proposals: state.proposals.filter(p => p.theme === theme && !p.deleted && sessionIds(event).has(p.session_id)).map(withMerged),
      consolidated: state.consolidated.filter(c => c.theme === theme && !c.deleted)
        .sort((a, b) => (a.priority ?? 1e9) - (b.priority ?? 1e9) || a.created_at.localeCompare(b.created_at)),
    }),
    search: ({ query }) => {
      const words = fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean)
      return state.proposals.filter(p => !p.deleted && words.every(w => fold(`${p.title} ${p.body}`).includes(w)))
        .map(p => ({ record: 'proposal', id: p.id, theme: p.theme, session_id: p.session_id, title: p.title, snippet: p.title }))
    },
    synthesis_triage: ({ theme }) => triageOf(theme),
    proposal_set_aside: ({ id: pid, reason }) => {
      const p = proposal(pid)
      const triage = triageOf(p.theme)
      triage.set_aside = triage.set_aside.filter(r => r.proposal_id !== pid)
      if (reason) triage.set_aside.push({ proposal_id: pid, reason, by: state.author, at: new Date().toISOString() })
      changed()
    },
    duplicates_dismiss: ({ theme, proposals: ids }) => {
      const triage = triageOf(theme)
      for (let i = 0; i < ids.length; i++) for (let j = i + 1; j < ids.length; j++) {
        triage.not_duplicates.push([ids[i], ids[j]].sort() as [string, string])
      }
      changed()
    },
    lexicon_set: ({ theme, a, b, removed }) => {
      const triage = triageOf(theme)
      const [x, y] = [String(a).trim().toLowerCase(), String(b).trim().toLowerCase()].sort()
      triage.lexicon = triage.lexicon.filter(e => !(e.a === x && e.b === y))
      if (!removed) triage.lexicon.push({ a: x, b: y, learned: false, by: state.author, at: new Date().toISOString() })
      changed()
    },
    duplicates_suggest: ({ theme }) => {
      const triage = triageOf(theme)
      const aside = new Set(triage.set_aside.map(r => r.proposal_id))
      const dismissed = (a: string, b: string) => triage.not_duplicates.some(([x, y]) => (x === a && y === b) || (x === b && y === a))
      const free = state.proposals.filter(p => p.theme === theme && !p.deleted && mergedInto(p.id).length === 0 && !aside.has(p.id))
      const sets = free.map(p => new Set(fold(p.title).split(/\W+/).filter(w => w.length > 3)))
      const groups: string[][] = []
      // A large seeded theme is for the screen's benchmark: the mock does not pair 2,000 proposals.
      if (free.length > 500) return []
      for (let i = 0; i < free.length; i++) for (let j = i + 1; j < free.length; j++) {
        const shared = [...sets[i]].filter(w => sets[j].has(w))
        if (shared.length >= 2 && !dismissed(free[i].id, free[j].id)) groups.push([free[i].id, free[j].id])
      }
      return groups.map(g => ({ proposals: g, score: 0.6, reason: 'mots en commun', reason_en: 'shared words' }))
    },
    synthesis_merge: ({ event, merge }) => {
      if (!String(merge.title).trim()) fail('invalid', 'le champ titre ne peut pas être vide')
      const c: Consolidated = {
        id: id(), event_id: event, theme: merge.theme, title: merge.title, body: merge.body, status: 'draft', priority: null,
        sources: merge.proposals.map((pid: string) => ({ proposal_id: pid, session_id: proposal(pid).session_id })),
        author: state.author, created_at: new Date().toISOString(), deleted: false,
      }
      state.consolidated.push(c)
      // As the store does, roughly: two titles that differ by a word each teach that pair.
      const learned: [string, string][] = []
      if (merge.proposals.length === 2) {
        const [a, b] = merge.proposals.map((pid: string) => new Set(fold(proposal(pid).title).split(/\W+/).filter(w => w.length > 3)))
        const onlyA = [...a].filter(w => !b.has(w))
        const onlyB = [...b].filter(w => !a.has(w))
        if (onlyA.length === 1 && onlyB.length === 1) {
          const [x, y] = [onlyA[0], onlyB[0]].sort()
          learned.push([x, y])
          triageOf(merge.theme).lexicon.push({ a: x, b: y, learned: true, by: state.author, at: new Date().toISOString() })
        }
      }
      changed()
      return { id: c.id, learned }
    },
    synthesis_edit: ({ id: cid, changes }) => {
      const c = consolidatedOf(cid)
      // The store saves texts trimmed, as the app's backend does.
      if (changes.title !== undefined) c.title = String(changes.title).trim()
      if (changes.body !== undefined) c.body = String(changes.body).trim()
      if (changes.status !== undefined) c.status = changes.status
      if (changes.priority !== undefined) c.priority = changes.priority || null
      changed()
    },
    synthesis_set_deleted: ({ id: cid, deleted }) => { consolidatedOf(cid).deleted = deleted; changed() },
    synthesis_reorder: ({ ids }) => { ids.forEach((cid: string, i: number) => { consolidatedOf(cid).priority = i + 1 }); changed() },
    panel_view: ({ theme }) => state.consolidated.filter(c => c.theme === theme && !c.deleted).map(c => reviewOf(c.id)),
    panel_mark: ({ id: cid, carryForward }) => {
      needPanelWrite()
      consolidatedOf(cid)
      const r = storedReview(cid)
      r.carry_forward = carryForward; r.marked_by = state.author; changed()
    },
    panel_comment: ({ id: cid, text }) => {
      needPanelWrite()
      consolidatedOf(cid)
      const cm = { id: id(), text, author: state.author, created_at: new Date().toISOString() }
      storedReview(cid).comments.push(cm); changed(); return cm.id
    },
    panel_comment_delete: ({ id: commentId }) => {
      needPanelWrite()
      const review = state.reviews.find(r => r.comments.some(c => c.id === commentId))
        ?? fail('not_found', `aucun commentaire n’a l’identifiant ${commentId}`)
      review.comments = review.comments.filter(c => c.id !== commentId)
      changed()
    },
    panel_vote: ({ id: cid, dots }) => {
      needPanelWrite()
      // As the store does: a vote is signed with the device's name.
      if (!state.author.trim()) fail('invalid', state.lang === 'en' ? 'the name field cannot be empty' : 'le champ nom ne peut pas être vide')
      voteAs(state.author, cid, dots)
      changed()
    },
    panel_summary: ({ event }) => summaryOf(eventOf(event)),
    panel_set_dots: ({ event, dots }) => {
      const e = eventOf(event)
      if (!e.holdsKey && e.role !== 'organiser') fail('invalid', 'seule l’organisation fixe les points du panel')
      const n = Number(dots)
      if (!Number.isInteger(n) || n < 1 || n > 99) fail('invalid', `le nombre de points par thème doit être entre 1 et 99 (${dots} donné)`)
      state.dotsPerTheme = n
      changed()
      // Who gave more on a theme than the new number: their dots stay counted.
      const given = new Map<string, number>()
      for (const v of state.votes) {
        const c = state.consolidated.find(x => x.id === v.consolidated_id && !x.deleted)
        if (c) given.set(`${v.member}\u0000${c.theme}`, (given.get(`${v.member}\u0000${c.theme}`) ?? 0) + v.dots)
      }
      return [...given].filter(([, sum]) => sum > n).map(([key, sum]) => {
        const [member, theme] = key.split('\u0000')
        return { member, theme: Number(theme), given: sum }
      })
    },
    session_clock: ({ session }) => clockOf(sessionOf(session)),
    session_clock_action: ({ session, action, minutes, phase }) => {
      const s = sessionOf(session)
      const e = state.events.find(x => x.view.sessions.includes(s))!
      if (accessOf(e).sessions.find(x => x.id === s.id)?.access !== 'write') {
        fail('invalid', state.lang === 'en' ? 'this device may not change the clock of this session' : 'cet appareil ne peut pas modifier l’horloge de cette session')
      }
      const result = clockAct(s, action, minutes, phase)
      changed()
      return result
    },
    window_fullscreen: ({ on }) => { state.fullscreen.push(Boolean(on)) },
    window_close_ready: () => { state.closed = true },
    sync_status: () => state.sync,
    sync_configure: ({ hub, token, event, fingerprint }) => {
      state.fingerprint = fingerprint ?? null
      if (!/^wss?:\/\//.test(hub)) fail('invalid', 'l’adresse du serveur commence par ws:// ou wss://')
      // As the backend: the device that holds the event's key, or one that already syncs with
      // a token (it keeps it), may leave the token out.
      const keeps = state.sync.hub !== null || (event && eventOf(event).role !== null && !eventOf(event).holdsKey)
      if (!String(token ?? '').trim() && !keeps && !(event && eventOf(event).holdsKey && !eventOf(event).practice)) fail('invalid', 'indiquez le jeton d’accès reçu, ou rejoignez avec le lien d’invitation')
      state.sync = { state: 'offline', hub, documents: 0, up_to_date: 0, unshared: 0, out_of_rights: 0, former_invitation: 0, error: null, found_nearby: false }
      void emit('sync-status', state.sync)
    },
    sync_details: ({ event }) => docsOf(event),
    organisation_view: ({ event }) => {
      const e = eventOf(event)
      for (const inv of e.invitations) if (inv.state === 'unused' && Date.parse(inv.expires_at) < Date.now()) inv.state = 'expired'
      return {
        event: listedAs(e), holds_key: e.holdsKey,
        invitations: e.invitations, devices: e.devices, suggested_hubs: state.serve.serving ? state.serve.addresses : state.sync.hub ? [state.sync.hub] : [HUB],
      }
    },
    invitation_create: ({ event, request }) => {
      const e = eventOf(event)
      if (!e.holdsKey) fail('invalid', 'cet appareil ne détient pas la clé de l’événement')
      if (request.role === 'facilitator' && !request.sessions.length) fail('invalid', 'une invitation d’animation nomme au moins une session')
      if (request.role === 'rapporteur' && !request.themes.length) fail('invalid', 'une invitation de rapporteur nomme au moins un thème')
      const inv = invite(e, request.role, request.sessions, request.themes, request.for, expiry(request.valid, e))
      changed(); return inv
    },
    invitation_create_all: ({ event, valid }) => {
      const e = eventOf(event)
      const expires = expiry(valid, e)
      // As the store does: one already there for no one, neither revoked nor expired, is kept.
      let created = 0
      const wanted = (role: Role, sessions: string[], themes: number[]) => {
        const there = e.invitations.find(i => i.role === role && i.for === null && (i.state === 'unused' || i.state === 'joined')
          && i.sessions.join() === sessions.join() && i.themes.join() === themes.join())
        if (there) return there
        created++
        return invite(e, role, sessions, themes, null, expires)
      }
      const invitations = [
        ...e.view.sessions.map(s => wanted('facilitator', [s.id], [])),
        ...e.view.themes.map(th => wanted('rapporteur', [], [th.number])),
        wanted('panel', [], []),
      ]
      changed(); return { invitations, created }
    },
    invitation_revoke: ({ event, id: iid }) => {
      const inv = eventOf(event).invitations.find(x => x.id === iid) ?? fail('not_found', 'aucune invitation')
      inv.state = 'revoked'; changed()
    },
    invitation_sheet: ({ event, ids }) => {
      eventOf(event)
      state.sheets.push([...ids])
      return { folder: '/home/demo/Documents/Récolte/Assises 2025', files: ['invitations.html'] }
    },
    invitation_preview: ({ link }) => preview(link),
    join_invitation: ({ link, name }) => {
      const seen = preview(link)
      if (seen.expired) fail('invalid', 'cette invitation a expiré')
      // The device that made the event keeps its rights and its name, as the real join does.
      if (seen.organiser_device) return { event: seen.event_id, pulled: true, error: null, as_organiser: true, left_behind: 0, stranded: 0 }
      if (!String(name).trim()) fail('invalid', 'le nom ne peut pas être vide : il signe vos propositions')
      const parsed = parseLink(link)
      const unreachable = { code: 'unreachable' as const, message: `${HUB} ne répond pas (connexion refusée)` }
      if (parsed.fail === 'nothing') {
        // The hub did not answer: nothing here yet; background sync brings the event later.
        state.arrival = () => { addEvent(parsed.role, false, eventFromSample(parsed.event, parsed.name)); changed() }
        return { event: parsed.event, pulled: false, error: unreachable, as_organiser: false, left_behind: 0, stranded: 0 }
      }
      let e = state.events.find(x => x.view.id === parsed.event)
      if (!e) e = addEvent(parsed.role, false, eventFromSample(parsed.event, parsed.name))
      e.holdsKey = false
      e.role = parsed.role
      e.forName = parsed.for
      e.scope = { sessions: parsed.sessions.map(i => e!.view.sessions[i]?.id).filter(Boolean), themes: parsed.themes }
      state.author = String(name).trim()
      // The organiser's device sees who joined (when both live in this mock).
      for (const other of state.events) {
        const inv = other.invitations.find(x => x.link === String(link).trim())
        if (inv) { inv.state = 'joined'; inv.joined_by = state.author; inv.joined_at = new Date().toISOString() }
      }
      changed()
      const error = parsed.fail === 'unreachable' ? unreachable : null
      // A link made with fail=former: the card this device synced with before left changes, two
      // kept aside to go with it and one it can no longer share (expired).
      const former = parsed.fail === 'former'
      return { event: e.view.id, pulled: true, error, as_organiser: false, left_behind: former ? 2 : 0, stranded: former ? 1 : 0 }
    },
    pending_link: () => { const link = state.pendingLink; state.pendingLink = null; return link },
    sync_now: () => undefined,
    presence: () => [],
    hub_start: ({ port }) => {
      // As the app: a start that fails keeps its reason (the box and the header read it) and is refused.
      if (state.serveScenario === 'port_taken' && (port ?? 4455) === 4455) {
        state.serve = serveScenario('port_taken', true)
        return fail('invalid', state.serve.error!)
      }
      state.serve = serveScenario(state.serveScenario === 'port_taken' ? 'on' : state.serveScenario, true)
      if (port && port !== 4455) state.serve = { ...state.serve, port, addresses: state.serve.addresses.map(a => a.replace(':4455', `:${port}`)) }
      return state.serve
    },
    hub_stop: () => { state.serve = NOT_SERVING },
    hub_info: () => state.serve,
    qr_code: ({ text }) => {
      if (!String(text)) fail('invalid', 'rien à coder')
      return mockQr(String(text))
    },
    nearby_hubs: async () => {
      await sleep(state.delayMs * 4)
      if (state.nearby === 'error') fail('network', state.lang === 'en' ? 'no network interface allows the search (multicast blocked)' : 'aucune interface réseau ne permet la recherche (multicast bloqué)')
      return state.nearby === 'none' ? [] : nearbyHubs()
    },
    arrivals_board: ({ event }) => {
      const e = eventOf(event)
      if (!e.holdsKey && e.role !== 'organiser') fail('invalid', 'le tableau des arrivées est réservé à l’organisation')
      return arrivalsOf(e)
    },
    bundle_export: async ({ event }) => {
      eventOf(event)
      if (!(await bundleWork(8))) return null
      return { path: '/media/camille/CLE-USB/assises-2025.recolte-bundle', bytes: 2_458_112 }
    },
    bundle_import: async ({ addEvent: adding }) => {
      if (state.bundle === 'other-event' && !adding) {
        const held = state.events[0]?.view.name ?? ''
        return fail('other_event', state.lang === 'en'
          ? `this bundle is of another event, “Journée des territoires numériques”, which this device does not hold (it holds: ${held}): nothing was imported`
          : `ce paquet est celui d'un autre événement, « Journée des territoires numériques », que cet appareil n'a pas (il a : ${held}) : rien n'a été importé`)
      }
      if (!(await bundleWork(6))) return null
      // Into an empty store (the welcome screen), the bundle brings its event, with no role.
      const e = state.events[0] ?? addEvent('open', false)
      changed()
      const result: BundleImported = { event_id: e.view.id, documents: 38, changed: 12, bytes_saved: 184_320, path: '/media/camille/CLE-USB/salle-galle.recolte-bundle' }
      return result
    },
    open_path: ({ path }) => { state.opened.push(String(path)) },
    decidim_answers: () => ({
      folder: '/home/demo/Documents/Récolte/Assises 2025', files: ['decidim-reponses.csv'], incomplete: null,
      answered: 3, drafts: ['Un prix annuel de l’innovation'], unmatched: ['Écrire le portage dans les délibérations'], ambiguous: [],
    }),
    export_write: ({ kind }) => ({
      folder: '/home/demo/Documents/Récolte/Assises 2025',
      files: kind === 'decidim' ? ['decidim.json', 'decidim.csv'] : kind === 'decidim-captured' ? ['decidim-propositions-saisies.json', 'decidim-propositions-saisies.csv'] : kind === 'opendata' ? ['datapackage.json', 'propositions.csv', 'propositions.json'] : ['rapport.md', 'rapport.html', 'rapport.pdf'],
      incomplete: null,
    }),
  }

  const undoer = mockUndo(state, changed)
  Object.assign(handlers, undoer.handlers)
  mockIPC((cmd, args) => {
    const handler = handlers[cmd]
    if (!handler) throw { code: 'invalid', message: `unknown command ${cmd}` }
    return undoer.run(cmd, (args ?? {}) as Record<string, any>, handler)
  }, { shouldMockEvents: true })
}
