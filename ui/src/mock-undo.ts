// The mock backend's undo, redo and wording history: the contracts of `undo_step`,
// `undo_depth`, `wording_history` and `wording_restore`, kept simple. Each change made through
// a command is remembered per place (a session, a theme, the panel) as the state of that place
// before it; undo puts that state back. The real store undoes by difference and keeps what
// other devices changed since; here no other device writes.
import type { Consolidated, NamedSnapshot, Proposal, Subgroup, Triage, UndoPlace, WordingVersion } from './api'

interface UndoState {
  lang: 'fr' | 'en'
  subgroups: Subgroup[]
  proposals: Proposal[]
  consolidated: Consolidated[]
  reviews: { consolidated_id: string; comments: { id: string; text: string }[] }[]
  votes: { consolidated_id: string }[]
  triage: Record<number, Triage>
}

type Part = unknown
type Args = Record<string, any>

const fail = (code: string, message: string): never => { throw { code, message } }

export function mockUndo(state: UndoState, changed: () => void) {
  /** Named snapshots: the state of their place when taken (the real store keeps a log point). */
  const snapshots: { snapshot: NamedSnapshot; place: string; part: Part }[] = []
  const takeSnapshot = (place: string, reason: NamedSnapshot['reason'], name: string): NamedSnapshot => {
    const [label, label_en] = reason === 'restore'
      ? [`Avant la restauration de « ${name} »`, `Before restoring “${name}”`]
      : reason === 'merge' ? [`Avant la fusion « ${name} »`, `Before merging “${name}”`] : [name, name]
    const snapshot: NamedSnapshot = {
      id: String(snapshots.length + 1), doc: place, reason, name, label, label_en,
      taken_at: new Date().toISOString(), taken_by: '', shared: reason === 'manual',
    }
    snapshots.push({ snapshot, place, part: read(place) })
    return snapshot
  }
  const undo = new Map<string, Part[]>()
  const redo = new Map<string, Part[]>()
  const versions = new Map<string, WordingVersion[]>()
  /** Each place's states after each change, for reading it at a moment. */
  const timeline = new Map<string, { at: string; part: Part }[]>()
  const remember = (place: string) => {
    // Distinct, increasing moments even for changes made within the same millisecond.
    const list = timeline.get(place) ?? []
    const last = list.length ? new Date(list[list.length - 1].at).getTime() : 0
    list.push({ at: new Date(Math.max(Date.now(), last + 1)).toISOString(), part: read(place) })
    timeline.set(place, list)
  }
  const at = (place: string, when: string | null): { at: string; moments: string[]; part: Part } => {
    const list = timeline.get(place) ?? []
    const moments = list.map(m => m.at)
    if (when === null) return { at: moments[moments.length - 1] ?? new Date().toISOString(), moments, part: read(place) }
    const time = new Date(when).getTime()
    if (Number.isNaN(time)) fail('invalid', en() ? `${JSON.stringify(when)} is not a moment` : `« ${when} » n’est pas un moment`)
    const found = list.filter(m => new Date(m.at).getTime() <= time).pop()
    const before = place.startsWith('session') ? { subgroups: [], proposals: [] } : { consolidated: [], triage: null }
    return { at: new Date(time).toISOString(), moments, part: found?.part ?? before }
  }
  const en = () => state.lang === 'en'

  const sessionOf = (pid: string) => state.proposals.find(p => p.id === pid)?.session_id
  const themeOf = (cid: string) => state.consolidated.find(c => c.id === cid)?.theme
  /** The place a command changes, if it changes one. */
  const places: Record<string, (args: Args) => string | undefined> = {
    subgroup_add: a => `session:${a.session}`,
    subgroup_rename: a => `session:${a.session}`,
    proposal_add: a => `session:${a.session}`,
    proposal_edit: a => `session:${sessionOf(a.id)}`,
    proposal_set_deleted: a => `session:${sessionOf(a.id)}`,
    wording_restore: a => sessionOf(a.id) ? `session:${sessionOf(a.id)}` : `theme:${themeOf(a.id)}`,
    synthesis_merge: a => `theme:${a.merge.theme}`,
    synthesis_edit: a => `theme:${themeOf(a.id)}`,
    synthesis_set_deleted: a => `theme:${themeOf(a.id)}`,
    synthesis_reorder: a => `theme:${themeOf(a.ids[0])}`,
    proposal_set_aside: a => `theme:${state.proposals.find(p => p.id === a.id)?.theme}`,
    duplicates_dismiss: a => `theme:${a.theme}`,
    lexicon_set: a => `theme:${a.theme}`,
    panel_mark: () => 'panel',
    panel_comment: () => 'panel',
    panel_comment_delete: () => 'panel',
    panel_vote: () => 'panel',
  }

  function read(place: string): Part {
    const [kind, key] = place.split(':')
    const part = kind === 'session'
      ? { subgroups: state.subgroups.filter(g => g.session_id === key), proposals: state.proposals.filter(p => p.session_id === key) }
      : kind === 'theme'
        ? { consolidated: state.consolidated.filter(c => c.theme === Number(key)), triage: state.triage[Number(key)] ?? null }
        : { reviews: state.reviews, votes: state.votes }
    return structuredClone(part)
  }

  function write(place: string, part: Part): void {
    const [kind, key] = place.split(':')
    const p = structuredClone(part) as Record<string, any>
    if (kind === 'session') {
      state.subgroups.splice(0, state.subgroups.length, ...state.subgroups.filter(g => g.session_id !== key), ...p.subgroups)
      state.proposals.splice(0, state.proposals.length, ...state.proposals.filter(x => x.session_id !== key), ...p.proposals)
    } else if (kind === 'theme') {
      state.consolidated.splice(0, state.consolidated.length, ...state.consolidated.filter(c => c.theme !== Number(key)), ...p.consolidated)
      if (p.triage) state.triage[Number(key)] = p.triage
    } else {
      state.reviews.splice(0, state.reviews.length, ...p.reviews)
      state.votes.splice(0, state.votes.length, ...p.votes)
    }
  }

  /** Keeps a version of every wording that changed. */
  function record(): void {
    const records: [string, Omit<WordingVersion, 'version' | 'at' | 'origin' | 'by'>][] = [
      ...state.proposals.map(p => [p.id, { title: p.title, body: p.body, state: p.kind, subgroup: p.subgroup_name, subgroup_id: p.subgroup, deleted: p.deleted }] as [string, Omit<WordingVersion, 'version' | 'at' | 'origin' | 'by'>]),
      ...state.consolidated.map(c => [c.id, { title: c.title, body: c.body, state: c.status, subgroup: null, subgroup_id: null, deleted: c.deleted }] as [string, Omit<WordingVersion, 'version' | 'at' | 'origin' | 'by'>]),
      ...state.reviews.flatMap(r => r.comments).map(c => [c.id, { title: '', body: c.text, state: 'comment', subgroup: null, subgroup_id: null, deleted: false }] as [string, Omit<WordingVersion, 'version' | 'at' | 'origin' | 'by'>]),
    ]
    for (const [rid, wording] of records) {
      const list = versions.get(rid) ?? []
      const last = list[list.length - 1]
      if (last && last.title === wording.title && last.body === wording.body && last.state === wording.state && last.subgroup_id === wording.subgroup_id && last.deleted === wording.deleted) continue
      list.push({ version: list.length + 1, at: new Date().toISOString(), origin: 'local', by: null, ...wording })
      versions.set(rid, list)
    }
  }

  const key = (place: UndoPlace): string =>
    place === 'panel' ? 'panel' : 'session' in place ? `session:${place.session}` : `theme:${place.theme}`
  const depth = (k: string) => ({ can_undo: undo.get(k)?.length ?? 0, can_redo: redo.get(k)?.length ?? 0 })
  const nothing = (action: 'undo' | 'redo', k: string): never => {
    const where = k === 'panel' ? (en() ? 'in the panel' : 'au panel')
      : k.startsWith('session') ? (en() ? 'in this session' : 'dans cette session') : (en() ? 'in this theme’s synthesis' : 'dans la synthèse de ce thème')
    return fail('nothing_to_undo', action === 'undo'
      ? (en() ? `nothing to undo ${where}: no change made on this device is left to undo` : `rien à annuler ${where} : aucune modification faite sur cet appareil ne reste à annuler`)
      : (en() ? `nothing to redo ${where}: nothing was undone since the last change` : `rien à rétablir ${where} : rien n’a été annulé depuis la dernière modification`))
  }

  return {
    /** Runs a command, remembering what it changed. */
    run(cmd: string, args: Args, handler: (args: Args) => unknown): unknown {
      const place = places[cmd]?.(args)
      if (cmd === 'synthesis_merge' && place) takeSnapshot(place, 'merge', String(args.merge.title))
      const before = place ? read(place) : undefined
      const result = handler(args)
      if (place && JSON.stringify(read(place)) !== JSON.stringify(before)) {
        undo.set(place, [...(undo.get(place) ?? []), before])
        redo.set(place, [])
        remember(place)
      }
      record()
      return result
    },
    handlers: {
      undo_step: ({ place, redo: again }: Args) => {
        const k = key(place)
        const [from, to] = again ? [redo, undo] : [undo, redo]
        const earlier = from.get(k)?.pop() ?? nothing(again ? 'redo' : 'undo', k)
        const current = read(k)
        to.set(k, [...(to.get(k) ?? []), current])
        write(k, earlier)
        remember(k)
        record()
        changed()
        // What the change was about: the proposals whose state differs between the two.
        const titles = (part: Part): Map<string, string> => {
          const records = part as { proposals?: Proposal[]; consolidated?: Consolidated[] }
          return new Map([...(records.proposals ?? []), ...(records.consolidated ?? [])].map(r => [r.id, JSON.stringify(r)]))
        }
        const [was, now] = [titles(current), titles(earlier)]
        const about = [...new Set([...was.keys(), ...now.keys()])].filter(rid => was.get(rid) !== now.get(rid))
          .map(rid => JSON.parse((now.get(rid) ?? was.get(rid)) as string).title as string).slice(0, 3)
        return { action: again ? 'redo' : 'undo', change: 0, written: 1, ...depth(k), about, kept: [] }
      },
      undo_depth: ({ place }: Args) => depth(key(place)),
      session_at: ({ session, at: when }: Args) => {
        const found = at(`session:${session}`, when ?? null)
        return { at: found.at, moments: found.moments, content: found.part }
      },
      synthesis_at: ({ theme, at: when }: Args) => {
        const found = at(`theme:${theme}`, when ?? null)
        return { at: found.at, moments: found.moments, content: (found.part as { consolidated: unknown[] }).consolidated }
      },
      snapshot_list: ({ place }: Args) => snapshots.filter(s => s.place === key(place)).map(s => s.snapshot),
      snapshot_take: ({ place, name }: Args) => {
        if (!String(name).trim()) fail('invalid', en() ? 'a name cannot be empty' : 'le champ nom ne peut pas être vide')
        return takeSnapshot(key(place), 'manual', String(name).trim())
      },
      snapshot_show: ({ id }: Args) => {
        const found = snapshots.find(s => s.snapshot.id === id) ?? fail('not_found', `aucun instantané n° ${id}`)
        const part = found.part as Record<string, unknown>
        return found.place.startsWith('session') ? { kind: 'session', ...part } : { kind: 'synthesis', consolidated: part.consolidated }
      },
      snapshot_restore_preview: ({ id }: Args) => {
        const found = snapshots.find(s => s.snapshot.id === id) ?? fail('not_found', `aucun instantané n° ${id}`)
        const now = read(found.place) as Record<string, any>
        const then = found.part as Record<string, any>
        // What is live now and not in the snapshot (or deleted there) is taken away, as the store does.
        const gone = (list: string, kind: string, label: (r: any) => string) => (now[list] ?? [])
          .filter((r: any) => !r.deleted && !(then[list] ?? []).some((x: any) => x.id === r.id && !x.deleted))
          .map((r: any) => ({ kind, label: label(r), author: r.author ?? '' }))
        const taken_away = [
          ...gone('proposals', 'proposal', r => r.title), ...gone('subgroups', 'subgroup', r => r.name),
          ...gone('consolidated', 'consolidated', r => r.title),
        ]
        return { written: JSON.stringify(now) === JSON.stringify(then) ? 0 : 1, taken_away, kept: [] }
      },
      snapshot_restore: ({ id }: Args) => {
        const found = snapshots.find(s => s.snapshot.id === id) ?? fail('not_found', `aucun instantané n° ${id}`)
        if (JSON.stringify(read(found.place)) === JSON.stringify(found.part)) return { written: 0, taken_away: [], before: null, kept: [] }
        const before = takeSnapshot(found.place, 'restore', found.snapshot.label)
        undo.set(found.place, [...(undo.get(found.place) ?? []), read(found.place)])
        write(found.place, found.part)
        remember(found.place)
        record()
        changed()
        return { written: 1, taken_away: [], before, kept: [] }
      },
      wording_history: ({ id }: Args) => versions.get(id) ?? fail('not_found', `aucune proposition n’a l’identifiant ${id}`),
      wording_restore: ({ id, version }: Args) => {
        const v = versions.get(id)?.[version - 1] ?? fail('not_found', `pas de version ${version}`)
        const p = state.proposals.find(x => x.id === id)
        if (p) Object.assign(p, { title: v.title, body: v.body, kind: v.state })
        const c = state.consolidated.find(x => x.id === id)
        if (c) Object.assign(c, { title: v.title, body: v.body, status: v.state })
        changed()
      },
    },
  }
}
