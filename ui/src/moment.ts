// A session or a theme's synthesis as it stood at a moment ("à 15 h 30"), read only: a slider
// over every moment the document changed on this device, or a time typed as people write it.
// What is shown is what had reached this device by then. Text from other devices is text.
//
// Below the slider, the document's named snapshots (taken by hand, at the end of the slot,
// before every merge, undo of a merge, import and restore): each can be looked at, or restored
// as a new change of this device (undoable, and what it replaces is kept as a snapshot).
import {
  api, errorMessage, type ConsolidatedRecord, type Moment, type NamedSnapshot, type ProposalRecord, type SnapshotContent,
  type SubgroupRecord, type TakenAway, type UndoPlace,
} from './api'
import { openDialog } from './dialog'
import { announce, h, render } from './dom'
import { formatPrecise, joinList, lang, quoted, t, type Key } from './i18n'
import { kindLabel } from './views/capture'
import { longest } from './limits'

type Load<T> = (at: string | null) => Promise<Moment<T>>

/** Where the snapshots are: the document on screen, and how a snapshot's content is drawn. */
interface Snapshots<T> { event: string; place: UndoPlace; writable: boolean; content: (c: SnapshotContent) => T | null }

/** To the second: changes a few seconds apart are different moments. */
const precise = formatPrecise

/** What a restore takes away, as people read it: « la proposition « … » de Camille ». Text from
 * other devices stays text (it goes into a text node). */
function takenAway(records: TakenAway[]): string {
  return joinList(records.map(r => {
    const what = t(`taken_${r.kind}` as Key, { label: r.label })
    return r.author.trim() ? t('taken_by', { what, author: r.author }) : what
  }))
}

function snapshotLabel(s: NamedSnapshot): string {
  return lang() === 'fr' ? s.label : s.label_en
}

function momentDialog<T>(title: string, load: Load<T>, draw: (content: T) => HTMLElement[], snapshots: Snapshots<T>): void {
  const slider = h('input', { type: 'range', id: 'moment-slider', min: '0', max: '0', step: '1', 'aria-describedby': 'moment-when' })
  const when = h('p', { id: 'moment-when', class: 'moment-when', 'aria-live': 'polite' })
  const typed = h('input', { id: 'moment-time', autocomplete: 'off', placeholder: '15:30', 'aria-label': t('moment_time') })
  const form = h('form', { class: 'inline moment-form' }, h('label', { for: 'moment-time' }, t('moment_time')), typed,
    h('button', { type: 'submit', class: 'secondary' }, t('moment_show')))
  const list = h('div', { class: 'moment-content' })
  const error = h('p', { class: 'warning', role: 'alert', hidden: true })
  const named = h('ol', { class: 'plain snapshot-list', id: 'snapshot-list' })
  const name = h('input', { id: 'snapshot-name', autocomplete: 'off', maxlength: longest('name'), 'aria-label': t('snapshot_name') })
  const take = h('form', { class: 'inline snapshot-form' }, h('label', { for: 'snapshot-name' }, t('snapshot_name')), name,
    h('button', { type: 'submit', class: 'secondary' }, t('snapshot_take')))
  openDialog(title, [
    h('p', { class: 'muted' }, t('moment_intro')),
    h('label', { for: 'moment-slider' }, t('moment_slider')), slider, when, form, error, list,
    h('h3', {}, t('snapshot_heading')), h('p', { class: 'muted' }, t('snapshot_intro')), named,
    ...(snapshots.writable ? [take] : []),
  ], { wide: true })
  let moments: string[] = []

  function failed(failure: unknown): void {
    error.hidden = false
    render(error, t('error_prefix') + errorMessage(failure))
  }

  async function look(snapshot: NamedSnapshot): Promise<void> {
    try {
      const content = snapshots.content(await api.snapshotContent(snapshot.id))
      if (content === null) return
      render(error)
      error.hidden = true
      render(when, t('snapshot_as_of', { what: snapshotLabel(snapshot), when: precise(snapshot.taken_at) }))
      render(list, ...draw(content))
    } catch (failure) { failed(failure) }
  }

  /** A restore that would take records away from everyone (a colleague's proposal added since
   * the snapshot) says so first, on the snapshot's line, and waits to be confirmed. */
  async function restore(snapshot: NamedSnapshot, line: HTMLElement, confirmed = false): Promise<void> {
    try {
      if (!confirmed) {
        const preview = await api.restorePreview(snapshot.id)
        if (preview.taken_away.length) {
          const cancel = h('button', { type: 'button', class: 'secondary', 'data-action': 'cancel-restore' }, t('cancel'))
          const ask = h('div', { class: 'notice restore-ask', role: 'group', 'aria-label': t('snapshot_restore') },
            h('p', {}, t('snapshot_takes_away', { what: takenAway(preview.taken_away) })),
            h('button', {
              type: 'button', class: 'danger', 'data-action': 'restore-anyway',
              onclick: () => { ask.remove(); void restore(snapshot, line, true) },
            }, t('snapshot_restore_anyway')), ' ', cancel)
          cancel.addEventListener('click', () => { ask.remove(); line.querySelector<HTMLElement>('[data-action=restore]')?.focus() })
          line.querySelector('.restore-ask')?.remove()
          line.append(ask)
          cancel.focus()
          return
        }
      }
      const done = await api.restoreSnapshot(snapshot.id)
      // What it took away is said again: a colleague's proposal may have arrived since the
      // preview, or the preview said nothing and this restore took something after all.
      const took = done.taken_away.length ? ` ${t('snapshot_took', { what: takenAway(done.taken_away) })}` : ''
      // What it left because a merge cites it or the panel used it: not « already so ».
      const left = done.kept.length ? t('undo_kept', { titles: done.kept.map(quoted).join(', ') }) : ''
      announce(done.before
        ? `${t('snapshot_restored', { what: snapshotLabel(snapshot), kept: snapshotLabel(done.before) })}${took}${left ? ` ${left}` : ''}`
        : left ? `${t('snapshot_left')} ${left}` : t('snapshot_nothing'), 'notice', done.taken_away.length > 0)
      await listSnapshots()
      await show(null)
    } catch (failure) { failed(failure) }
  }

  async function listSnapshots(): Promise<void> {
    try {
      const all = await api.snapshots(snapshots.event, snapshots.place)
      if (!all.length) {
        render(named, h('li', { class: 'muted' }, t('snapshot_none')))
        return
      }
      // Newest first: the one wanted is usually the last merge or import.
      render(named, ...[...all].reverse().map(s => h('li', { class: 'snapshot', 'data-snapshot': String(s.id) },
        h('p', {}, h('strong', {}, snapshotLabel(s)), ' · ', precise(s.taken_at), s.taken_by ? ` · ${s.taken_by}` : '',
          h('span', { class: 'muted' }, ` · ${t(s.shared ? 'snapshot_shared' : 'snapshot_kept')}`)),
        h('button', { type: 'button', class: 'secondary', 'data-action': 'look', onclick: () => { void look(s) } }, t('snapshot_look')),
        snapshots.writable ? ' ' : null,
        snapshots.writable
          ? h('button', { type: 'button', class: 'secondary', 'data-action': 'restore', onclick: (e: Event) => {
            void restore(s, (e.currentTarget as HTMLElement).closest('li')!)
          } }, t('snapshot_restore'))
          : null)))
    } catch (failure) { failed(failure) }
  }

  take.addEventListener('submit', e => {
    e.preventDefault()
    api.takeSnapshot(snapshots.event, snapshots.place, name.value)
      .then(async s => {
        name.value = ''
        announce(t('snapshot_taken', { what: snapshotLabel(s) }))
        await listSnapshots()
      })
      .catch(failed)
  })

  async function show(at: string | null): Promise<void> {
    render(error)
    error.hidden = true
    try {
      const moment = await load(at)
      moments = moment.moments
      slider.max = String(Math.max(moments.length - 1, 0))
      // The last moment at or before the one shown.
      const shownAt = new Date(moment.at).getTime()
      const index = moments.filter(m => new Date(m).getTime() <= shownAt).length - 1
      slider.value = String(Math.max(index, 0))
      slider.setAttribute('aria-valuetext', precise(moment.at))
      render(when, t('moment_as_of', { when: precise(moment.at) }))
      render(list, ...draw(moment.content))
    } catch (failure) { failed(failure) }
  }
  slider.addEventListener('input', () => { void show(moments[Number(slider.value)] ?? null) })
  form.addEventListener('submit', e => { e.preventDefault(); void show(typed.value.trim() || null) })
  void show(null)
  void listSnapshots()
}

