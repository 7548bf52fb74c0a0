// The only module that talks to the backend (Tauri commands and events). Every other module
// calls these functions, so that the UI can run on an in-memory backend in tests.
import { invoke } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'

// The types the commands take and return are generated from the Rust ones
// (src-tauri/src/bindings.rs → ./generated/types.ts); a test fails when they drift apart.
import type {
  BundleWritten, ConsolidatedChanges, Merge, Merged, NewProposal, ProposalChanges, SessionView, Settings, ThemeView,
  Access, AnswersWritten, ApiError, AppInfo, ArrivalDevice, ArrivalsBoard, BundleImported, ClockAction,
  Consolidated, ConsolidatedRecord, DeviceAccess, DeviceReport, DocReport, ErrorReport, EventSummary, EventView,
  AllInvitations, InvitationRecord, JoinResult, JoinedDevice, Kind, LexiconEntry, Moment, NamedSnapshot, NearbyHub, NewInvitation,
  OrganisationView, OverDots, PanelSummary, Phase, PlaceArg, Preview, Proposal, ProposalRecord, QrPath, RefusalCode, Review,
  RestorePreview, Role, SearchHit, ServeInfo, SessionArrival, SessionClock, SessionInfo, SetAsideReason, Slot,
  SnapshotContent, SnapshotRestore, Source, Status, Subgroup, SubgroupRecord, Suggestion, Summary, TakenAway, Theme,
  ThemeArrival, Triage, UndoDepth, UndoOutcome, Version, Written,
} from './generated/types'
export type {
  Access, AnswersWritten, ApiError, AppInfo, ArrivalDevice, ArrivalsBoard, BundleImported, ClockAction,
  Consolidated, ConsolidatedRecord, DeviceAccess, DeviceReport, EventSummary, EventView, JoinResult, JoinedDevice,
  Kind, LexiconEntry, Moment, NamedSnapshot, NearbyHub, OrganisationView, OverDots, PanelSummary, Phase, Proposal,
  ProposalRecord, Review, Role, SearchHit, ServeInfo, SessionArrival, SessionClock, SessionInfo, SetAsideReason,
  Slot, SnapshotContent, SnapshotRestore, Source, Status, Subgroup, SubgroupRecord, Suggestion, TakenAway, Theme,
  ThemeArrival, Triage, UndoDepth, UndoOutcome, Written,
}

/** The export the organiser asks for (`export_write`'s `kind`). */
export type ExportKind = 'report' | 'opendata' | 'decidim' | 'decidim-captured'
/** Why the hub refused (or could not be reached), as `recolte status --json` gives it. */
export type SyncErrorCode = RefusalCode
export type SyncErrorInfo = ErrorReport
/** `refused`: the hub refused this device's invitation (see `error`). `out_of_rights`: changes
 * were made in documents the invitation may only read; they are never shared. */
export type SyncSummary = Summary
/** One line of the status details (one per document). */
export type DocStatus = DocReport
export type InvitationRequest = NewInvitation
export type Invitation = InvitationRecord
/** A link read before joining, to show what it opens. */
export type InvitationPreview = Preview
export type QrCode = QrPath
/** Where an undo applies: the session on screen, a theme's synthesis, or the panel. */
export type UndoPlace = PlaceArg
/** One wording of a captured or consolidated proposal or a panel comment, as it stood after a change. */
export type WordingVersion = Version

