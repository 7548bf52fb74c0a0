// The closing panel's screen: one theme at a time, the consolidated proposals one by one (← →)
// or as a list, each with its provenance in words, the votes of the panel's members (each
// member gives and takes back their own dots, up to N per theme) and the panel's collective
// "À porter" mark. From here, the projector mode shows one proposal at a time, full screen.
import { openHistory } from '../history'
import { api, errorMessage, type Consolidated, type Proposal, type Review } from '../api'
import { covered } from '../dialog'
import { announce, h, keepingFocus, render, say } from '../dom'
import { colon, dotsWords, type Key, labelled, lang, t } from '../i18n'
import { panelAccess, themeAccess } from '../rights'
import { undoControls } from '../undo'
import type { Context, View } from '../app'
import { dotsLeftWords, sourceItem, votersWords } from './plenary'
import { openProjector, type Projector } from './projector'
import { longest } from '../limits'

function fail(error: unknown): void {
  announce(t('error_prefix') + errorMessage(error), 'error')
}

/** The consolidated proposals in the rapporteur's order, or by votes (most first, ties in the rapporteur's order). */
export function orderByVotes(consolidated: Consolidated[], reviews: Review[]): Consolidated[] {
  const total = (c: Consolidated) => reviews.find(r => r.consolidated_id === c.id)?.total ?? 0
  return consolidated.map((c, i) => ({ c, i })).sort((a, b) => total(b.c) - total(a.c) || a.i - b.i).map(x => x.c)
}

