// Generated from the Rust types by src-tauri/src/bindings.rs: do not edit by hand.
// RECOLTE_WRITE_TYPES=1 cargo test -p recolte-app bindings writes it anew.

export type EventId = string;

export type SessionId = string;

export type SubgroupId = string;

export type ProposalId = string;

export type ConsolidatedId = string;

export type CommentId = string;

export type Lang = "fr" | "en";

export type Role = "organiser" | "facilitator" | "rapporteur" | "panel";

export type Access = "none" | "read" | "write";

export type Kind = "proposal" | "concrete_action" | "obstacle" | "question";

export type Status = "draft" | "retained" | "set_aside";

export type Place = { id: string, name: string, address: string | null, };

export type Day = { day: number, date: string, label: string | null, };

export type Speaker = { name: string, role?: string | null, 
/**
 * Days (1-based) on which the speaker takes part; empty means every day.
 */
days?: Array<number>, };

export type Phase = { key: string, label: string, minutes: number, };

export type Theme = { number: number, title: string, description: string, speakers: Array<Speaker>, };

export type Slot = { id: string, day: number, 
/**
 * ISO date, `2025-10-01`.
 */
date: string, 
/**
 * Local time `HH:MM`.
 */
start: string, duration_minutes: number, label: string, };

export type SessionInfo = { id: SessionId, theme: number, theme_title: string, slot: string, day: number, date: string, start: string, duration_minutes: number, place: string, room: string | null, 
/**
 * When the session's slot ends (RFC 3339, UTC), on the event's clock; `None` when the
 * programme's date or time does not read.
 */
ends_at: string | null, };

export type EventSummary = { id: EventId, name: string, 
/**
 * The sample event, for practice: it never merges with a real event.
 */
practice: boolean, 
/**
 * When the event was made, read from its id (the same on every device); tells apart two
 * events of the same name, as two organisers who each import the programme make.
 */
created_at: string | null, };

export type EventView = { id: EventId, name: string, 
/**
 * The key that signs this event's access tokens (PASERK `k4.public`).
 */
public_key: string | null, organiser: string | null, timezone: string, places: Array<Place>, days: Array<Day>, run_sheet: Array<Phase>, slots: Array<Slot>, themes: Array<Theme>, sessions: Array<SessionInfo>, };

export type Subgroup = { id: SubgroupId, session_id: SessionId, name: string, created_at: string, deleted: boolean, };

export type Proposal = { id: ProposalId, session_id: SessionId, theme: number, subgroup: SubgroupId | null, subgroup_name: string | null, title: string, body: string, kind: Kind, tags: Array<string>, author: string, created_at: string, deleted: boolean, 
/**
 * Consolidated proposals of the theme's synthesis that cite this one.
 */
merged_into: Array<ConsolidatedId>, };

export type Source = { proposal_id: ProposalId, session_id: SessionId, };

export type Consolidated = { id: ConsolidatedId, event_id: EventId, theme: number, title: string, body: string, status: Status, priority: number | null, sources: Array<Source>, author: string, created_at: string, deleted: boolean, };

export type SearchHit = { 
/**
 * `proposal` or `consolidated`.
 */
record: string, id: string, theme: number, session_id: SessionId | null, title: string, 
/**
 * Extract of the matching text, with the matches between `[` and `]`.
 */
snippet: string, };

export type Suggestion = { proposals: Array<ProposalId>, 
/**
 * 0 to 1: the lowest similarity between two members of the group.
 */
score: number, 
/**
 * Why, in French: the words that met.
 */
reason: string, 
/**
 * The same in English.
 */
reason_en: string, };

export type SetAsideReason = "off_topic" | "exact_duplicate" | "other";

export type SetAsideRecord = { proposal_id: ProposalId, reason: SetAsideReason, by: string, at: string, };

export type LexiconEntry = { a: string, b: string, 
/**
 * Learned from a merge made by hand (else typed by a rapporteur).
 */
learned: boolean, by: string, at: string, };

export type Triage = { set_aside: Array<SetAsideRecord>, not_duplicates: Array<[ProposalId, ProposalId]>, lexicon: Array<LexiconEntry>, };

export type Review = { consolidated_id: ConsolidatedId, carry_forward: boolean, marked_by: string | null, comments: Array<ReviewComment>, 
/**
 * Each member's dots, merged from every device.
 */
votes: Array<MemberVotes>, total: number, 
/**
 * The dots this device's member gave.
 */
mine: number, };

