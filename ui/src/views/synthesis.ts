// The rapporteur's screen: every proposal of a theme with its provenance, likely duplicates,
// and the consolidated proposals built from them. Only themes this device may write can be
// merged and edited; those it may only read are shown as text.
import { api, errorMessage, type Consolidated, type Proposal, type SearchHit, type Status, type Suggestion } from '../api'
import { announce, h, render, setFieldValue } from '../dom'
import { lang, t, type Key } from '../i18n'
import { themeAccess } from '../rights'
import type { Context, View } from '../app'
import { kindLabel } from './capture'
import { exportBox } from './exports'

const STATUSES: Status[] = ['draft', 'retained', 'set_aside']

function fail(error: unknown): void {
  announce(t('error_prefix') + errorMessage(error), 'error')
}

export function synthesis(ctx: Context): View {
  const themes = ctx.event.themes.filter(th => themeAccess(ctx.access, th.number) !== 'none')
  if (themes.length === 0) {
    return {
      async mount(root) { render(root, h('p', { class: 'muted empty' }, t('no_theme'))) },
      async refresh() {},
    }
  }
  const stored = Number(localStorage.getItem('recolte.theme'))
  let theme = themes.some(th => th.number === stored) ? stored : themes[0].number
  const canWrite = () => themeAccess(ctx.access, theme) === 'write'
  let proposals: Proposal[] = []
  let consolidated: Consolidated[] = []
  let suggestions: Suggestion[] = []
  let hits: SearchHit[] | null = null
  const selected = new Set<string>()
  const pending = new Map<string, number>()

  const themePicker = h('select', { id: 'theme-picker' },
    ...themes.map(th => h('option', { value: th.number, selected: th.number === theme },
      `${th.number}. ${th.title}${themeAccess(ctx.access, th.number) === 'write' ? '' : ` (${t('read_only')})`}`)))
  const readOnlyNote = h('p', { class: 'read-only-note', id: 'read-only-note' }, t('read_only_theme'))
  const search = h('input', { id: 'search', type: 'search', autocomplete: 'off' })
  const proposalsBox = h('section', { class: 'proposals', 'aria-labelledby': 'proposals-heading' })
  const suggestionsBox = h('section', { class: 'suggestions', 'aria-labelledby': 'suggestions-heading' })
  const consolidatedBox = h('section', { class: 'consolidated', 'aria-labelledby': 'consolidated-heading' })
  const mergeTitle = h('input', { id: 'merge-title', autocomplete: 'off' })
  const mergeBody = h('textarea', { id: 'merge-body', rows: 3 })
  const mergeForm = h('form', { class: 'card merge', hidden: true, 'aria-labelledby': 'merge-heading' },
    h('h3', { id: 'merge-heading' }, t('merge_title')),
    h('label', { for: 'merge-title' }, t('title')), mergeTitle,
    h('label', { for: 'merge-body' }, t('body')), mergeBody,
    h('button', { type: 'submit', class: 'primary' }, t('merge')))

  themePicker.addEventListener('change', () => {
    theme = Number(themePicker.value)
    localStorage.setItem('recolte.theme', String(theme))
    selected.clear()
    mergeForm.hidden = true
    readOnlyNote.hidden = canWrite()
    void load().catch(fail)
  })
  let searchTimer: number | undefined
  search.addEventListener('input', () => {
    window.clearTimeout(searchTimer)
    searchTimer = window.setTimeout(() => {
      const query = search.value.trim()
      if (!query) { hits = null; drawProposals(); return }
      api.search(ctx.event.id, query).then(found => { hits = found.filter(hit => hit.theme === theme); drawProposals() }).catch(fail)
    }, 150)
  })
  mergeForm.addEventListener('submit', e => {
    e.preventDefault()
    api.merge(ctx.event.id, { theme, title: mergeTitle.value, body: mergeBody.value, proposals: [...selected] })
      .then(() => { selected.clear(); mergeForm.hidden = true; return load() })
      .catch(fail)
  })

  const provenance = (p: Proposal): string => {
    const session = ctx.event.sessions.find(s => s.id === p.session_id)
    return t('provenance', {
      day: session ? t('day', { n: session.day }) : '?', start: session?.start ?? '', subgroup: p.subgroup_name ?? t('no_subgroup'),
    })
  }

  function openMerge(ids: string[]): void {
    selected.clear()
    ids.forEach(id => selected.add(id))
    const first = proposals.find(p => p.id === ids[0])
    mergeTitle.value = first?.title ?? ''
    mergeBody.value = ids.map(id => proposals.find(p => p.id === id)?.body).filter(Boolean).join('\n')
    mergeForm.hidden = false
    drawProposals()
    mergeTitle.focus()
    mergeTitle.select()
  }

  function drawProposals(): void {
    const shown = hits ? proposals.filter(p => hits?.some(hit => hit.id === p.id)) : proposals
    const writing = canWrite()
    const rows = shown.map(p => {
      const snippet = hits?.find(hit => hit.id === p.id)?.snippet
      if (!writing) {
        return h('li', { class: 'card proposal-row read-only', 'data-id': p.id },
          h('strong', { class: 'row-title' }, p.title),
          p.body ? h('p', {}, p.body) : null,
          snippet ? h('p', { class: 'snippet' }, snippet) : null,
          h('p', { class: 'muted' }, `${kindLabel(p.kind)} · ${provenance(p)}`,
            p.merged_into.length ? h('span', { class: 'badge' }, t('merged_badge')) : null))
      }
      const box = h('input', { type: 'checkbox', id: `pick-${p.id}`, checked: selected.has(p.id) })
      box.addEventListener('change', () => {
        if (box.checked) selected.add(p.id)
        else selected.delete(p.id)
        drawMergeButton()
      })
      return h('li', { class: 'card proposal-row', 'data-id': p.id },
        box,
        h('label', { for: `pick-${p.id}` }, h('strong', {}, p.title)),
        p.body ? h('p', {}, p.body) : null,
        snippet ? h('p', { class: 'snippet' }, snippet) : null,
        h('p', { class: 'muted' }, `${kindLabel(p.kind)} · ${provenance(p)}`,
          p.merged_into.length ? h('span', { class: 'badge' }, t('merged_badge')) : null))
    })
    render(proposalsBox,
      h('h2', { id: 'proposals-heading' }, `${t('proposals')} (${shown.length})`),
      h('label', { for: 'search' }, t('search')), search,
      writing ? mergeButton : null,
      h('ul', { class: 'plain' }, ...rows))
    drawMergeButton()
  }

  const mergeButton = h('button', { type: 'button', class: 'primary', id: 'merge-selected' })
  mergeButton.addEventListener('click', () => openMerge([...selected]))
  function drawMergeButton(): void {
    render(mergeButton, t('merge_selected', { n: selected.size }))
    mergeButton.disabled = selected.size === 0
  }

  function drawSuggestions(): void {
    const items = suggestions.map(s => h('li', { class: 'card' },
      h('p', {}, h('strong', {}, `${Math.round(s.score * 100)} %`), ' — ', lang() === 'fr' ? s.reason : s.reason_en),
      h('ul', {}, ...s.proposals.map(id => h('li', {}, proposals.find(p => p.id === id)?.title ?? id))),
      canWrite() ? h('button', { type: 'button', onclick: () => openMerge(s.proposals) }, t('merge')) : null))
    render(suggestionsBox, h('h2', { id: 'suggestions-heading' }, t('suggestions')),
      items.length ? h('ul', { class: 'plain' }, ...items) : h('p', { class: 'muted' }, t('no_suggestions')))
  }

  function saveSoon(id: string, changes: Parameters<typeof api.editConsolidated>[1]): void {
    const key = `${id}:${Object.keys(changes).join()}`
    window.clearTimeout(pending.get(key))
    pending.set(key, window.setTimeout(() => { pending.delete(key); api.editConsolidated(id, changes).catch(fail) }, 300))
  }

  function move(id: string, delta: number): void {
    const order = consolidated.map(c => c.id)
    const from = order.indexOf(id)
    const to = from + delta
    if (from < 0 || to < 0 || to >= order.length) return
    order.splice(to, 0, ...order.splice(from, 1))
    api.reorder(order).then(load).then(() => {
      document.querySelector<HTMLElement>(`[data-consolidated="${id}"] .card-title`)?.focus()
    }).catch(fail)
  }

  function drawConsolidated(): void {
    const existing = new Map<string, HTMLElement>()
    consolidatedBox.querySelectorAll<HTMLElement>('[data-consolidated]').forEach(el => existing.set(el.dataset.consolidated ?? '', el))
    const writing = canWrite()
    const items = consolidated.map((c, index) => {
      const sourcesOf = () => h('details', {},
        h('summary', {}, t('sources', { n: c.sources.length })),
        h('ul', {}, ...c.sources.map(source => {
          const p = proposals.find(x => x.id === source.proposal_id)
          return h('li', {}, h('strong', {}, p?.title ?? source.proposal_id), p ? ` — ${provenance(p)}` : '', p?.body ? h('p', {}, p.body) : null)
        })))
      if (!writing) {
        return h('li', { class: 'card read-only', 'data-consolidated': c.id, 'data-index': String(index), 'data-mode': 'read' },
          h('span', { class: 'priority', 'aria-hidden': 'true' }, String(index + 1)),
          h('h3', { class: 'card-title' }, c.title),
          c.body ? h('p', { class: 'card-body' }, c.body) : null,
          h('p', { class: 'meta muted' }, `${t('status')} : ${t(`status_${c.status}` as Key)}`),
          sourcesOf())
      }
      const old = existing.get(c.id)
      if (old && old.dataset.index === String(index) && old.dataset.mode === 'write') {
        const titleField = old.querySelector<HTMLInputElement>('.card-title')
        const bodyField = old.querySelector<HTMLTextAreaElement>('.card-body')
        if (titleField && !pending.has(`${c.id}:title`)) setFieldValue(titleField, c.title)
        if (bodyField && !pending.has(`${c.id}:body`)) setFieldValue(bodyField, c.body)
        const statusField = old.querySelector<HTMLSelectElement>('select')
        if (statusField) statusField.value = c.status
        return old
      }
      const titleField = h('input', { class: 'card-title', value: c.title, 'aria-label': t('title') })
      const bodyField = h('textarea', { class: 'card-body', rows: 2, 'aria-label': t('body') })
      bodyField.value = c.body
      titleField.addEventListener('input', () => saveSoon(c.id, { title: titleField.value }))
      bodyField.addEventListener('input', () => saveSoon(c.id, { body: bodyField.value }))
      const statusField = h('select', { 'aria-label': t('status') },
        ...STATUSES.map(s => h('option', { value: s, selected: s === c.status }, t(`status_${s}` as Key))))
      statusField.addEventListener('change', () => api.editConsolidated(c.id, { status: statusField.value as Status }).catch(fail))
      const sources = sourcesOf()
      const item = h('li', { class: 'card', 'data-consolidated': c.id, 'data-index': String(index), 'data-mode': 'write' },
        h('span', { class: 'priority', 'aria-hidden': 'true' }, String(index + 1)),
        titleField, bodyField,
        h('div', { class: 'meta' }, statusField,
          h('button', { type: 'button', class: 'secondary', 'aria-label': `${t('move_up')} : ${c.title}`, onclick: () => move(c.id, -1) }, '↑'),
          h('button', { type: 'button', class: 'secondary', 'aria-label': `${t('move_down')} : ${c.title}`, onclick: () => move(c.id, 1) }, '↓'),
          h('button', { type: 'button', class: 'danger', onclick: () => api.setConsolidatedDeleted(c.id, true).then(load).catch(fail) }, t('unmerge'))),
        sources)
      item.addEventListener('keydown', e => {
        if (e.altKey && e.code === 'ArrowUp') { e.preventDefault(); move(c.id, -1) }
        if (e.altKey && e.code === 'ArrowDown') { e.preventDefault(); move(c.id, 1) }
      })
      return item
    })
    render(consolidatedBox, h('h2', { id: 'consolidated-heading' }, `${t('consolidated')} (${consolidated.length})`), mergeForm,
      h('ol', { class: 'plain' }, ...items))
  }

  async function load(): Promise<void> {
    const [view, found] = await Promise.all([api.themeView(ctx.event.id, theme), api.suggest(ctx.event.id, theme)])
    proposals = view.proposals
    consolidated = view.consolidated
    suggestions = found
    for (const id of [...selected]) if (!proposals.some(p => p.id === id)) selected.delete(id)
    const focusedSearch = document.activeElement === search
    drawProposals()
    drawSuggestions()
    drawConsolidated()
    if (focusedSearch) search.focus()
  }

  readOnlyNote.hidden = canWrite()
  return {
    async mount(root) {
      render(root, h('div', { class: 'layout wide' },
        h('div', { class: 'toolbar' }, h('label', { for: 'theme-picker' }, t('theme')), themePicker, readOnlyNote),
        h('div', { class: 'columns' }, proposalsBox, h('div', {}, suggestionsBox, consolidatedBox, exportBox(ctx.event.id, () => theme)))))
      await load()
    },
    refresh: load,
  }
}