export const api = {
  appInfo: () => invoke<AppInfo>('app_info'),
  saveSettings: (author: string, lang: string) => invoke<void>('settings_save', { settings: { author, lang } satisfies Settings }),
  events: () => invoke<EventSummary[]>('events_list'),
  loadSample: () => invoke<string>('event_load_sample'),
  importProgramme: (text: string) => invoke<string>('event_import_text', { text }),
  event: (event: string) => invoke<EventView>('event_show', { event }),
  sessionView: (event: string, session: string) =>
    invoke<SessionView>('session_view', { event, session }),
  addSubgroup: (session: string, name: string) => invoke<string>('subgroup_add', { session, name }),
  renameSubgroup: (session: string, subgroup: string, name: string) => invoke<void>('subgroup_rename', { session, subgroup, name }),
  addProposal: (session: string, proposal: NewProposal & { kind: Kind }) =>
    invoke<string>('proposal_add', { session, proposal }),
  editProposal: (id: string, changes: Partial<ProposalChanges> & { kind?: Kind }) =>
    invoke<void>('proposal_edit', { id, changes }),
  setProposalDeleted: (id: string, deleted: boolean) => invoke<void>('proposal_set_deleted', { id, deleted }),
  themeView: (event: string, theme: number) =>
    invoke<ThemeView>('theme_view', { event, theme }),
  search: (event: string, query: string) => invoke<SearchHit[]>('search', { event, query }),
  suggest: (event: string, theme: number) => invoke<Suggestion[]>('duplicates_suggest', { event, theme }),
  merge: (event: string, merge: Merge) =>
    invoke<Merged>('synthesis_merge', { event, merge }),
  triage: (event: string, theme: number) => invoke<Triage>('synthesis_triage', { event, theme }),
  setAside: (id: string, reason: SetAsideReason | null) => invoke<void>('proposal_set_aside', { id, reason }),
  dismissDuplicates: (event: string, theme: number, proposals: string[]) =>
    invoke<void>('duplicates_dismiss', { event, theme, proposals }),
  setLexicon: (event: string, theme: number, a: string, b: string, removed: boolean) =>
    invoke<void>('lexicon_set', { event, theme, a, b, removed }),
  editConsolidated: (id: string, changes: Partial<ConsolidatedChanges> & { status?: Status }) =>
    invoke<void>('synthesis_edit', { id, changes }),
  setConsolidatedDeleted: (id: string, deleted: boolean) => invoke<void>('synthesis_set_deleted', { id, deleted }),
  reorder: (ids: string[]) => invoke<void>('synthesis_reorder', { ids }),
  panelView: (event: string, theme: number) => invoke<Review[]>('panel_view', { event, theme }),
  mark: (id: string, carryForward: boolean) => invoke<void>('panel_mark', { id, carryForward }),
  comment: (id: string, text: string) => invoke<string>('panel_comment', { id, text }),
  /** Deletes a panel comment (Ctrl+Z brings it back). */
  deleteComment: (id: string) => invoke<void>('panel_comment_delete', { id }),
  /** Sets this member's dots on a consolidated proposal (0 takes them back); refused past the theme's limit. */
  vote: (id: string, dots: number) => invoke<void>('panel_vote', { id, dots }),
  sessionClock: (session: string) => invoke<SessionClock>('session_clock', { session }),
  /** start now, pause, resume, extend the current phase by `minutes` (default 5), skip to the next phase. */
  /** `phase`: the one shown as current when pressed (a press meant for a phase that ended meanwhile does not act on the next). */
  clockAction: (session: string, action: ClockAction, minutes?: number, phase?: number | null) =>
    invoke<SessionClock>('session_clock_action', { session, action, minutes: minutes ?? null, phase: phase ?? null }),
  panelSummary: (event: string) => invoke<PanelSummary>('panel_summary', { event }),
  /** Sets the dots each panel member has per theme; says who gave more than that already. */
  setPanelDots: (event: string, dots: number) => invoke<OverDots[]>('panel_set_dots', { event, dots }),
  /** The window itself full screen (projector mode), or back. */
  setFullscreen: (on: boolean) => invoke<void>('window_fullscreen', { on }),
  /** The window asks to close: `handler` sends what is left to save, then `closeReady`. */
  onClosing: (handler: () => void) => listen('closing', () => handler()),
  /** What was left to save is sent: the window may go. */
  closeReady: () => invoke<void>('window_close_ready'),
  syncStatus: () => invoke<SyncSummary>('sync_status'),
  /** An empty token on the organiser's device (which holds `event`'s key): it signs its own. */
  configureSync: (hub: string, token: string, event: string | null = null, fingerprint: string | null = null) => invoke<void>('sync_configure', { hub, token, event, fingerprint }),
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
  bundleExport: (event: string) => invoke<BundleWritten | null>('bundle_export', { event }),
  /** Merges a bundle the user chooses (system dialog); null if cancelled. */
  /** Chooses a bundle and merges it; `addEvent` imports the file just chosen as an event of its own. */
  bundleImport: (addEvent = false) => invoke<BundleImported | null>('bundle_import', { addEvent }),
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
    invoke<AllInvitations>('invitation_create_all', { event, hubs, valid }),
  revokeInvitation: (event: string, id: string) => invoke<void>('invitation_revoke', { event, id }),
  /** Writes the printable A4 sheet (one card per invitation; all of the event's if `ids` is empty). */
  invitationSheet: (event: string, ids: string[]) => invoke<Written>('invitation_sheet', { event, ids }),
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
  snapshotContent: (id: string) => invoke<SnapshotContent>('snapshot_show', { id }),
  /** Puts the document back as it stood at the snapshot (a new edit; what it replaces is kept). */
  restoreSnapshot: (id: string) => invoke<SnapshotRestore>('snapshot_restore', { id }),
  restorePreview: (id: string) => invoke<RestorePreview>('snapshot_restore_preview', { id }),
  onStoreChanged: (handler: () => void) => listen('store-changed', () => handler()),
  onSyncStatus: (handler: (status: SyncSummary) => void) => listen<SyncSummary>('sync-status', e => handler(e.payload)),
  /** Serving the room again at start ended (serving, or why not). */
  onServing: (handler: (info: ServeInfo) => void) => listen<ServeInfo>('serving', e => handler(e.payload)),
}

/** What kind of failure an error from a command is (`ApiError.code`), if it is one. */
export function errorCode(error: unknown): ApiError['code'] | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? (error as ApiError).code : undefined
}

export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String((error as ApiError).message)
  return String(error)
}