export type ReviewComment = { id: string, text: string, author: string, created_at: string, };

export type MemberVotes = { member: string, dots: number, };

export type PanelSummary = { dots_per_theme: number, 
/**
 * Who votes from this device.
 */
member: string, themes: Array<ThemeSummary>, 
/**
 * Consolidated proposals of different themes that say the same thing.
 */
alike: Array<AlikeAcrossThemes>, };

export type AlikeAcrossThemes = { consolidated: Array<ConsolidatedId>, 
/**
 * Why, in French: the words that met.
 */
reason: string, reason_en: string, };

export type ThemeSummary = { number: number, title: string, consolidated: Array<SummaryItem>, };

export type SummaryItem = { id: ConsolidatedId, title: string, body: string, status: Status, priority: number | null, votes: number, carry_forward: boolean, comments: Array<ReviewComment>, sources: Array<SummarySource>, };

export type SummarySource = { proposal_id: ProposalId, title: string, session_id: SessionId, subgroup: string | null, kind: Kind | null, };

export type SessionClock = { 
/**
 * `before`, `during` or `after`.
 */
stage: string, started_at: string, started_by_hand: boolean, paused: boolean, phase_index: number | null, phase: string | null, 
/**
 * Until the start (before), until the end of the phase (during), 0 after.
 */
remaining_seconds: number, session_remaining_seconds: number, phases: Array<PhaseSpan>, };

export type PhaseSpan = { key: string, label: string, minutes: number, start_seconds: number, end_seconds: number, extra_seconds: number, };

export type ClockAction = "start" | "pause" | "resume" | "extend" | "next";

export type SubgroupRecord = { id: SubgroupId, name: string, created_at: string, deleted: boolean, };

export type ProposalRecord = { id: ProposalId, title: string, body: string, kind: Kind, subgroup: SubgroupId | null, tags: Array<string>, author: string, created_at: string, deleted: boolean, };

export type ConsolidatedRecord = { id: ConsolidatedId, title: string, body: string, status: Status, priority: number | null, sources: Array<Source>, author: string, created_at: string, deleted: boolean, };

export type MarkRecord = { consolidated_id: ConsolidatedId, carry_forward: boolean, by: string, at: string, };

export type CommentRecord = { id: CommentId, consolidated_id: ConsolidatedId, text: string, author: string, created_at: string, deleted: boolean, };

export type VoteRecord = { consolidated_id: ConsolidatedId, member: string, dots: number, at: string, };

export type Moment<T> = { 
/**
 * The moment asked for (RFC 3339), or the last change when none was.
 */
at: string, 
/**
 * Every moment the document changed on this device, oldest first: the steps of a slider.
 */
moments: Array<string>, content: T, };

export type SessionContent = { subgroups: Array<SubgroupRecord>, proposals: Array<ProposalRecord>, };

export type Version = { 
/**
 * 1 for the oldest.
 */
version: number, 
/**
 * When the entry that made it reached this device (RFC 3339).
 */
at: string, 
/**
 * Where it came from: `local` (typed here), `hub`, `bundle` or `snapshot` (compacted).
 */
origin: string, 
/**
 * Who made it: the name recorded in the document for the Yjs client that wrote it
 * (`authors`, see docs/schema.md), on any device; none when the writer recorded no name
 * (a client that is not Récolte, or before a name was given) or for what a compaction folded.
 */
by: string | null, title: string, body: string, 
/**
 * The proposal's kind, or the consolidated proposal's status.
 */
state: string, 
/**
 * A captured proposal's sub-group (its name then, and its id), if it had one.
 */
subgroup: string | null, subgroup_id: string | null, deleted: boolean, };

export type UndoAction = "undo" | "redo";

export type UndoOutcome = { action: UndoAction, 
/**
 * The log entry undone or redone.
 */
change: number, 
/**
 * Fields written back. 0: everything that change did was changed since by another device
 * (or by this one, through another change), so nothing was written.
 */
written: number, can_undo: number, can_redo: number, 
/**
 * The titles of the proposals the change was about (the one voted for, marked, edited…),
 * a few at most: what the app says was undone.
 */
about: Array<string>, 
/**
 * The titles of what this step left although it would have taken it away: a proposal a
 * merge cites, a merge the panel voted on, marked or commented (undo it there first).
 */
kept: Array<string>, };

export type UndoDepth = { can_undo: number, can_redo: number, };

