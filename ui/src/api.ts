// The only module that talks to the backend (Tauri commands and events). Every other module
// calls these functions, so that the UI can run on an in-memory backend in tests.
import { invoke } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'

export type Kind = 'proposal' | 'concrete_action' | 'obstacle' | 'question'
export type Status = 'draft' | 'retained' | 'set_aside'

export interface ApiError { code: 'not_found' | 'invalid' | 'storage' | 'network'; message: string }
export type ExportKind = 'report' | 'opendata' | 'decidim' | 'decidim-captured'
export interface Written { folder: string; files: string[]; incomplete: string | null }
export interface AnswersWritten extends Written { answered: number; drafts: string[]; unmatched: string[]; ambiguous: string[] }
export interface AppInfo { version: string; data_dir: string; lang: 'fr' | 'en'; author: string; hub: string | null }
/** `practice`: the sample event, for trying the app; it never merges with a real event. */
export interface EventSummary { id: string; name: string; practice: boolean }
export interface Phase { key: string; label: string; minutes: number }
export interface Theme { number: number; title: string; description: string; speakers: { name: string; role?: string }[] }
export interface Slot { id: string; day: number; date: string; start: string; duration_minutes: number; label: string }
export interface SessionInfo {
  id: string; theme: number; theme_title: string; slot: string; day: number; date: string; start: string
  duration_minutes: number; place: string; room: string | null
}
export interface EventView {
  id: string; name: string; organiser: string | null; timezone: string; run_sheet: Phase[]
  slots: Slot[]; themes: Theme[]; sessions: SessionInfo[]
}
export interface Subgroup { id: string; session_id: string; name: string; created_at: string; deleted: boolean }
export interface Proposal {
  id: string; session_id: string; theme: number; subgroup: string | null; subgroup_name: string | null
  title: string; body: string; kind: Kind; tags: string[]; author: string; created_at: string; deleted: boolean
  merged_into: string[]
}
export interface Source { proposal_id: string; session_id: string }
export interface Consolidated {
  id: string; theme: number; title: string; body: string; status: Status; priority: number | null
  sources: Source[]; author: string; created_at: string; deleted: boolean
}
export interface Suggestion { proposals: string[]; score: number; reason: string; reason_en: string }
export type SetAsideReason = 'off_topic' | 'exact_duplicate' | 'other'
export interface LexiconEntry { a: string; b: string; learned: boolean; by: string; at: string }
/** What a rapporteur decided in a theme besides merging (from its synthesis document). */
export interface Triage {
  set_aside: { proposal_id: string; reason: SetAsideReason; by: string; at: string }[]
  not_duplicates: [string, string][]
  lexicon: LexiconEntry[]
}
export interface SearchHit { record: string; id: string; theme: number; session_id: string | null; title: string; snippet: string }
export interface Review {
  consolidated_id: string; carry_forward: boolean; marked_by: string | null
  comments: { id: string; text: string; author: string; created_at: string }[]
  /** Dots given by each panel member (one entry per member, merged from every device). */
  votes: { member: string; dots: number }[]
  /** Total dots on this consolidated proposal. */
  total: number
  /** The dots this device's member gave. */
  mine: number
}
/** The whole event for the closing plenary. */
export interface PanelSummary {
  /** Dots each panel member may give per theme. */
  dots_per_theme: number
  /** Who votes from this device (its name). */
  member: string
  themes: {
    number: number; title: string
    consolidated: {
      id: string; title: string; body: string; status: Status; priority: number | null
      votes: number; carry_forward: boolean
      comments: { id: string; text: string; author: string; created_at: string }[]
      sources: { proposal_id: string; title: string; session_id: string; subgroup: string | null; kind: Kind }[]
    }[]
  }[]
}
/** Why the hub refused (or could not be reached), as `recolte status --json` gives it. */
export type SyncErrorCode = 'expired' | 'revoked' | 'wrong_event' | 'bad_signature' | 'out_of_scope' | 'unreachable' | 'hub_full'
export interface SyncErrorInfo { code: SyncErrorCode; message: string }
/** `refused`: the hub refused this device's invitation (see `error`). `out_of_rights`: changes
 * were made in documents the invitation may only read; they are never shared. */
