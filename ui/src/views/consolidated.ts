// The consolidated proposals of a theme as the rapporteur edits them: one card each, in the
// panel's order, with its wording saved as it is typed, its status, its place and its sources.
// A card stays in the page whatever changes around it, so the field being typed in keeps the
// keyboard when this window's own save comes back as a change.
import { api, type Consolidated, type Proposal, type Status } from '../api'
import { h, keepingFocus, render, showSaved } from '../dom'
import { type Key, labelled, t } from '../i18n'
import { openHistory } from '../history'
import type { LiveSaver } from '../live-save'
import type { Context } from '../app'
import { sourceItem } from './plenary'
import { longest } from '../limits'

const STATUSES: Status[] = ['draft', 'retained', 'set_aside']

export interface ConsolidatedCards {
  /** Draws the cards again from what `consolidated()` and `proposals()` hold now. */
  draw(): void
}

export function consolidatedCards(options: {
  ctx: Context
  /** The section the heading, the merge form and the cards go in. */
  box: HTMLElement
  mergeForm: HTMLElement
  saver: LiveSaver
  canWrite: () => boolean
  consolidated: () => Consolidated[]
  proposals: () => Proposal[]
  load: () => Promise<void>
  fail: (error: unknown) => void
}): ConsolidatedCards {
  const { ctx, box: consolidatedBox, mergeForm, saver, canWrite, load, fail } = options

  /** Saves a wording a moment after the typing stops, with the text it stood on (two
   * rapporteurs' words in one wording both stay: `LiveSaver.text`). */
  function saveSoon(id: string, field: 'title' | 'body', value: string): void {
    saver.text(`${id}:${field}`, value, (text, base) =>
      api.editConsolidated(id, field === 'title' ? { title: text, title_base: base } : { body: text, body_base: base })
        .catch(error => { fail(error); throw error }))
  }


  function move(id: string, delta: number): void {
    const order = options.consolidated().map(c => c.id)
    const from = order.indexOf(id)
    const to = from + delta
    if (from < 0 || to < 0 || to >= order.length) return
    order.splice(to, 0, ...order.splice(from, 1))
    api.reorder(order).then(load).then(() => {
      document.querySelector<HTMLElement>(`[data-consolidated="${id}"] .card-title`)?.focus()
    }).catch(fail)
  }

  /** What a card shows that depends on the others and on other devices: its place, the ends of
   * the list, the labels that name it, its sources, its wording and status. A card is kept
   * whatever its place, so that the field being typed in stays in the page. */
  function refreshCard(card: HTMLElement, c: Consolidated, index: number, sourcesOf: () => HTMLElement): void {
    card.dataset.index = String(index)
    const priority = card.querySelector<HTMLElement>('.priority')
    if (priority) priority.textContent = String(index + 1)
    const up = card.querySelector<HTMLButtonElement>('[data-move=up]')
    const down = card.querySelector<HTMLButtonElement>('[data-move=down]')
    if (up) { up.disabled = index === 0; up.setAttribute('aria-label', labelled(t('move_up'), c.title)) }
    if (down) { down.disabled = index === options.consolidated().length - 1; down.setAttribute('aria-label', labelled(t('move_down'), c.title)) }
    card.querySelector('[data-history]')?.setAttribute('aria-label', labelled(t('history'), c.title))
    const sources = card.querySelector('details')
    if (sources) {
      const fresh = sourcesOf()
      if ((sources as HTMLDetailsElement).open) fresh.setAttribute('open', '')
      if (fresh.textContent !== sources.textContent || fresh.hasAttribute('open') !== sources.hasAttribute('open')) sources.replaceWith(fresh)
    }
    const titleField = card.querySelector<HTMLInputElement>('.card-title')
    const bodyField = card.querySelector<HTMLTextAreaElement>('.card-body')
    for (const [field, key, stored] of [[titleField, `${c.id}:title`, c.title], [bodyField, `${c.id}:body`, c.body]] as const) {
      if (!field || saver.waiting(key) || (document.activeElement === field && !field.value.trim())) continue
      showSaved(field, stored, false)
      saver.stands(key, stored)
    }
    const statusField = card.querySelector<HTMLSelectElement>('select')
    if (statusField && document.activeElement !== statusField) statusField.value = c.status
  }

  const consolidatedHeading = h('h2', { id: 'consolidated-heading', tabindex: '-1' })
  const consolidatedList = h('ol', { class: 'plain' })

  function draw(): void {
    const consolidated = options.consolidated()
    const proposals = options.proposals()
    const existing = new Map<string, HTMLElement>()
    consolidatedBox.querySelectorAll<HTMLElement>('[data-consolidated]').forEach(el => existing.set(el.dataset.consolidated ?? '', el))
    const writing = canWrite()
    const items = consolidated.map((c, index) => {
      const sourcesOf = () => h('details', {},
        h('summary', {}, t('sources', { n: c.sources.length })),
        h('ul', { class: 'plain sources' }, ...c.sources.map(source => {
          // As the plenary shows them: a source that has not reached this device says so in words.
          const p = proposals.find(x => x.id === source.proposal_id)
          return sourceItem(ctx.event, source.session_id, p ? { title: p.title, body: p.body, kind: p.kind, subgroup: p.subgroup_name } : null)
        })))
      if (!writing) {
        return h('li', { class: 'card read-only', 'data-consolidated': c.id, 'data-index': String(index), 'data-mode': 'read' },
          h('span', { class: 'priority', 'aria-hidden': 'true' }, String(index + 1)),
          h('h3', { class: 'card-title' }, c.title),
          c.body ? h('p', { class: 'card-body' }, c.body) : null,
          h('p', { class: 'meta muted' }, labelled(t('status'), t(`status_${c.status}` as Key))),
          sourcesOf())
      }
      const old = existing.get(c.id)
      if (old && old.dataset.mode === 'write') {
        refreshCard(old, c, index, sourcesOf)
        return old
      }
      // Drawn anew while its typing waits to be saved: the typing, not the older read.
      const titleField = h('input', {
        class: 'card-title', maxlength: longest('title'), value: saver.typed(`${c.id}:title`) ?? c.title, 'aria-label': t('title'), 'data-live-save': '', 'data-focus': `title:${c.id}`,
      })
      const bodyField = h('textarea', {
        class: 'card-body', maxlength: longest('body'), rows: 4, 'aria-label': t('body'), 'data-live-save': '', 'data-focus': `body:${c.id}`,
      })
      bodyField.value = saver.typed(`${c.id}:body`) ?? c.body
      saver.stands(`${c.id}:title`, c.title)
      saver.stands(`${c.id}:body`, c.body)
      titleField.addEventListener('input', () => {
        if (titleField.value.trim()) saveSoon(c.id, 'title', titleField.value)
        else saver.cancel(`${c.id}:title`)
      })
      bodyField.addEventListener('input', () => saveSoon(c.id, 'body', bodyField.value))
      const statusField = h('select', { 'aria-label': t('status') },
        ...STATUSES.map(s => h('option', { value: s, selected: s === c.status }, t(`status_${s}` as Key))))
      statusField.addEventListener('change', () => api.editConsolidated(c.id, { status: statusField.value as Status }).catch(fail))
      const item = h('li', { class: 'card', 'data-consolidated': c.id, 'data-index': String(index), 'data-mode': 'write' },
        h('span', { class: 'priority', 'aria-hidden': 'true' }),
        titleField, bodyField,
        h('div', { class: 'meta' }, statusField,
          h('button', { type: 'button', class: 'secondary', 'data-move': 'up', onclick: () => move(c.id, -1) }, '↑'),
          h('button', { type: 'button', class: 'secondary', 'data-move': 'down', onclick: () => move(c.id, 1) }, '↓'),
          h('button', {
            type: 'button', class: 'secondary', 'aria-haspopup': 'dialog', 'data-history': '',
            onclick: () => openHistory(c.id, titleField.value, load),
          }, t('history')),
          // The wording typed just before is saved first: an undone merge takes no wording.
          // The keyboard goes to the card that takes its place, else to the heading.
          h('button', { type: 'button', class: 'danger', onclick: () => {
            const at = Number(item.dataset.index)
            saver.flush().then(() => api.setConsolidatedDeleted(c.id, true)).then(load).then(() => {
              const cards = consolidatedList.querySelectorAll<HTMLElement>('[data-consolidated] .card-title')
              ;(cards[Math.min(at, cards.length - 1)] ?? consolidatedHeading).focus()
            }).catch(fail)
          } }, t('unmerge'))),
        sourcesOf())
      item.addEventListener('keydown', e => {
        if (e.altKey && e.code === 'ArrowUp') { e.preventDefault(); move(c.id, -1) }
        if (e.altKey && e.code === 'ArrowDown') { e.preventDefault(); move(c.id, 1) }
      })
      refreshCard(item, c, index, sourcesOf)
      return item
    })
    // The heading, the merge form and the list stay in the page, and the cards being edited
    // stay in the list: a save from this window comes back as a change, and moving the field
    // being typed in would send the next keystrokes nowhere.
    consolidatedHeading.textContent = `${t('consolidated')} (${consolidated.length})`
    if (consolidatedBox.firstChild !== consolidatedHeading) render(consolidatedBox, consolidatedHeading, mergeForm, consolidatedList)
    const current = [...consolidatedList.children]
    if (current.length !== items.length || items.some((item, i) => current[i] !== item)) {
      keepingFocus(consolidatedList, () => consolidatedList.replaceChildren(...items))
    }
  }

  return { draw }
}