export type PlaceArg = { "session": string } | { "theme": number } | "panel";

export type SnapshotReason = "manual" | "session_end" | "merge" | "undo_merge" | "import" | "restore";

export type NamedSnapshot = { 
/**
 * A number for one kept on this device, a UUID for one taken by hand (in the document).
 */
id: string, 
/**
 * The document (`session:…`, `synthesis:…`, `panel:…`).
 */
doc: string, reason: SnapshotReason, 
/**
 * The name given by hand, or what the automatic snapshot is about.
 */
name: string, 
/**
 * How it reads, in French and in English.
 */
label: string, label_en: string, 
/**
 * When it was taken (RFC 3339); an end-of-slot snapshot says when the slot ended.
 */
taken_at: string, 
/**
 * The display name of the person on the device that took it.
 */
taken_by: string, 
/**
 * Whether it travels with the document (taken by hand), or is kept on this device.
 */
shared: boolean, };

export type SnapshotContent = { "kind": "session" } & SessionContent | { "kind": "synthesis", consolidated: Array<ConsolidatedRecord>, } | { "kind": "panel", marks: Array<MarkRecord>, comments: Array<CommentRecord>, votes: Array<VoteRecord>, };

export type SnapshotRestore = { 
/**
 * Fields written back (0: the document already stood as the snapshot).
 */
written: number, 
/**
 * The records it took away from everyone (written since the snapshot, by anyone).
 */
taken_away: Array<TakenAway>, 
/**
 * The snapshot taken just before, of what the restore replaced.
 */
before: NamedSnapshot | null, 
/**
 * The titles of what it left although the snapshot does not have it: a proposal a merge
 * cites, a merge the panel voted on, marked or commented.
 */
kept: Array<string>, };

export type RestorePreview = { 
/**
 * Fields it would write back (0: the document already stands as the snapshot).
 */
written: number, 
/**
 * The records it would take away from everyone: a colleague's proposal added since.
 */
taken_away: Array<TakenAway>, 
/**
 * What it would leave although the snapshot does not have it (see [`SnapshotRestore`]).
 */
kept: Array<string>, };

export type TakenAway = { 
/**
 * `proposal`, `consolidated`, `comment` or `subgroup`; and a rapporteur's or the panel's
 * decision on one: `set_aside`, `not_duplicates`, `lexicon`, `vote`, `mark`.
 */
kind: string, 
/**
 * Its title, text or name. For a decision: the id of the proposal it is about (for
 * `not_duplicates`, the two ids joined by `|`; for `lexicon`, « a ≈ b »), which the
 * store names.
 */
label: string, 
/**
 * Who wrote it, when the record says (empty otherwise).
 */
author: string, };

export type Invitation = { event: EventId, event_name: string, 
/**
 * Hub addresses, in the order to try them. Empty: the hub found on the local network.
 */
hubs: Array<string>, 
/**
 * SHA-256 of the hub's certificate (hex), when the hub serves its own.
 */
fingerprint: string | null, token: string, };

export type InvitationState = "unused" | "joined" | "expired" | "revoked";

export type InvitationRecord = { id: string, event: EventId, link: string, role: Role, sessions: Array<SessionId>, themes: Array<number>, 
/**
 * The person it is for.
 */
for: string | null, hubs: Array<string>, 
/**
 * What it is for, in words.
 */
label: string, created_at: string, expires_at: string, state: InvitationState, 
/**
 * The name of the device (its user) that joined with it, and when.
 */
joined_by: string | null, joined_at: string | null, };

export type AllInvitations = { 
/**
 * One per session, one per theme and one for the panel, in programme order.
 */
invitations: Array<InvitationRecord>, 
/**
 * How many of them were made now.
 */
created: number, };

export type JoinedDevice = { device: string, 
/**
 * The display name of the person using it.
 */
name: string, 
/**
 * The id of the token it joined with.
 */
invitation_id: string | null, role: string | null, joined_at: string, };

export type OrganisationView = { event: EventSummary, holds_key: boolean, invitations: Array<InvitationRecord>, devices: Array<JoinedDevice>, 
/**
 * Hub addresses to put in new invitations: the hub this device uses, the hub it serves.
 */
suggested_hubs: Array<string>, };