export interface SyncSummary {
  state: 'off' | 'offline' | 'syncing' | 'up_to_date' | 'refused' | 'out_of_rights'
  hub: string | null; documents: number; up_to_date: number; unshared: number
  /** Changes in documents this device may not write (never shared). */
  out_of_rights: number
  /** The worst error among the documents, if any. */
  error: SyncErrorInfo | null
}
export type Access = 'none' | 'read' | 'write'
/** One line of the status details (one per document). */
export interface DocStatus {
  doc: string; label: string; access: Access
  state: 'offline' | 'connecting' | 'syncing' | 'up_to_date'
  unsent: number; last_exchange: string | null; error: SyncErrorInfo | null
}
export type Role = 'organiser' | 'facilitator' | 'rapporteur' | 'panel'
/** What this device may do in an event. `role` is null on a device that neither holds the
 * event's key nor joined it with an invitation (everything is open locally; it shares by bundles). */
export interface DeviceAccess {
  role: Role | null
  holds_key: boolean
  /** The name on the invitation this device joined with. */
  for: string | null
  programme: Access
  sessions: { id: string; access: Access }[]
  themes: { number: number; access: Access }[]
  panel: Access
  /** The screens to show, in order. */
  screens: ('capture' | 'synthesis' | 'panel' | 'organisation' | 'settings')[]
  /** Where the holder works: the screen to open on, and the session or theme there. */
  home: { screen: 'capture' | 'synthesis' | 'panel' | 'organisation'; session: string | null; theme: number | null }
}
export interface InvitationRequest {
  role: Role; sessions: string[]; themes: number[]; for: string | null
  /** Validity: 90m, 12h, 3d, 2w. */
  valid: string
  /** Hub addresses; empty: the device finds the hub serving the event nearby. */
  hubs: string[]
}
export interface Invitation {
  id: string; link: string; role: Role; sessions: string[]; themes: number[]; for: string | null
  /** What the invitation is for, in words: "Thème 3 · jour 1, 14:00 · Salle Gallé", "Rapporteur, thème 8". */
  label: string
  created_at: string; expires_at: string
  state: 'unused' | 'joined' | 'expired' | 'revoked'
  joined_by: string | null; joined_at: string | null
}
/** A link read before joining, to show what it opens. */
export interface InvitationPreview {
  event_id: string; event_name: string; role: Role; label: string; for: string | null
  expires_at: string; expired: boolean; hubs: string[]
}
export interface JoinedDevice { device: string; name: string; invitation_id: string | null; role: Role | null; joined_at: string }
export interface OrganisationView {
  event: EventSummary
  holds_key: boolean
  invitations: Invitation[]
  devices: JoinedDevice[]
  /** Addresses to put in new invitations by default (the hub this device uses, the hub it serves). */
  suggested_hubs: string[]
}
export interface ServeInfo {
  serving: boolean
  port: number | null
  /** Every address other devices can use: `ws://IP:PORT`, one per network interface. */
  addresses: string[]
  /** Announced on the local network (DNS-SD) so that devices find it without an address. */
  announced: boolean
  /** Why it is not serving although it was asked to (port taken…), in words. */
  error: string | null
}
export interface QrCode { size: number; path: string }
export interface NearbyHub { name: string; event_id: string; event_name: string; urls: string[] }
export interface ArrivalDevice { name: string; connected: boolean; last_seen: string | null }
export interface SessionArrival {
  id: string; theme: number; theme_title: string; day: number; start: string; room: string | null
  proposals: number; last_change: string | null; devices: ArrivalDevice[]
  /** The slot has ended and nothing reached the hub. */
  missing: boolean
}
export interface ThemeArrival { number: number; title: string; consolidated: number; retained: number; set_aside: number; draft: number }
export interface DeviceReport { device: string; name: string; role: Role | null; unsent: number | null; reported_at: string | null }
export interface ArrivalsBoard { sessions: SessionArrival[]; themes: ThemeArrival[]; devices: DeviceReport[]; generated_at: string }
export interface BundleImported { event_id: string; documents: number; changed: number; bytes_saved: number; path: string }
/** A session's clock, shared by every facilitator of the session (stored in its document). */
export interface SessionClock {
  stage: 'before' | 'during' | 'after'
  /** The effective start: the programme's, or when a facilitator pressed "start now". */
  started_at: string
  started_by_hand: boolean
  paused: boolean
  /** The current phase (during), else null. */
  phase_index: number | null
  phase: string | null
  /** Until the start (before), until the end of the phase (during), 0 after. */
  remaining_seconds: number
  /** Until the end of the session (during). */
  session_remaining_seconds: number
  /** Each phase in active seconds since the start (pauses excluded), extensions included. */
  phases: { key: string; label: string; minutes: number; start_seconds: number; end_seconds: number; extra_seconds: number }[]
}
export type ClockAction = 'start' | 'pause' | 'resume' | 'extend' | 'next'
/** Where an undo applies: the session on screen, a theme's synthesis, or the panel. */
export type UndoPlace = { session: string } | { theme: number } | 'panel'
/** What an undo or a redo did; `written` 0: what the change did was changed since elsewhere. */
export interface UndoOutcome {
  action: 'undo' | 'redo'; change: number; written: number; can_undo: number; can_redo: number
  /** The titles of the proposals the change was about (a few at most). */
  about: string[]
}
export interface UndoDepth { can_undo: number; can_redo: number }
/** One wording of a captured or consolidated proposal, as it stood after a change. */
export interface WordingVersion {
  version: number; at: string; origin: 'local' | 'hub' | 'bundle' | 'snapshot'
  /** The person on this device, for a version made here; none for one that came from elsewhere. */
  by: string | null
  title: string; body: string
  /** The proposal's kind, or the consolidated proposal's status. */
  state: string
  deleted: boolean
}
/** A document as it stood at a moment (read only), with every moment it changed on this device. */
export interface Moment<T> { at: string; moments: string[]; content: T }
/** A captured proposal as its session's document holds it (no projection: read at a moment). */
export interface ProposalRecord {
  id: string; title: string; body: string; kind: Kind; subgroup: string | null; tags: string[]
  author: string; created_at: string; deleted: boolean
}
export interface SubgroupRecord { id: string; name: string; created_at: string; deleted: boolean }
export type ConsolidatedRecord = Omit<Consolidated, 'theme'>
/** A named snapshot of a document, kept on this device (see docs/schema.md). */
export interface NamedSnapshot {
  id: number; doc: string
  reason: 'manual' | 'session_end' | 'merge' | 'undo_merge' | 'import' | 'restore'
  name: string; label: string; label_en: string; taken_at: string; taken_by: string; entry: number
}
export type SnapshotContent =
  | { kind: 'session'; subgroups: SubgroupRecord[]; proposals: ProposalRecord[] }
  | { kind: 'synthesis'; consolidated: ConsolidatedRecord[] }
  | { kind: 'panel'; marks: unknown[]; comments: unknown[]; votes: unknown[] }
