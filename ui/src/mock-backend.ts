// An in-memory stand-in for the Tauri backend, for browser and unit tests of the interface
// (and a demonstration without the desktop shell). It mirrors the commands' contracts, not
// the core's algorithms: merges, search and duplicate suggestions are deliberately simple.
import { mockIPC } from '@tauri-apps/api/mocks'
import { emit } from '@tauri-apps/api/event'
import sample from '../../examples/assises-2025.json'
import type { Consolidated, EventView, Proposal, Review, SessionInfo, Subgroup, SyncSummary } from './api'

interface State {
  lang: 'fr' | 'en'
  author: string
  event: EventView | null
  subgroups: Subgroup[]
  proposals: Proposal[]
  consolidated: Consolidated[]
  reviews: Review[]
  sync: SyncSummary
}

let counter = 0
const id = (): string => {
  counter += 1
  return `01a20000-0000-7000-8000-${String(counter).padStart(12, '0')}`
}

const fold = (s: string): string => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')

function eventFromSample(): EventView {
  const places = new Map(sample.event.places.map(p => [p.id, p.name]))
  const slots = sample.slots.map(s => ({ ...s, date: sample.days.find(d => d.day === s.day)?.date ?? '', label: s.label ?? s.id }))
  const sessions: SessionInfo[] = sample.sessions.map(s => {
    const slot = slots.find(x => x.id === s.slot)!
    const theme = sample.themes.find(th => th.number === s.theme)!
    return {
      id: id(), theme: s.theme, theme_title: theme.title, slot: s.slot, day: slot.day, date: slot.date, start: slot.start,
      duration_minutes: slot.duration_minutes, place: places.get(s.place) ?? s.place, room: null,
    }
  })
  sessions.sort((a, b) => a.day - b.day || a.start.localeCompare(b.start) || a.theme - b.theme)
  return {
    id: id(), name: sample.event.name, organiser: sample.event.organiser, timezone: sample.event.timezone,
    run_sheet: sample.run_sheet, slots, themes: sample.themes.map(th => ({ ...th, speakers: th.speakers ?? [] })), sessions,
  }
}

export function mockState(): State {
  return (window as unknown as { __recolteMock: State }).__recolteMock
}