export type JoinResult = { event: EventId, 
/**
 * Whether the first exchange with the hub happened (else sync keeps trying).
 */
pulled: boolean, error: ErrorReport | null, 
/**
 * This device made the event: it kept its organiser rights (the invitation was not used).
 */
as_organiser: boolean, 
/**
 * Changes only the former invitation may write, not shared yet: background sync sends
 * them as soon as its hub, or the new invitation's, answers.
 */
left_behind: number, 
/**
 * Changes only the former invitation could write, which it can no longer share (expired
 * or revoked): they stay on this device, and a bundle carries them.
 */
stranded: number, };

export type Home = { screen: string, session: SessionId | null, theme: number | null, };

export type SessionAccess = { id: SessionId, access: Access, };

export type ThemeAccess = { number: number, access: Access, };

export type DeviceAccess = { 
/**
 * `None`: no invitation for this event and not its organiser's device (everything is
 * open locally; it shares by bundles).
 */
role: Role | null, holds_key: boolean, 
/**
 * The name on the invitation.
 */
for: string | null, programme: Access, sessions: Array<SessionAccess>, themes: Array<ThemeAccess>, panel: Access, 
/**
 * The screens to show, in order.
 */
screens: Array<string>, 
/**
 * Where the holder works.
 */
home: Home, };

export type SyncState = "offline" | "connecting" | "syncing" | "up_to_date";

export type DocStatus = { state: SyncState, 
/**
 * This device's changes the hub has not confirmed yet.
 */
unconfirmed: number, 
/**
 * Why the hub last refused (or could not be reached), and the message to show.
 */
error: [RefusalCode, string] | null, };

export type RefusalCode = "expired" | "revoked" | "wrong_event" | "bad_signature" | "unreadable_token" | "out_of_scope" | "unreachable" | "hub_full" | "wrong_certificate" | "hub_cannot_save";

export type ErrorReport = { code: RefusalCode, message: string, };

export type ServeInfo = { serving: boolean, port: number | null, 
/**
 * `ws://IP:PORT` for every network interface other devices can use.
 */
addresses: Array<string>, 
/**
 * Announced on the local network (DNS-SD).
 */
announced: boolean, error: string | null, };

export type OverDots = { member: string, theme: number, given: number, };

export type NearbyHub = { 
/**
 * The announcement's instance name.
 */
name: string, event_id: EventId, event_name: string, 
/**
 * Addresses to try, `ws://…` (or `wss://…`).
 */
urls: Array<string>, 
/**
 * The hub certificate's fingerprint, when it serves its own TLS.
 */
fingerprint: string | null, };

export type ArrivalsBoard = { generated_at: string, sessions: Array<SessionArrival>, themes: Array<ThemeArrival>, devices: Array<DeviceReport>, };

export type SessionArrival = { id: SessionId, theme: number, theme_title: string, day: number, start: string, room: string | null, 
/**
 * Proposals the hub holds (deleted ones aside).
 */
proposals: number, 
/**
 * When the hub last received a change to the session (RFC 3339).
 */
last_change: string | null, devices: Array<ArrivalDevice>, 
/**
 * The slot has ended and the hub holds nothing of the session.
 */
missing: boolean, 
/**
 * The hub cannot read the session back (a damaged journal entry, its disk): its count is
 * unknown, not 0, and it is not called missing.
 */
unreadable: boolean, };

export type ArrivalDevice = { name: string, connected: boolean, 
/**
 * When it left (`None` while connected).
 */
last_seen: string | null, };

export type ThemeArrival = { number: number, title: string, consolidated: number, retained: number, set_aside: number, draft: number, 
/**
 * The theme's synthesis could not be read back: its counts are unknown, not zero.
 */
unreadable: boolean, };

export type DeviceReport = { device: string, name: string, role: string | null, 
/**
 * Changes it had not shared yet, summed over the documents it reported on.
 */
unsent: number | null, 
/**
 * Changes it holds that no network sync will carry (outside its invitation's rights): a
 * bundle brings them, or a new invitation.
 */
outside: number | null, reported_at: string | null, };

export type Preview = { event_id: EventId, event_name: string, role: Role, label: string, for: string | null, expires_at: string, expired: boolean, hubs: Array<string>, 
/**
 * This device made the event (not the practice one): joining keeps its organiser rights
 * (see [`join`]).
 */
organiser_device: boolean, };

export type NewInvitation = { role: string, sessions: Array<string>, themes: Array<number>, for: string | null, valid: string, hubs: Array<string>, };

export type Overall = "off" | "refused" | "offline" | "out_of_rights" | "syncing" | "up_to_date";

