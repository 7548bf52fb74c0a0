// The rapporteur's screen: every proposal of a theme with its provenance, likely duplicates,
// and the consolidated proposals built from them. Only themes this device may write can be
// merged and edited; those it may only read are shown as text.
import {
  api, errorMessage, type Consolidated, type Kind, type Proposal, type SearchHit, type SetAsideReason,
  type Suggestion, type Triage,
} from '../api'
import { covered } from '../dialog'
import { announce, h, keepingFocus, render, whileBusy } from '../dom'
import { joinList, type Key, labelled, lang, t } from '../i18n'
import { themeAccess } from '../rights'
import { openSynthesisMoment } from '../moment'
import { undoControls } from '../undo'
import { liveSaver } from '../live-save'
import type { Context, View } from '../app'
import { KINDS, kindLabel } from './capture'
import { exportBox } from './exports'
import { consolidatedCards } from './consolidated'
import { longest } from '../limits'

const REASONS: SetAsideReason[] = ['off_topic', 'exact_duplicate', 'other']

/** The filters of the proposals list; they combine. */
export interface Filters { session: string; subgroup: string; kind: Kind | ''; tag: string; untreated: boolean }

/** Treated: merged into a consolidated proposal, or set aside by the rapporteur. */
export function treated(p: Proposal, aside: Set<string>): boolean {
  return p.merged_into.length > 0 || aside.has(p.id)
}

export function keep(p: Proposal, f: Filters, aside: Set<string>): boolean {
  return (!f.session || p.session_id === f.session) && (!f.subgroup || (p.subgroup_name ?? '') === f.subgroup)
    && (!f.kind || p.kind === f.kind) && (!f.tag || p.tags.includes(f.tag)) && (!f.untreated || !treated(p, aside))
}

function fail(error: unknown): void {
  announce(t('error_prefix') + errorMessage(error), 'error')
}

