// Every wording a captured or consolidated proposal had, read from its document's log, and
// "Restaurer cette version": the old wording written back as a new change, which merges with
// what others are typing like any other change. Text from other devices is shown as text.
import { api, errorMessage, type WordingVersion } from './api'
import { openDialog } from './dialog'
import { announce, h, render } from './dom'
import { formatDate, isKey, t, type Key } from './i18n'

/** The label of a proposal's kind or a consolidated proposal's status, as the screens say it. */
function stateLabel(state: string): string {
  const kinds = ['proposal', 'concrete_action', 'obstacle', 'question']
  const key = kinds.includes(state) ? `kind_${state}` : `status_${state}`
  // A comment's history has no kind or status: its state is shown as it is.
  return isKey(key) ? t(key) : state
}

export function versionItem(v: WordingVersion, current: boolean, restore: (() => void) | null): HTMLElement {
  return h('li', { class: 'history-version', 'data-version': String(v.version) },
    h('p', { class: 'history-meta' },
      h('strong', {}, t('history_version', { n: v.version })), ' · ', formatDate(v.at), ' · ', t(`origin_${v.origin}` as Key),
      v.by ? ` (${v.by})` : '',
      current ? h('span', { class: 'badge' }, t('history_current')) : null,
      v.deleted ? h('span', { class: 'badge warning' }, t('history_deleted')) : null),
    h('p', { class: 'history-title' }, v.title),
    v.body ? h('p', { class: 'history-body' }, v.body) : null,
    h('p', { class: 'muted' }, stateLabel(v.state), v.subgroup ? ` · ${v.subgroup}` : ''),
    restore ? h('button', { type: 'button', class: 'secondary', onclick: restore }, t('history_restore')) : null)
}

/** Opens the history of `id` in a dialog; `after` draws the screen again once restored. */
export function openHistory(id: string, title: string, after: () => Promise<void>): void {
  const list = h('ol', { class: 'plain history-list', 'aria-live': 'polite' }, h('li', { class: 'muted' }, t('history_loading')))
  const dialog = openDialog(t('history_title', { title }), [h('p', { class: 'muted' }, t('history_intro')), list], { wide: true })
  async function draw(): Promise<void> {
    let versions: WordingVersion[]
    try {
      versions = await api.wordingHistory(id)
    } catch (error) {
      render(list, h('li', { class: 'warning' }, t('error_prefix') + errorMessage(error)))
      return
    }
    const last = versions.length
    // Newest first: the one being looked for is usually a few changes back.
    render(list, ...[...versions].reverse().map(v => versionItem(v, v.version === last, v.version === last ? null : () => {
      api.restoreWording(id, v.version)
        .then(async () => {
          announce(t('history_restored', { n: v.version }))
          await after()
          await draw()
        })
        .catch(error => announce(t('error_prefix') + errorMessage(error), 'error'))
    })))
  }
  void draw()
  dialog.element.dataset.history = id
}