export type Summary = { state: Overall, hub: string | null, documents: number, up_to_date: number, 
/**
 * Changes not yet shared, out-of-rights ones included.
 */
unshared: number, out_of_rights: number, 
/**
 * Changes on their way with a former invitation kept aside, counted in `unshared`.
 */
former_invitation: number, error: ErrorReport | null, 
/**
 * The hub was found serving the event nearby when the one expected was out of reach: by
 * background sync (see `failover`), or by a join whose card's hubs did not answer.
 */
found_nearby: boolean, };

export type DocReport = { doc: string, label: string, access: Access, 
/**
 * Live state when the background engine runs; otherwise, as of the last exchange.
 */
state: SyncState, 
/**
 * Changes this device made (or brought by a bundle) that the hub has not confirmed.
 */
unsent: number, 
/**
 * The unsent changes are in a document this device may not write: never shared.
 */
out_of_rights: boolean, 
/**
 * The unsent changes go with a former invitation kept aside (a facilitator's previous
 * session card): tried again at its hub and at this one until they are shared.
 */
former_invitation: boolean, last_exchange: string | null, error: ErrorReport | null, };

export type QrPath = { size: number, path: string, };

export type Settings = { author: string, lang: string, };

export type SessionView = { subgroups: Array<Subgroup>, proposals: Array<Proposal>, };

export type NewProposal = { title: string, body: string, kind: string, subgroup: string | null, tags: Array<string>, };

export type ProposalChanges = { title: string | null, body: string | null, kind: string | null, 
/**
 * An empty string takes the proposal out of its sub-group.
 */
subgroup: string | null, tags: Array<string> | null, title_base?: string, body_base?: string, };

export type ThemeView = { proposals: Array<Proposal>, consolidated: Array<Consolidated>, };

export type Merge = { theme: number, title: string, body: string, proposals: Array<string>, };

export type Merged = { id: ConsolidatedId, 
/**
 * Word pairs a merge made by hand taught the theme's lexicon.
 */
learned: Array<[string, string]>, };

export type ConsolidatedChanges = { title: string | null, body: string | null, status: string | null, 
/**
 * `0` clears the priority.
 */
priority: number | null, title_base?: string, body_base?: string, };

export type ImportReport = { event_id: EventId, 
/**
 * Documents in the bundle.
 */
documents: number, 
/**
 * Documents that brought something this store did not have.
 */
changed: number, 
/**
 * Bytes appended to the store's logs.
 */
bytes_saved: number, };

export type BundleWritten = { path: string, bytes: number, };

export type BundleImported = { path: string, event_id: EventId, 
/**
 * Documents in the bundle.
 */
documents: number, 
/**
 * Documents that brought something this store did not have.
 */
changed: number, 
/**
 * Bytes appended to the store's logs.
 */
bytes_saved: number, };

export type Written = { folder: string, files: Array<string>, 
/**
 * What the export lacks (this device does not hold every document), in words.
 */
incomplete: string | null, };

export type Answers = { answered: number, 
/**
 * Titles of our drafts (not answered on purpose).
 */
drafts: Array<string>, 
/**
 * Titles of ours with no proposal of Decidim's export.
 */
unmatched: Array<string>, 
/**
 * Titles of ours that match several of Decidim's, even by body.
 */
ambiguous: Array<string>, };

export type AnswersWritten = { folder: string, files: Array<string>, 
/**
 * What the export lacks (this device does not hold every document), in words.
 */
incomplete: string | null, answered: number, 
/**
 * Titles of our drafts (not answered on purpose).
 */
drafts: Array<string>, 
/**
 * Titles of ours with no proposal of Decidim's export.
 */
unmatched: Array<string>, 
/**
 * Titles of ours that match several of Decidim's, even by body.
 */
ambiguous: Array<string>, };

export type AppInfo = { version: string, data_dir: string, lang: Lang, author: string, hub: string | null, 
/**
 * Set when the store could only be opened for reading (a full or read-only disk): what
 * the window says about it, in the device's language, on every screen.
 */
read_only: string | null, };

export type ErrorCode = "not_found" | "invalid" | "storage" | "unwritable" | "network" | "nothing_to_undo" | "other_event";

export type ApiError = { code: ErrorCode, message: string, };

/** The longest text of each field, in characters, that the store accepts. */
export const LONGEST = {
  title: 500,
  body: 20000,
  name: 200,
  word: 200,
  tag: 200,
  comment: 5000,
} as const