export function installMockBackend(initial: Partial<State> = {}): void {
  const state: State = {
    lang: 'fr', author: 'Camille', event: null, subgroups: [], proposals: [], consolidated: [], reviews: [],
    sync: { state: 'off', hub: null, documents: 0, up_to_date: 0, unshared: 0 }, ...initial,
  }
  ;(window as unknown as { __recolteMock: State }).__recolteMock = state
  let hub: { url: string; port: number } | null = null
  const changed = () => { void emit('store-changed', counter) }
  const fail = (code: string, message: string) => { throw { code, message } }
  const needEvent = (): EventView => state.event ?? fail('not_found', 'aucun événement')
  const proposal = (pid: string): Proposal => state.proposals.find(p => p.id === pid) ?? fail('not_found', `aucune proposition n'a l'identifiant ${pid}`)
  const consolidatedOf = (cid: string): Consolidated => state.consolidated.find(c => c.id === cid) ?? fail('not_found', 'aucune proposition consolidée')
  const mergedInto = (pid: string) => state.consolidated.filter(c => !c.deleted && c.sources.some(s => s.proposal_id === pid)).map(c => c.id)
  const withMerged = (p: Proposal): Proposal => ({ ...p, merged_into: mergedInto(p.id) })

  const handlers: Record<string, (args: Record<string, any>) => unknown> = {
    app_info: () => ({ version: '0.1.0', data_dir: '/tmp/recolte-demo', lang: state.lang, author: state.author, hub: state.sync.hub }),
    settings_save: ({ settings }) => { state.author = settings.author; state.lang = settings.lang === 'en' ? 'en' : 'fr' },
    events_list: () => (state.event ? [{ id: state.event.id, name: state.event.name }] : []),
    event_load_sample: () => { state.event = eventFromSample(); changed(); return state.event.id },
    event_import_text: ({ text }) => {
      try { JSON.parse(text) } catch { fail('invalid', '$: ce n’est pas du JSON valide') }
      state.event = eventFromSample(); changed(); return state.event.id
    },
    event_show: () => needEvent(),
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
      const s = needEvent().sessions.find(x => x.id === session) ?? fail('not_found', 'aucune session')
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
      if (changes.title !== undefined) { if (!String(changes.title).trim()) fail('invalid', 'le champ titre ne peut pas être vide'); p.title = changes.title }
      if (changes.body !== undefined) p.body = changes.body
      if (changes.kind !== undefined) p.kind = changes.kind
      if (changes.subgroup !== undefined) {
        const g = state.subgroups.find(x => x.id === changes.subgroup)
        p.subgroup = g?.id ?? null; p.subgroup_name = g?.name ?? null
      }
      if (changes.tags !== undefined) p.tags = changes.tags
      changed()
    },
    proposal_set_deleted: ({ id: pid, deleted }) => { proposal(pid).deleted = deleted; changed() },
    theme_view: ({ theme }) => ({
      proposals: state.proposals.filter(p => p.theme === theme && !p.deleted).map(withMerged),
      consolidated: state.consolidated.filter(c => c.theme === theme && !c.deleted)
        .sort((a, b) => (a.priority ?? 1e9) - (b.priority ?? 1e9) || a.created_at.localeCompare(b.created_at)),
    }),
    search: ({ query }) => {
      const words = fold(query).split(/[^\p{L}\p{N}]+/u).filter(Boolean)
      return state.proposals.filter(p => !p.deleted && words.every(w => fold(`${p.title} ${p.body}`).includes(w)))
        .map(p => ({ record: 'proposal', id: p.id, theme: p.theme, session_id: p.session_id, title: p.title, snippet: p.title }))
    },
    duplicates_suggest: ({ theme }) => {
      const free = state.proposals.filter(p => p.theme === theme && !p.deleted && mergedInto(p.id).length === 0)
      const words = (p: Proposal) => new Set(fold(p.title).split(/\W+/).filter(w => w.length > 3))
      const groups: string[][] = []
      for (let i = 0; i < free.length; i++) for (let j = i + 1; j < free.length; j++) {
        const shared = [...words(free[i])].filter(w => words(free[j]).has(w))
        if (shared.length >= 2) groups.push([free[i].id, free[j].id])
      }
      return groups.map(g => ({ proposals: g, score: 0.6, reason: 'mots en commun', reason_en: 'shared words' }))
    },
    synthesis_merge: ({ merge }) => {
      if (!String(merge.title).trim()) fail('invalid', 'le champ titre ne peut pas être vide')
      const c: Consolidated = {
        id: id(), theme: merge.theme, title: merge.title, body: merge.body, status: 'draft', priority: null,
        sources: merge.proposals.map((pid: string) => ({ proposal_id: pid, session_id: proposal(pid).session_id })),
        author: state.author, created_at: new Date().toISOString(), deleted: false,
      }
      state.consolidated.push(c); changed(); return c.id
    },
    synthesis_edit: ({ id: cid, changes }) => {
      const c = consolidatedOf(cid)
      if (changes.title !== undefined) c.title = changes.title
      if (changes.body !== undefined) c.body = changes.body
      if (changes.status !== undefined) c.status = changes.status
      if (changes.priority !== undefined) c.priority = changes.priority || null
      changed()
    },
    synthesis_set_deleted: ({ id: cid, deleted }) => { consolidatedOf(cid).deleted = deleted; changed() },
    synthesis_reorder: ({ ids }) => { ids.forEach((cid: string, i: number) => { consolidatedOf(cid).priority = i + 1 }); changed() },
    panel_view: ({ theme }) => state.consolidated.filter(c => c.theme === theme && !c.deleted).map(c =>
      state.reviews.find(r => r.consolidated_id === c.id) ?? { consolidated_id: c.id, carry_forward: false, marked_by: null, comments: [] }),
    panel_mark: ({ id: cid, carryForward }) => {
      consolidatedOf(cid)
      let r = state.reviews.find(x => x.consolidated_id === cid)
      if (!r) { r = { consolidated_id: cid, carry_forward: false, marked_by: null, comments: [] }; state.reviews.push(r) }
      r.carry_forward = carryForward; r.marked_by = state.author; changed()
    },
    panel_comment: ({ id: cid, text }) => {
      consolidatedOf(cid)
      let r = state.reviews.find(x => x.consolidated_id === cid)
      if (!r) { r = { consolidated_id: cid, carry_forward: false, marked_by: null, comments: [] }; state.reviews.push(r) }
      const cm = { id: id(), text, author: state.author, created_at: new Date().toISOString() }
      r.comments.push(cm); changed(); return cm.id
    },
    sync_status: () => state.sync,
    sync_configure: ({ hub }) => {
      if (!/^wss?:\/\//.test(hub)) fail('invalid', 'l’adresse du serveur commence par ws:// ou wss://')
      state.sync = { state: 'offline', hub, documents: 0, up_to_date: 0, unshared: 0 }
      void emit('sync-status', state.sync)
    },
    sync_now: () => undefined,
    presence: () => [],
    hub_start: () => { hub = { url: 'ws://192.168.1.20:4455', port: 4455 }; return hub },
    hub_stop: () => { hub = null },
    hub_info: () => hub,
    export_write: ({ kind }) => ({ folder: '/home/demo/Documents/Récolte/Assises 2025', files: kind === 'decidim' ? ['decidim.csv'] : ['rapport.md', 'rapport.html'] }),
  }

  mockIPC((cmd, args) => {
    const handler = handlers[cmd]
    if (!handler) throw { code: 'invalid', message: `unknown command ${cmd}` }
    return handler((args ?? {}) as Record<string, any>)
  }, { shouldMockEvents: true })
}