/** Suggestions shown at once, and added by « Afficher 10 de plus ». */
const SUGGESTIONS_AT_ONCE = 10

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
  // A real theme can bring fifty suggestions: they come as a queue, a few at a time, and the
  // next rise as the first are merged or dismissed.
  let suggestionsShown = SUGGESTIONS_AT_ONCE
  let triage: Triage = { set_aside: [], not_duplicates: [], lexicon: [] }
  const filters: Filters = { session: '', subgroup: '', kind: '', tag: '', untreated: false }
  let compact = localStorage.getItem('recolte.synthesis-compact') === '1'
  let hits: SearchHit[] | null = null
  const selected = new Set<string>()
  const saver = liveSaver()

  const themePicker = h('select', { id: 'theme-picker' },
    ...themes.map(th => h('option', { value: th.number, selected: th.number === theme },
      `${th.number}. ${th.title}${themeAccess(ctx.access, th.number) === 'write' ? '' : ` (${t('read_only')})`}`)))
  const readOnlyNote = h('p', { class: 'read-only-note', id: 'read-only-note' }, t('read_only_theme'))
  const search = h('input', { id: 'search', type: 'search', autocomplete: 'off' })
  const proposalsBox = h('section', { class: 'proposals', 'aria-labelledby': 'proposals-heading' })
  const suggestionsBox = h('section', { class: 'suggestions', 'aria-labelledby': 'suggestions-heading' })
  const consolidatedBox = h('section', { class: 'consolidated', 'aria-labelledby': 'consolidated-heading' })
  const lexiconBox = h('section', { class: 'card lexicon', 'aria-labelledby': 'lexicon-heading' })
  const progressBox = h('div', { class: 'progress-box', id: 'synthesis-progress', role: 'status', 'aria-live': 'polite' })
  const filterBox = h('div', { class: 'filters', role: 'group', 'aria-label': t('filters') })
  const mergeTitle = h('input', { id: 'merge-title', maxlength: longest('title'), autocomplete: 'off' })
  const mergeBody = h('textarea', { id: 'merge-body', maxlength: longest('body'), rows: 5 })
  const mergeSources = h('ul', { class: 'plain merge-sources', id: 'merge-sources', 'aria-label': t('merge_sources') })
  const mergeForm = h('form', { class: 'card merge', hidden: true, 'aria-labelledby': 'merge-heading' },
    h('h3', { id: 'merge-heading' }, t('merge_title')),
    mergeSources,
    h('label', { for: 'merge-title' }, t('title')), mergeTitle,
    h('label', { for: 'merge-body' }, t('body')), mergeBody,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'merge-submit' }, t('merge')),
      h('button', { type: 'button', class: 'secondary', onclick: () => closeMerge() }, t('cancel'))))
  // Where the merge was asked from (the selection's button, a suggestion): the keyboard goes
  // back there when the form is left without merging.
  let mergeOpener: HTMLElement | null = null
  // The rapporteur's own selection, put back when a suggestion's merge is left without merging.
  let selectionBefore: string[] | null = null
  function closeMerge(): void {
    mergeForm.hidden = true
    if (selectionBefore) {
      selected.clear()
      selectionBefore.forEach(id => selected.add(id))
      selectionBefore = null
      drawProposals()
    }
    // A row's control is drawn again when its box is ticked: the one of the same id now.
    const opener = mergeOpener?.isConnected ? mergeOpener : mergeOpener?.id ? document.getElementById(mergeOpener.id) : null
    mergeOpener = null
    ;(opener ?? heading).focus()
  }
  mergeForm.addEventListener('keydown', e => {
    if (e.key !== 'Escape') return
    e.preventDefault()
    closeMerge()
  })

  themePicker.addEventListener('change', () => {
    theme = Number(themePicker.value)
    localStorage.setItem('recolte.theme', String(theme))
    selected.clear()
    suggestionsShown = SUGGESTIONS_AT_ONCE
    mergeForm.hidden = true
    readOnlyNote.hidden = canWrite()
    Object.assign(filters, { session: '', subgroup: '', kind: '', tag: '', untreated: false })
    void load().catch(fail)
  })
  let searchTimer: number | undefined
  search.addEventListener('input', () => {
    window.clearTimeout(searchTimer)
    searchTimer = window.setTimeout(() => {
      const query = search.value.trim()
      // What the search left is said (the list itself is not read out).
      const said = () => announce(heading.textContent ?? '')
      if (!query) { hits = null; drawFilters(); drawProposals(); said(); return }
      api.search(ctx.event.id, query).then(found => { hits = found.filter(hit => hit.theme === theme); drawFilters(); drawProposals(); said() }).catch(fail)
    }, 150)
  })
  // One merge at a time: Enter pressed twice before the first answer would make the same
  // consolidated proposal twice, which the panel would then see twice.
  let merging = false
  mergeForm.addEventListener('submit', e => {
    e.preventDefault()
    if (merging) return
    merging = true
    const submit = mergeForm.querySelector<HTMLButtonElement>('#merge-submit')
    void whileBusy(submit ? [submit] : [], () => api.merge(ctx.event.id, { theme, title: mergeTitle.value, body: mergeBody.value, proposals: [...selected] }))
      .finally(() => { merging = false })
      .then(async merged => {
        // A suggestion merged: the rapporteur's own selection comes back, less what was merged.
        const kept = (selectionBefore ?? []).filter(id => !selected.has(id))
        selected.clear()
        kept.forEach(id => selected.add(id))
        mergeForm.hidden = true
        mergeOpener = null
        selectionBefore = null
        const learned = merged.learned.length ? ` ${t('learned', { pairs: merged.learned.map(([a, b]) => `${a} ≈ ${b}`).join(', ') })}` : ''
        announce(`${t('merge_done', { title: mergeTitle.value.trim() })}${learned}`)
        await load()
        // The keyboard follows the merge to the consolidated proposal it made.
        const made = consolidatedBox.querySelector<HTMLElement>(`[data-consolidated="${merged.id}"]`)
        ;(made?.querySelector<HTMLElement>('.card-title') ?? made ?? heading).focus()
      })
      .catch(fail)
  })

  const provenance = (p: Proposal): string => {
    const session = ctx.event.sessions.find(s => s.id === p.session_id)
    return t('provenance', {
      day: session ? t('day', { n: session.day }) : '?', start: session?.start ?? '', subgroup: p.subgroup_name ?? t('without_subgroup'),
    })
  }

  const sessionLabel = (id: string): string => {
    const session = ctx.event.sessions.find(x => x.id === id)
    return session ? `${t('day', { n: session.day })}, ${session.start}` : '?'
  }
  const asideReason = (id: string): SetAsideReason | undefined => triage.set_aside.find(r => r.proposal_id === id)?.reason

  function drawProgress(): void {
    const aside = new Set(triage.set_aside.map(r => r.proposal_id))
    const live = proposals.filter(p => !p.deleted)
    const themeSessions = ctx.event.sessions.filter(x => x.theme === theme)
    const per = themeSessions.map(x => {
      const of = live.filter(p => p.session_id === x.id)
      return { id: x.id, total: of.length, done: of.filter(p => treated(p, aside)).length }
    })
    // Only sessions whose slot has ended: on the first day, the second day's had warned too.
    const ended = (id: string): boolean => {
      const end = themeSessions.find(x => x.id === id)?.ends_at
      return Boolean(end) && Date.parse(end as string) <= Date.now()
    }
    const empty = per.filter(x => x.total === 0 && ended(x.id)).map(x => sessionLabel(x.id))
    // A live region: drawn again only when what it says changed (a filter does not change
    // the progress, and reading it again at each filter drowned what the filter did).
    const drawn = h('div', {})
    render(drawn,
      h('p', { class: 'progress-total' }, h('strong', {}, t('progress', { done: live.filter(p => treated(p, aside)).length, total: live.length }))),
      per.some(x => x.total > 0) ? h('p', { class: 'muted progress-sessions' },
        per.filter(x => x.total > 0).map(x => t('progress_session', { session: sessionLabel(x.id), done: x.done, total: x.total })).join(' · ')) : null,
      empty.length ? h('p', { class: 'warning nothing-from', id: 'nothing-from' }, t('nothing_from', { sessions: joinList(empty) })) : null)
    if (drawn.textContent !== progressBox.textContent) render(progressBox, ...drawn.childNodes)
  }

  /** A filter's values, with the one chosen kept even when nothing has it any more (the search
   * left none, another device removed the tag): it stays shown, and « Tous » still clears it. */
  function withChosen(values: [string, string][], chosen: string, key: keyof Filters): [string, string][] {
    if (!chosen || values.some(([value]) => value === chosen)) return values
    const shown = key === 'tag' ? `#${chosen}` : key === 'session' ? sessionLabel(chosen) : key === 'kind' ? kindLabel(chosen as Kind) : chosen
    return [...values, [chosen, shown]]
  }

  function drawFilters(): void {
    const aside = new Set(triage.set_aside.map(r => r.proposal_id))
    // Each filter's counts are those the other filters, and the search, leave.
    const found = hits ? new Set(hits.map(hit => hit.id)) : null
    const live = proposals.filter(p => !p.deleted && (!found || found.has(p.id)))
    const others = (skip: keyof Filters) => live.filter(p => keep(p, { ...filters, [skip]: skip === 'untreated' ? false : '' }, aside))
    const select = (id: string, key: 'session' | 'subgroup' | 'kind' | 'tag', label: Key, values: [string, string][]) => {
      const pool = others(key)
      const count = (value: string) => pool.filter(p => key === 'session' ? p.session_id === value
        : key === 'subgroup' ? (p.subgroup_name ?? '') === value : key === 'tag' ? p.tags.includes(value) : p.kind === value).length
      const field = h('select', { id },
        // « Toutes » the sessions, « Tous » the sub-groups and types.
        h('option', { value: '' }, t(key === 'session' || key === 'tag' ? 'filter_all_n' : 'filter_all_masculine_n', { n: pool.length })),
        ...withChosen(values, filters[key], key).map(([value, text]) => h('option', { value, selected: filters[key] === value }, `${text} (${count(value)})`)))
      field.addEventListener('change', () => { (filters as unknown as Record<string, string>)[key] = field.value; drawAll() })
      return h('div', { class: 'filter-field' }, h('label', { for: id }, t(label)), field)
    }
    const sessions = ctx.event.sessions.filter(x => x.theme === theme).map((x): [string, string] => [x.id, sessionLabel(x.id)])
    const byName = (a: string, b: string) => a.localeCompare(b, lang(), { sensitivity: 'base', numeric: true })
    const subgroups = [...new Set(live.map(p => p.subgroup_name ?? '').filter(Boolean))].sort(byName).map((n): [string, string] => [n, n])
    const tags = [...new Set(live.flatMap(p => p.tags))].sort(byName).map((tag): [string, string] => [tag, `#${tag}`])
    const kinds = KINDS.map((k): [string, string] => [k, kindLabel(k)])
    const untreated = h('input', { type: 'checkbox', id: 'filter-untreated', checked: filters.untreated })
    untreated.addEventListener('change', () => { filters.untreated = untreated.checked; drawAll() })
    const pool = others('untreated')
    const compactBox = h('input', { type: 'checkbox', id: 'compact-list', checked: compact })
    compactBox.addEventListener('change', () => {
      compact = compactBox.checked
      localStorage.setItem('recolte.synthesis-compact', compact ? '1' : '0')
      list.classList.toggle('compact', compact)
    })
    keepingFocus(filterBox, () => render(filterBox,
      select('filter-session', 'session', 'filter_session', sessions),
      select('filter-subgroup', 'subgroup', 'filter_subgroup', subgroups),
      select('filter-kind', 'kind', 'filter_kind', kinds as [string, string][]),
      tags.length || filters.tag ? select('filter-tag', 'tag', 'filter_tag', tags) : null,
      h('div', { class: 'check' }, untreated, h('label', { for: 'filter-untreated' }, t('filter_untreated', { n: pool.filter(p => !treated(p, aside)).length }))),
      h('div', { class: 'check' }, compactBox, h('label', { for: 'compact-list' }, t('compact_list')))))
  }

  function drawAll(): void {
    drawProgress()
    drawFilters()
    drawProposals()
  }

  function openMerge(ids: string[], from: HTMLElement | null): void {
    mergeOpener = from
    // Remembered once: a second merge opened over the first keeps the selection from before both.
    if (mergeForm.hidden) {
      const own = [...selected]
      selectionBefore = own.length === ids.length && ids.every(id => selected.has(id)) ? null : own
    }
    selected.clear()
    ids.forEach(id => selected.add(id))
    render(mergeSources, ...ids.map(id => proposals.find(p => p.id === id)).map(p => p ? h('li', {}, p.title, h('span', { class: 'muted' }, ` · ${provenance(p)}`)) : null))
    const first = proposals.find(p => p.id === ids[0])
    mergeTitle.value = first?.title ?? ''
    mergeBody.value = ids.map(id => proposals.find(p => p.id === id)?.body).filter(Boolean).join('\n')
    mergeForm.hidden = false
    drawProposals()
    mergeTitle.focus()
    mergeTitle.select()
  }

  // The list keeps one element per proposal, rebuilt only when what it shows changes; a filter
  // or the compact mode only hides rows or switches a class (2,000 proposals stay fluid).
  const list = h('ul', { class: 'plain proposal-list' })
  const heading = h('h2', { id: 'proposals-heading', tabindex: '-1' })
  const noMatch = h('p', { class: 'muted empty', id: 'no-match', hidden: true }, t('no_match'))
  const rowCache = new Map<string, { key: string; element: HTMLElement }>()
  let built: boolean | null = null

  // Setting aside or taking back redraws the row: the keyboard stays on it (on what undoes
  // the change), or goes to the next proposal shown when a filter now hides it.
  async function setAside(id: string, reason: SetAsideReason | null): Promise<void> {
    await api.setAside(id, reason)
    await load()
    const row = list.querySelector<HTMLElement>(`.proposal-row[data-id="${id}"]`)
    const rows = [...list.querySelectorAll<HTMLElement>('.proposal-row')]
    const target = row && !row.hidden ? row : rows.slice(rows.indexOf(row as HTMLElement) + 1).find(r => !r.hidden)
    const control = target?.querySelector<HTMLElement>(target === row ? (reason ? '[data-take-back]' : '[data-set-aside]') : 'input[type=checkbox]')
    ;(control ?? heading).focus()
  }

  function proposalRow(p: Proposal, aside: Set<string>, writing: boolean, snippet: string | undefined): HTMLElement {
    const reason = asideReason(p.id)
    const key = JSON.stringify([p.title, p.body, p.kind, p.session_id, p.subgroup_name, p.tags, p.merged_into, reason, writing, snippet, selected.has(p.id)])
    const cached = rowCache.get(p.id)
    if (cached?.key === key) return cached.element
    // Merged and set aside at once (two rapporteurs' devices, apart): the merge stands, and
    // both are shown, so that the set-aside can be taken back.
    const merged = p.merged_into.length
      ? h('span', { class: 'badge' }, p.merged_into.length > 1 ? t('merged_state_many', { n: p.merged_into.length }) : t('merged_state'))
      : null
    const state = [merged, reason
      ? h('span', { class: 'badge set-aside-badge' }, t(merged ? 'set_aside_badge_also' : 'set_aside_badge', { reason: t(`set_aside_${reason}` as Key) }),
        writing ? h('button', { type: 'button', class: 'link', 'data-take-back': p.id, onclick: () => void setAside(p.id, null).catch(fail) }, t('set_aside_undo')) : null)
      : null]
    // A button that shows the reasons, each a button of its own: a select acted on its
    // change, and an arrow key on it (to move down the list) set the proposal aside.
    let menu: HTMLElement | null = null
    if (writing && !p.merged_into.length && !reason) {
      const reasons = h('span', { class: 'set-aside-reasons', role: 'group', 'aria-label': `${t('set_aside_label')} ${p.title}`, hidden: true },
        ...REASONS.map(r => h('button', {
          type: 'button', class: 'secondary', 'data-set-aside-reason': r,
          onclick: () => void setAside(p.id, r).catch(fail),
        }, t(`set_aside_${r}` as Key))))
      const open = h('button', {
        type: 'button', class: 'link', 'data-set-aside': p.id, 'aria-expanded': 'false',
        'aria-label': `${t('set_aside_label')} ${p.title}`,
      }, t('set_aside_label'))
      const show = (shown: boolean): void => {
        reasons.hidden = !shown
        open.setAttribute('aria-expanded', String(shown))
      }
      open.addEventListener('click', () => {
        show(reasons.hidden)
        if (!reasons.hidden) reasons.querySelector('button')?.focus()
      })
      reasons.addEventListener('keydown', e => {
        if (e.key !== 'Escape') return
        e.stopPropagation()
        show(false)
        open.focus()
      })
      menu = h('span', { class: 'set-aside' }, open, reasons)
      // Left by Tab or a click elsewhere, the reasons close: they stayed open, far from where
      // the keyboard went.
      // (Only when the keyboard went somewhere: a click on a reason may pass the focus through
      // the page first, as WebKit does on macOS.)
      menu.addEventListener('focusout', e => {
        if (e.relatedTarget instanceof Node && !menu?.contains(e.relatedTarget)) show(false)
      })
    }
    const row = h('li', { class: `card proposal-row${treated(p, aside) ? ' treated' : ''}${writing ? '' : ' read-only'}`, 'data-id': p.id })
    const showText = p.body ? h('button', { type: 'button', class: 'link show-text', 'aria-expanded': 'false', 'aria-label': labelled(t('body'), p.title) }, t('body')) : null
    showText?.addEventListener('click', () => {
      const open = row.classList.toggle('open')
      showText.setAttribute('aria-expanded', String(open))
    })
    const tags = p.tags.length ? ` · ${p.tags.map(tag => `#${tag}`).join(' ')}` : ''
    const meta = h('p', { class: 'muted' }, h('span', { class: 'row-where', title: `${kindLabel(p.kind)} · ${provenance(p)}${tags}` }, `${kindLabel(p.kind)} · ${provenance(p)}${tags}`), ' ', ...state)
    if (writing) {
      const box = h('input', { type: 'checkbox', id: `pick-${p.id}`, checked: selected.has(p.id) })
      box.addEventListener('change', () => {
        if (box.checked) selected.add(p.id)
        else selected.delete(p.id)
        rowCache.delete(p.id)
        drawMergeButton()
      })
      row.append(box, h('label', { for: `pick-${p.id}`, title: p.title }, h('strong', {}, p.title)))
    } else {
      row.append(h('strong', { class: 'row-title' }, p.title))
    }
    const parts: (Node | null)[] = [showText, p.body ? h('p', { class: 'body-text' }, p.body) : null,
      snippet ? h('p', { class: 'snippet' }, snippet) : null, h('div', { class: 'row-meta' }, meta, menu)]
    row.append(...parts.filter((x): x is Node => x !== null))
    rowCache.set(p.id, { key, element: row })
    return row
  }

  function drawProposals(): void {
    const aside = new Set(triage.set_aside.map(r => r.proposal_id))
    const writing = canWrite()
    if (built !== writing) {
      built = writing
      keepingFocus(proposalsBox, () => render(proposalsBox, heading, progressBox, filterBox,
        h('label', { for: 'search' }, t('search')), search, writing ? mergeButton : null, noMatch, list))
    }
    const snippets = new Map((hits ?? []).map(hit => [hit.id, hit.snippet]))
    const searched = hits ? proposals.filter(p => snippets.has(p.id)) : proposals
    const wanted = searched.map(p => proposalRow(p, aside, writing, snippets.get(p.id)))
    const current = [...list.children]
    if (current.length !== wanted.length || wanted.some((row, i) => current[i] !== row)) {
      keepingFocus(list, () => list.replaceChildren(...wanted))
    }
    let shown = 0
    searched.forEach((p, i) => {
      const visible = keep(p, filters, aside)
      if (wanted[i].hidden === visible) wanted[i].hidden = !visible
      if (visible) shown++
    })
    const present = new Set(proposals.map(p => p.id))
    for (const id of [...rowCache.keys()]) if (!present.has(id)) rowCache.delete(id)
    list.classList.toggle('compact', compact)
    heading.textContent = `${t('proposals')} (${shown})`
    // Nothing left by the filters or the search: said, rather than an empty list.
    noMatch.hidden = shown > 0 || proposals.every(p => p.deleted)
    drawMergeButton()
  }

  const mergeButton = h('button', { type: 'button', class: 'primary', id: 'merge-selected', 'aria-keyshortcuts': 'Alt+F' })
  // Keyboard work on the list (physical keys, the same on AZERTY and QWERTY): ↑ ↓ move from
  // one proposal to the next shown, Space ticks it (the checkbox's own), Alt+F merges the
  // selection, Alt+L goes to the list.
  list.addEventListener('keydown', e => {
    if (!(e.target instanceof HTMLInputElement) || !e.target.id.startsWith('pick-')) return
    if (e.code !== 'ArrowDown' && e.code !== 'ArrowUp') return
    const boxes = [...list.querySelectorAll<HTMLInputElement>('.proposal-row:not([hidden]) input[type=checkbox]')]
    const next = boxes[boxes.indexOf(e.target) + (e.code === 'ArrowDown' ? 1 : -1)]
    if (next) {
      e.preventDefault()
      next.focus()
    }
  })
  const shortcuts = (e: KeyboardEvent) => {
    if (!e.altKey || e.ctrlKey || e.metaKey || covered() || !canWrite()) return
    if (e.code === 'KeyF' && selected.size > 0) {
      e.preventDefault()
      openMerge([...selected], document.activeElement instanceof HTMLElement ? document.activeElement : mergeButton)
    }
    if (e.code === 'KeyL') {
      e.preventDefault()
      list.querySelector<HTMLInputElement>('.proposal-row:not([hidden]) input[type=checkbox]')?.focus()
    }
  }
  mergeButton.addEventListener('click', () => openMerge([...selected], mergeButton))
  function drawMergeButton(): void {
    render(mergeButton, t('merge_selected', { n: selected.size }))
    mergeButton.disabled = selected.size === 0
  }

  /** Where the keyboard is in the suggestions, if it is there: the element by its id (a member's
   * box), else the suggestion around it, else the box itself (the heading, « Afficher… »). */
  function suggestionsFocus(): { id: string; index: number } | null {
    const active = document.activeElement
    if (!(active instanceof HTMLElement) || !suggestionsBox.contains(active)) return null
    const item = active.closest<HTMLElement>('[data-suggestion]')
    return { id: active.id, index: item ? Number(item.dataset.suggestion) : -1 }
  }

  /** A redraw (after « Pas des doublons », a merge, or a change from another device) keeps the
   * keyboard where it was: on the same element, else on the suggestion that took the place of
   * the one it was in (the one before it if that was the last), else on the heading. */
  function restoreSuggestionsFocus(place: { id: string; index: number } | null): void {
    if (!place) return
    const same = place.id ? [...suggestionsBox.querySelectorAll<HTMLElement>('[id]')].find(e => e.id === place.id) : null
    const shown = suggestionsBox.querySelectorAll<HTMLElement>('[data-suggestion]')
    const next = same ?? (place.index >= 0 ? shown[Math.min(place.index, shown.length - 1)] : null)
    ;(next ?? suggestionsBox.querySelector<HTMLElement>('#suggestions-heading'))?.focus()
  }

  function drawSuggestions(): void {
    const writing = canWrite()
    const items = suggestions.slice(0, suggestionsShown).map((s, index) => {
      const members = s.proposals.map(id => proposals.find(p => p.id === id)).filter((p): p is Proposal => Boolean(p))
      const picked = new Set(members.map(p => p.id))
      // With every member unticked there is nothing to merge (the store refuses it too).
      const merge = h('button', { type: 'button', class: 'primary', 'data-merge-suggestion': String(index), onclick: (e: Event) => openMerge(s.proposals.filter(id => picked.has(id)), e.currentTarget as HTMLElement) }, t('suggestion_merge')) as HTMLButtonElement
      const side = members.map(p => {
        const box = h('input', { type: 'checkbox', id: `suggestion-${index}-${p.id}`, checked: true, 'aria-label': t('suggestion_member', { title: p.title }) })
        box.addEventListener('change', () => {
          if (box.checked) picked.add(p.id); else picked.delete(p.id)
          merge.disabled = picked.size === 0
        })
        return h('div', { class: 'suggestion-member', 'data-id': p.id },
          writing ? box : null,
          h('strong', {}, p.title),
          p.body ? h('p', {}, p.body) : null,
          h('p', { class: 'muted' }, provenance(p)))
      })
      return h('li', { class: 'card suggestion', 'data-suggestion': String(index), tabindex: '-1' },
        h('p', { class: 'suggestion-reason' }, h('strong', {}, lang() === 'fr' ? s.reason : s.reason_en),
          ' · ', h('span', { class: 'muted' }, t('suggestion_score', { n: Math.round(s.score * 100) }))),
        h('div', { class: 'suggestion-members' }, ...side),
        writing ? h('div', { class: 'row' },
          merge,
          h('button', { type: 'button', class: 'secondary', 'data-dismiss-suggestion': String(index),
            // A click does not always give the button the focus: the keyboard goes to the queue.
            onclick: () => api.dismissDuplicates(ctx.event.id, theme, s.proposals)
              .then(() => { announce(t('suggestion_dismissed')); return load() })
              .then(() => restoreSuggestionsFocus({ id: '', index })).catch(fail) },
          t('suggestion_dismiss'))) : null)
    })
    const left = suggestions.length - items.length
    const more = left > 0
      ? h('button', { type: 'button', class: 'secondary', id: 'more-suggestions', onclick: () => {
        const first = suggestionsShown
        suggestionsShown += SUGGESTIONS_AT_ONCE
        drawSuggestions()
        suggestionsBox.querySelector<HTMLElement>(`[data-suggestion="${first}"]`)?.focus()
      } }, t('more_suggestions', { n: Math.min(left, SUGGESTIONS_AT_ONCE), left }))
      : null
    const place = suggestionsFocus()
    render(suggestionsBox,
      h('h2', { id: 'suggestions-heading', tabindex: '-1' }, suggestions.length ? `${t('suggestions')} (${suggestions.length})` : t('suggestions')),
      items.length ? h('ul', { class: 'plain' }, ...items) : h('p', { class: 'muted' }, t('no_suggestions')), more)
    restoreSuggestionsFocus(place)
  }

  // Made once: a pair being typed survives the redraws that changes from other devices cause.
  const lexiconA = h('input', { id: 'lexicon-a', maxlength: longest('word'), autocomplete: 'off', required: true })
  const lexiconB = h('input', { id: 'lexicon-b', maxlength: longest('word'), autocomplete: 'off', required: true })
  const lexiconForm = h('form', { class: 'inline lexicon-add' },
    h('label', { for: 'lexicon-a' }, t('lexicon_word_a')), lexiconA, h('label', { for: 'lexicon-b' }, t('lexicon_word_b')), lexiconB,
    h('button', { type: 'submit', class: 'secondary' }, t('lexicon_add')))
  lexiconForm.addEventListener('submit', e => {
    e.preventDefault()
    if (!lexiconA.value.trim() || !lexiconB.value.trim()) return
    api.setLexicon(ctx.event.id, theme, lexiconA.value, lexiconB.value, false).then(() => {
      lexiconA.value = ''
      lexiconB.value = ''
      return load()
    }).then(() => lexiconA.focus()).catch(fail)
  })

  function drawLexicon(): void {
    const writing = canWrite()
    keepingFocus(lexiconBox, () => render(lexiconBox,
      h('h2', { id: 'lexicon-heading' }, t('lexicon_title')),
      h('p', { class: 'muted' }, t('lexicon_help')),
      triage.lexicon.length
        ? h('ul', { class: 'plain lexicon-list' }, ...triage.lexicon.map(entry => h('li', { 'data-lexicon': `${entry.a}|${entry.b}` },
          `${entry.a} ≈ ${entry.b}`, entry.learned ? h('span', { class: 'muted' }, ` (${t('lexicon_learned')})`) : null,
          writing ? h('button', { type: 'button', class: 'link', 'aria-label': t('lexicon_remove', { a: entry.a, b: entry.b }),
            onclick: () => api.setLexicon(ctx.event.id, theme, entry.a, entry.b, true).then(load).catch(fail) }, '×') : null)))
        : h('p', { class: 'muted' }, t('lexicon_empty')),
      writing ? lexiconForm : null))
  }

  // Ctrl+Z undoes this device's own changes to the theme's synthesis (a merge, a status…).
  const undo = undoControls({ event: ctx.event.id, place: () => canWrite() ? { theme } : null, flush: saver.flush, after: () => load() })

  const cards = consolidatedCards({
    ctx, box: consolidatedBox, mergeForm, saver, canWrite, load, fail,
    consolidated: () => consolidated, proposals: () => proposals,
  })

  async function load(): Promise<void> {
    void undo.refresh().catch(() => {})
    const asked = theme
    const [view, found, decided] = await Promise.all([
      api.themeView(ctx.event.id, asked), api.suggest(ctx.event.id, asked), api.triage(ctx.event.id, asked),
    ])
    // A late answer for a theme left meanwhile is not drawn under the one now chosen.
    if (asked !== theme) return
    proposals = view.proposals
    consolidated = view.consolidated
    suggestions = found
    triage = decided
    for (const id of [...selected]) if (!proposals.some(p => p.id === id)) selected.delete(id)
    const focusedSearch = document.activeElement === search
    drawAll()
    drawSuggestions()
    cards.draw()
    drawLexicon()
    if (focusedSearch) search.focus()
  }

  function goTo(selector: string): void {
    const target = document.querySelector<HTMLElement>(selector)
    target?.focus({ preventScroll: true })
    target?.scrollIntoView?.({ block: 'start' })
  }

  readOnlyNote.hidden = canWrite()
  return {
    async mount(root) {
      render(root, h('div', { class: 'layout wide' },
        h('div', { class: 'toolbar' }, h('span', { class: 'labelled-field' }, h('label', { for: 'theme-picker' }, t('theme')), themePicker), undo.element,
          h('button', {
            type: 'button', class: 'secondary', id: 'moment-open', 'aria-haspopup': 'dialog',
            onclick: () => openSynthesisMoment(ctx.event.id, theme, themePicker.selectedOptions[0]?.textContent ?? String(theme), canWrite()),
          }, t('moment_open')),
          readOnlyNote),
        // The suggestions and the consolidated proposals come after a theme's whole list: a
        // way there from the top, without tabbing through 190 rows.
        h('nav', { class: 'skip-within', 'aria-label': t('go_to') },
          h('button', { type: 'button', class: 'link', 'data-go': 'suggestions', onclick: () => goTo('#suggestions-heading') }, t('suggestions')),
          h('button', { type: 'button', class: 'link', 'data-go': 'consolidated', onclick: () => goTo('#consolidated-heading') }, t('consolidated'))),
        h('div', { class: 'columns' }, proposalsBox, h('div', {}, suggestionsBox, consolidatedBox, lexiconBox, exportBox(ctx.event.id, () => theme)))))
      document.addEventListener('keydown', shortcuts)
      undo.attach()
      await load()
    },
    refresh: load,
    unmount() {
      document.removeEventListener('keydown', shortcuts)
      undo.detach()
    },
  }
}