/** The session `session` as it stood at a moment. */
export function openSessionMoment(event: string, session: string, label: string, writable: boolean): void {
  const snapshots: Snapshots<{ subgroups: SubgroupRecord[]; proposals: ProposalRecord[] }> =
    { event, place: { session }, writable, content: c => c.kind === 'session' ? c : null }
  momentDialog(t('moment_title', { what: label }), at => api.sessionAt(session, at), content => {
    const groups = new Map(content.subgroups.map(g => [g.id, g.name]))
    const shown = content.proposals.filter(p => !p.deleted)
    if (!shown.length) return [h('p', { class: 'muted' }, t('moment_empty'))]
    return [h('p', {}, t('moment_count', { n: shown.length })), h('ol', { class: 'plain moment-list' }, ...shown.map(p =>
      h('li', { class: 'card read-only' },
        h('p', { class: 'history-title' }, p.title),
        p.body ? h('p', { class: 'history-body' }, p.body) : null,
        h('p', { class: 'muted' }, kindLabel(p.kind), p.subgroup && groups.get(p.subgroup) ? ` · ${groups.get(p.subgroup)}` : ''))))]
  }, snapshots)
}

/** A theme's synthesis as it stood at a moment. */
export function openSynthesisMoment(event: string, theme: number, label: string, writable: boolean): void {
  const snapshots: Snapshots<ConsolidatedRecord[]> =
    { event, place: { theme }, writable, content: c => c.kind === 'synthesis' ? c.consolidated : null }
  momentDialog(t('moment_title', { what: label }), at => api.synthesisAt(event, theme, at), content => {
    const shown = content.filter(c => !c.deleted)
    if (!shown.length) return [h('p', { class: 'muted' }, t('moment_empty_synthesis'))]
    return [h('p', {}, t('moment_count_synthesis', { n: shown.length })), h('ol', { class: 'plain moment-list' }, ...shown.map(c =>
      h('li', { class: 'card read-only' },
        h('p', { class: 'history-title' }, c.title),
        c.body ? h('p', { class: 'history-body' }, c.body) : null,
        h('p', { class: 'muted' }, `${t(`status_${c.status}` as Key)} · ${t('sources', { n: c.sources.length })}`))))]
  }, snapshots)
}