export function panel(ctx: Context): View {
  // Votes, marks and comments only from a device the panel's invitation lets write.
  const canWrite = panelAccess(ctx.access) === 'write'
  const themes = ctx.event.themes.filter(th => themeAccess(ctx.access, th.number) !== 'none' || canWrite)
  const stored = Number(localStorage.getItem('recolte.panel-theme'))
  let theme = themes.some(th => th.number === stored) ? stored : themes[0]?.number ?? 1
  let mode: 'one' | 'list' = (localStorage.getItem('recolte.panel-mode') as 'one' | 'list') || 'one'
  let byVotes = localStorage.getItem('recolte.panel-sort') === 'votes'
  /** The proposal shown one by one, by id, so that sorting or a vote does not move the panel elsewhere. */
  let currentId: string | null = null
  let consolidated: Consolidated[] = []
  let proposals: Proposal[] = []
  let reviews: Review[] = []
  let limit: number | null = null
  let member = ''
  let voteError: { id: string; message: string } | null = null
  let projector: Projector | null = null
  const showProvenance = new Set<string>()
  const commentDrafts = new Map<string, string>()
  const stage = h('div', { class: 'stage' })
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' })
  const dotsLeft = h('p', { class: 'dots-left', id: 'dots-left' })

  const themePicker = h('select', { id: 'panel-theme' },
    ...themes.map(th => h('option', { value: th.number, selected: th.number === theme }, `${th.number}. ${th.title}`)))
  themePicker.addEventListener('change', () => {
    theme = Number(themePicker.value)
    localStorage.setItem('recolte.panel-theme', String(theme))
    currentId = null
    voteError = null
    void load().catch(fail)
  })
  const modeButton = h('button', { type: 'button', class: 'secondary', id: 'panel-mode' })
  modeButton.addEventListener('click', () => {
    mode = mode === 'one' ? 'list' : 'one'
    localStorage.setItem('recolte.panel-mode', mode)
    draw()
  })
  const sortButton = h('button', { type: 'button', class: 'secondary filter', id: 'panel-sort' }, t('sort_by_votes'))
  sortButton.addEventListener('click', () => {
    byVotes = !byVotes
    localStorage.setItem('recolte.panel-sort', byVotes ? 'votes' : 'order')
    announce(t(byVotes ? 'sorted_by_votes' : 'sorted_by_order'))
    draw()
  })
  const projectorButton = h('button', { type: 'button', class: 'primary', id: 'panel-projector' }, t('projector'))
  projectorButton.addEventListener('click', () => {
    const themeInfo = ctx.event.themes.find(th => th.number === theme)
    projector = openProjector({
      theme: themeInfo ? `${t('theme')} ${themeInfo.number} · ${themeInfo.title}` : '',
      items: () => ordered().map(c => ({ consolidated: c, review: reviewOf(c.id) })),
      start: currentId,
      onClose: last => {
        projector = null
        if (last) currentId = last
        draw()
        projectorButton.focus()
      },
    })
  })

  const reviewOf = (id: string) => reviews.find(r => r.consolidated_id === id)
  const ordered = () => byVotes ? orderByVotes(consolidated, reviews) : consolidated
  const used = () => reviews.reduce((sum, r) => sum + (r.mine ?? 0), 0)

  // Each member votes as themselves: a device with no name asks for one before the first dot.
  const voterName = h('input', { id: 'voter-name', maxlength: longest('name'), autocomplete: 'name', required: true })
  const voterForm = h('form', { class: 'voter-name', id: 'voter-name-form' },
    h('p', { class: 'warning', id: 'voter-name-needed' }, t('voter_name_needed')),
    h('label', { for: 'voter-name' }, t('voter_name')), voterName,
    h('button', { type: 'submit', class: 'primary' }, t('voter_name_save')))
  voterForm.addEventListener('submit', e => {
    e.preventDefault()
    const name = voterName.value.trim()
    if (!name) { voterName.focus(); return }
    api.saveSettings(name, lang())
      .then(async () => { await load(); announce(t('voting_as', { member: name })); stage.querySelector<HTMLElement>('.vote-button:not([disabled])')?.focus() })
      .catch(error => announce(t('error_prefix') + errorMessage(error), 'error'))
  })

  function vote(c: Consolidated, delta: number): void {
    if (!member) {
      voterName.focus()
      announce(t('voter_name_needed'))
      return
    }
    const mine = reviewOf(c.id)?.mine ?? 0
    const next = mine + delta
    if (next < 0) return
    api.vote(c.id, next).then(async () => {
      voteError = null
      await load()
      announce(t('vote_saved', { title: c.title, n: next, left: limit === null ? '' : dotsLeftWords(limit - used(), limit) }))
    }).catch(error => {
      voteError = { id: c.id, message: errorMessage(error) }
      draw()
    })
  }

  function votesBox(c: Consolidated, review: Review | undefined): HTMLElement {
    const mine = review?.mine ?? 0
    const total = review?.total ?? 0
    const voters = votersWords(review?.votes ?? [])
    const error = voteError?.id === c.id ? voteError.message : null
    return h('div', { class: 'votes', role: 'group', 'aria-label': t('vote_group', { title: c.title }) },
      h('p', { class: 'votes-total' }, h('strong', {}, t('votes_total', { dots: dotsWords(total) })),
        ' · ', voters ? t('votes_by', { list: voters }) : t('votes_none')),
      canWrite ? h('div', { class: 'vote-controls' },
        h('button', {
          type: 'button', class: 'secondary vote-button', 'data-focus': `vote-remove:${c.id}`, 'aria-label': t('vote_remove', { title: c.title }),
          disabled: mine === 0, onclick: () => vote(c, -1),
        }, '−'),
        h('span', { class: 'my-dots' },
          h('span', { class: 'dots', 'aria-hidden': 'true' }, '●'.repeat(Math.min(mine, 12))),
          t('my_dots', { n: mine })),
        h('button', {
          type: 'button', class: 'secondary vote-button', 'data-focus': `vote-add:${c.id}`, 'aria-label': t('vote_add', { title: c.title }),
          onclick: () => vote(c, 1),
        }, '+')) : null,
      error ? h('p', { class: 'vote-error', role: 'alert' }, error) : null)
  }

  function provenance(c: Consolidated): HTMLElement {
    return h('ul', { class: 'provenance' }, ...c.sources.map(source => {
      const p = proposals.find(x => x.id === source.proposal_id && !x.deleted)
      return sourceItem(ctx.event, source.session_id, p ? { title: p.title, body: p.body, kind: p.kind, subgroup: p.subgroup_name } : null)
    }))
  }

  function item(c: Consolidated, position: number): HTMLElement {
    const review = reviewOf(c.id)
    const carried = review?.carry_forward ?? false
    // A comment being typed outlives a redraw (another member's vote arriving).
    const comment = h('input', {
      id: `comment-${c.id}`, maxlength: longest('comment'), autocomplete: 'off', 'data-focus': `comment:${c.id}`,
      value: commentDrafts.get(c.id) ?? '',
    })
    comment.addEventListener('input', () => commentDrafts.set(c.id, comment.value))
    const form = h('form', { class: 'inline' },
      h('label', { for: `comment-${c.id}` }, t('comment')), comment, h('button', { type: 'submit' }, t('add_comment')))
    form.addEventListener('submit', e => {
      e.preventDefault()
      if (comment.value.trim()) {
        api.comment(c.id, comment.value).then(() => { commentDrafts.delete(c.id); comment.value = ''; return load() }).catch(fail)
      }
    })
    const open = showProvenance.has(c.id)
    return h('article', { class: `review card${carried ? ' carried' : ''}`, 'data-consolidated': c.id },
      h('p', { class: 'muted' }, t('position', { i: position + 1, n: consolidated.length }), ' · ', t(`status_${c.status}` as Key)),
      h('h2', { class: 'review-title' }, c.title),
      c.body ? h('p', { class: 'review-body' }, c.body) : null,
      votesBox(c, review),
      h('div', { class: 'meta' },
        // One name for the mark on every screen (« À porter »); a toggle keeps its name, and
        // says whether it is on by being pressed (the ✓ is for the eyes only).
        !canWrite ? (carried ? h('span', { class: 'badge' }, `✓ ${t('carried_badge')}`) : null) : h('button', {
          type: 'button', class: carried ? 'primary' : 'secondary', 'aria-pressed': carried ? 'true' : 'false', 'data-focus': `mark:${c.id}`,
          onclick: () => api.mark(c.id, !carried).then(load).catch(fail),
        }, carried ? h('span', { 'aria-hidden': 'true' }, '✓ ') : null, t('carry_forward')),
        h('button', { type: 'button', class: 'link', 'aria-expanded': open ? 'true' : 'false', 'data-focus': `provenance:${c.id}`, onclick: () => {
          if (open) showProvenance.delete(c.id)
          else showProvenance.add(c.id)
          draw()
        } }, open ? t('hide_provenance') : t('show_provenance'))),
      open ? provenance(c) : null,
      review?.comments.length ? h('ul', { class: 'comments' }, ...review.comments.map(cm => h('li', { 'data-comment': cm.id },
        h('strong', {}, cm.author || '—'), colon(), cm.text, ' ',
        h('button', { type: 'button', class: 'link', 'aria-label': labelled(t('history'), cm.text.slice(0, 60)), onclick: () => openHistory(cm.id, cm.text.slice(0, 60), load) }, t('history')),
        canWrite ? h('button', {
          type: 'button', class: 'link', 'aria-label': t('comment_delete_label', { text: cm.text.slice(0, 60) }),
          onclick: () => api.deleteComment(cm.id).then(() => { announce(t('comment_deleted')); return load() })
            .then(() => stage.querySelector<HTMLElement>(`[data-focus="comment:${c.id}"]`)?.focus()).catch(fail),
        }, t('comment_delete')) : null))) : null,
      canWrite ? form : null)
  }

  function draw(): void {
    // The focus stays on the control that was used, although the stage is drawn again.
    const focused = document.activeElement instanceof HTMLElement && stage.contains(document.activeElement)
      ? document.activeElement.dataset.focus ?? null : null
    render(modeButton, mode === 'one' ? t('as_list') : t('one_by_one'))
    sortButton.setAttribute('aria-pressed', byVotes ? 'true' : 'false')
    const retained = consolidated.filter(c => c.status === 'retained').length
    const marked = reviews.filter(r => r.carry_forward).length
    // A live region: said again only when it changes, not at each step or vote.
    const counts = t('summary', { total: consolidated.length, retained, marked })
    say(summary, counts)
    render(dotsLeft, canWrite && limit !== null && consolidated.length
      ? `${member ? `${t('voting_as', { member })} ` : ''}${dotsLeftWords(limit - used(), limit)}` : null)
    dotsLeft.hidden = !dotsLeft.textContent
    voterForm.hidden = !(canWrite && consolidated.length && !member)
    projectorButton.disabled = consolidated.length === 0
    if (consolidated.length === 0) {
      render(stage, h('p', { class: 'muted' }, t('nothing_to_review')))
      return
    }
    const list = ordered()
    let index = list.findIndex(c => c.id === currentId)
    if (index < 0) index = 0
    currentId = list[index].id
    keepingFocus(stage, () => {
      if (mode === 'list') {
        render(stage, ...list.map((c, i) => item(c, i)))
      } else {
        // Above the proposal, not under it: on a laptop's 768 pixels a long proposal pushed
        // the way to the next one out of sight.
        render(stage,
          h('div', { class: 'pager', role: 'group', 'aria-label': t('pager_label') },
            h('button', { type: 'button', class: 'secondary', disabled: index === 0, 'data-focus': 'previous', onclick: () => step(-1) }, `← ${t('previous')}`),
            h('button', { type: 'button', class: 'secondary', disabled: index >= list.length - 1, 'data-focus': 'next', onclick: () => step(1) }, `${t('next')} →`)),
          item(list[index], index))
      }
    })
    if (focused && !stage.contains(document.activeElement)) {
      let target = stage.querySelector<HTMLElement>(`[data-focus="${focused}"]`)
      // − is disabled at 0 dots: the focus goes to + beside it.
      if (target && (target as HTMLButtonElement).disabled) target = target.parentElement?.querySelector<HTMLElement>('button:not([disabled])') ?? null
      target?.focus()
    }
  }

  function step(delta: number): void {
    const list = ordered()
    const index = list.findIndex(c => c.id === currentId)
    const next = list[index + delta]
    if (!next) return
    currentId = next.id
    draw()
    // The stage is not read out: the proposal now shown is said, with where it stands.
    announce(`${t('projector_position', { i: index + delta + 1, n: list.length })}${colon()}${next.title}`)
  }

  const keys = (e: KeyboardEvent) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement
    if (typing || mode !== 'one' || projector) return
    if (covered()) return
    if (e.code === 'ArrowRight') step(1)
    if (e.code === 'ArrowLeft') step(-1)
  }

  // Ctrl+Z undoes this device's own changes to the panel (a vote, a mark, a comment).
  const undo = undoControls({ event: ctx.event.id, place: () => canWrite ? 'panel' : null, after: () => load() })

  async function load(): Promise<void> {
    void undo.refresh().catch(() => {})
    const asked = theme
    const [view, found, plenary] = await Promise.all([
      api.themeView(ctx.event.id, asked), api.panelView(ctx.event.id, asked),
      // The limit and the member's name; the screen works without them.
      api.panelSummary(ctx.event.id).catch(() => null),
    ])
    // A read of the theme left meanwhile (a change redrew while another theme was chosen)
    // answers late: drawn, it put that theme's proposals under this one, on the projector too.
    if (asked !== theme) return
    consolidated = view.consolidated
    proposals = view.proposals
    reviews = found
    if (plenary) { limit = plenary.dots_per_theme; member = plenary.member }
    draw()
    projector?.update()
  }

  return {
    async mount(root) {
      render(root, h('div', { class: 'presentation' },
        h('div', { class: 'toolbar' }, h('h2', {}, t('panel_title')),
          h('span', { class: 'labelled-field' }, h('label', { for: 'panel-theme' }, t('theme')), themePicker),
          modeButton, sortButton, projectorButton, undo.element,
          canWrite ? null : h('p', { class: 'read-only-note', id: 'read-only-note' }, t('read_only_panel'))),
        summary, voterForm, dotsLeft, stage))
      document.addEventListener('keydown', keys)
      undo.attach()
      await load()
    },
    refresh: load,
    unmount() {
      document.removeEventListener('keydown', keys)
      undo.detach()
      projector?.close()
    },
  }
}