export interface SnapshotRestore { written: number; before: NamedSnapshot | null }
export interface JoinResult { event: string; pulled: boolean; error: SyncErrorInfo | null }

export const api = {
  appInfo: () => invoke<AppInfo>('app_info'),
  saveSettings: (author: string, lang: string) => invoke<void>('settings_save', { settings: { author, lang } }),
  events: () => invoke<EventSummary[]>('events_list'),
  loadSample: () => invoke<string>('event_load_sample'),
  importProgramme: (text: string) => invoke<string>('event_import_text', { text }),
  event: (event: string) => invoke<EventView>('event_show', { event }),
  sessionView: (event: string, session: string) =>
    invoke<{ subgroups: Subgroup[]; proposals: Proposal[] }>('session_view', { event, session }),
  addSubgroup: (session: string, name: string) => invoke<string>('subgroup_add', { session, name }),
  renameSubgroup: (session: string, subgroup: string, name: string) => invoke<void>('subgroup_rename', { session, subgroup, name }),
  addProposal: (session: string, proposal: { title: string; body: string; kind: Kind; subgroup: string | null; tags: string[] }) =>
    invoke<string>('proposal_add', { session, proposal }),
  editProposal: (id: string, changes: { title?: string; body?: string; kind?: Kind; subgroup?: string; tags?: string[] }) =>
    invoke<void>('proposal_edit', { id, changes }),
  setProposalDeleted: (id: string, deleted: boolean) => invoke<void>('proposal_set_deleted', { id, deleted }),
  themeView: (event: string, theme: number) =>
    invoke<{ proposals: Proposal[]; consolidated: Consolidated[] }>('theme_view', { event, theme }),
  search: (event: string, query: string) => invoke<SearchHit[]>('search', { event, query }),
  suggest: (event: string, theme: number) => invoke<Suggestion[]>('duplicates_suggest', { event, theme }),
  merge: (event: string, merge: { theme: number; title: string; body: string; proposals: string[] }) =>
    invoke<{ id: string; learned: [string, string][] }>('synthesis_merge', { event, merge }),
  triage: (event: string, theme: number) => invoke<Triage>('synthesis_triage', { event, theme }),
  setAside: (id: string, reason: SetAsideReason | null) => invoke<void>('proposal_set_aside', { id, reason }),
  dismissDuplicates: (event: string, theme: number, proposals: string[]) =>
    invoke<void>('duplicates_dismiss', { event, theme, proposals }),
  setLexicon: (event: string, theme: number, a: string, b: string, removed: boolean) =>
    invoke<void>('lexicon_set', { event, theme, a, b, removed }),
  editConsolidated: (id: string, changes: { title?: string; body?: string; status?: Status; priority?: number }) =>
    invoke<void>('synthesis_edit', { id, changes }),
  setConsolidatedDeleted: (id: string, deleted: boolean) => invoke<void>('synthesis_set_deleted', { id, deleted }),
  reorder: (ids: string[]) => invoke<void>('synthesis_reorder', { ids }),
  panelView: (event: string, theme: number) => invoke<Review[]>('panel_view', { event, theme }),
  mark: (id: string, carryForward: boolean) => invoke<void>('panel_mark', { id, carryForward }),
  comment: (id: string, text: string) => invoke<string>('panel_comment', { id, text }),
  /** Sets this member's dots on a consolidated proposal (0 takes them back); refused past the theme's limit. */
  vote: (id: string, dots: number) => invoke<void>('panel_vote', { id, dots }),
  sessionClock: (session: string) => invoke<SessionClock>('session_clock', { session }),
  /** start now, pause, resume, extend the current phase by `minutes` (default 5), skip to the next phase. */
  clockAction: (session: string, action: ClockAction, minutes?: number) =>
    invoke<SessionClock>('session_clock_action', { session, action, minutes: minutes ?? null }),
  panelSummary: (event: string) => invoke<PanelSummary>('panel_summary', { event }),
  /** The window itself full screen (projector mode), or back. */
  setFullscreen: (on: boolean) => invoke<void>('window_fullscreen', { on }),
  syncStatus: () => invoke<SyncSummary>('sync_status'),
  configureSync: (hub: string, token: string) => invoke<void>('sync_configure', { hub, token }),
  syncNow: () => invoke<void>('sync_now'),
  presence: (event: string, session: string) => invoke<string[]>('presence', { event, session }),
  /** Serves this device's store to the room (and again each time the app opens, until stopped). */
  hubStart: (port?: number) => invoke<ServeInfo>('hub_start', { port: port ?? null }),
  hubStop: () => invoke<void>('hub_stop'),
  exportWrite: (event: string, kind: ExportKind, theme?: number) =>
    invoke<Written>('export_write', { event, kind, theme: theme ?? null }),
  /** Decidim's answers from Decidim's own export, chosen in the system's dialog (null: cancelled). */
  decidimAnswers: (event: string) => invoke<AnswersWritten | null>('decidim_answers', { event }),
  /** Whether this device serves the room, and at which addresses; also why not, if it failed to start. */
  hubInfo: () => invoke<ServeInfo>('hub_info'),
  /** The QR code of a link made here (an invitation): modules as one SVG path, `size` modules wide. */
  qr: (text: string) => invoke<QrCode>('qr_code', { text }),
  /** Hubs announced on the local network (DNS-SD), listened to for `seconds`. */
  nearby: (seconds: number) => invoke<NearbyHub[]>('nearby_hubs', { seconds }),
  /** The arrivals board (organiser): per session what reached the hub, per theme the synthesis, per device its last report. */
  arrivals: (event: string) => invoke<ArrivalsBoard>('arrivals_board', { event }),
  /** Writes a bundle of the event where the user chooses (system dialog); null if cancelled. */
  bundleExport: (event: string) => invoke<{ path: string; bytes: number } | null>('bundle_export', { event }),
  /** Merges a bundle the user chooses (system dialog); null if cancelled. */
  bundleImport: () => invoke<BundleImported | null>('bundle_import'),
  /** Opens a file or folder the app wrote (an export, a sheet, a bundle) in the system's application. */
  openPath: (path: string) => invoke<void>('open_path', { path }),
  onBundleProgress: (handler: (progress: { done: number; total: number }) => void) =>
    listen<{ done: number; total: number }>('bundle-progress', e => handler(e.payload)),
  syncDetails: (event: string) => invoke<DocStatus[]>('sync_details', { event }),
  access: (event: string) => invoke<DeviceAccess>('device_access', { event }),
  removeEvent: (event: string) => invoke<void>('event_remove', { event }),
  organisation: (event: string) => invoke<OrganisationView>('organisation_view', { event }),
  createInvitation: (event: string, request: InvitationRequest) => invoke<Invitation>('invitation_create', { event, request }),
  createAllInvitations: (event: string, hubs: string[], valid: string) =>
    invoke<Invitation[]>('invitation_create_all', { event, hubs, valid }),
  revokeInvitation: (event: string, id: string) => invoke<void>('invitation_revoke', { event, id }),
  /** Writes the printable A4 sheet (one card per invitation; all of the event's if `ids` is empty). */
  invitationSheet: (event: string, ids: string[]) => invoke<{ folder: string; files: string[] }>('invitation_sheet', { event, ids }),
  previewInvitation: (link: string) => invoke<InvitationPreview>('invitation_preview', { link }),
  /** Joins with an invitation link: signs with `name`, pulls what the invitation may read. */
  join: (link: string, name: string) => invoke<JoinResult>('join_invitation', { link, name }),
  /** A `recolte://join?…` link the system opened the app with, not yet handled. */
  pendingLink: () => invoke<string | null>('pending_link'),
  onInvitationLink: (handler: (link: string) => void) => listen<string>('invitation-link', e => handler(e.payload)),
  /** Undoes (or redoes) this device's last change there; never another device's. */
  undo: (event: string, place: UndoPlace, redo = false) => invoke<UndoOutcome>('undo_step', { event, place, redo }),
  undoDepth: (event: string, place: UndoPlace) => invoke<UndoDepth>('undo_depth', { event, place }),
  /** Every wording a captured or consolidated proposal had, oldest first. */
  wordingHistory: (id: string) => invoke<WordingVersion[]>('wording_history', { id }),
  /** Writes a former wording back as a new edit (it merges with others' edits). */
  restoreWording: (id: string, version: number) => invoke<void>('wording_restore', { id, version }),
  /** A session as it stood at `at` (15:30, 2025-10-01 15:30, RFC 3339; none: now). */
  sessionAt: (session: string, at: string | null) =>
    invoke<Moment<{ subgroups: SubgroupRecord[]; proposals: ProposalRecord[] }>>('session_at', { session, at }),
  /** A theme's consolidated proposals as they stood at `at`. */
  synthesisAt: (event: string, theme: number, at: string | null) =>
    invoke<Moment<ConsolidatedRecord[]>>('synthesis_at', { event, theme, at }),
  /** The named snapshots of a session, a theme's synthesis or the panel, oldest first. */
  snapshots: (event: string, place: UndoPlace) => invoke<NamedSnapshot[]>('snapshot_list', { event, place }),
  takeSnapshot: (event: string, place: UndoPlace, name: string) =>
    invoke<NamedSnapshot>('snapshot_take', { event, place, name }),
  snapshotContent: (id: number) => invoke<SnapshotContent>('snapshot_show', { id }),
  /** Puts the document back as it stood at the snapshot (a new edit; what it replaces is kept). */
  restoreSnapshot: (id: number) => invoke<SnapshotRestore>('snapshot_restore', { id }),
  onStoreChanged: (handler: () => void) => listen('store-changed', () => handler()),
  onSyncStatus: (handler: (status: SyncSummary) => void) => listen<SyncSummary>('sync-status', e => handler(e.payload)),
}

export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String((error as ApiError).message)
  return String(error)
}
