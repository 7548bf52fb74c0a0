// The closing panel's screen, made for a projector: one theme at a time, in large type, the
// consolidated proposals one by one (← →) or as a list, provenance on demand.
import { api, errorMessage, type Consolidated, type Proposal, type Review } from '../api'
import { announce, h, render } from '../dom'
import { t, type Key } from '../i18n'
import { panelAccess, themeAccess } from '../rights'
import type { Context, View } from '../app'

function fail(error: unknown): void {
  announce(t('error_prefix') + errorMessage(error), 'error')
}

export function panel(ctx: Context): View {
  // Marks and comments only from a device the panel's invitation lets write.
  const canWrite = panelAccess(ctx.access) === 'write'
  const themes = ctx.event.themes.filter(th => themeAccess(ctx.access, th.number) !== 'none' || canWrite)
  const stored = Number(localStorage.getItem('recolte.panel-theme'))
  let theme = themes.some(th => th.number === stored) ? stored : themes[0]?.number ?? 1
  let mode: 'one' | 'list' = (localStorage.getItem('recolte.panel-mode') as 'one' | 'list') || 'one'
  let index = 0
  let consolidated: Consolidated[] = []
  let proposals: Proposal[] = []
  let reviews: Review[] = []
  const showProvenance = new Set<string>()
  const stage = h('div', { class: 'stage' })
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' })

  const themePicker = h('select', { id: 'panel-theme' },
    ...themes.map(th => h('option', { value: th.number, selected: th.number === theme }, `${th.number}. ${th.title}`)))
  themePicker.addEventListener('change', () => {
    theme = Number(themePicker.value)
    localStorage.setItem('recolte.panel-theme', String(theme))
    index = 0
    void load().catch(fail)
  })
  const modeButton = h('button', { type: 'button', class: 'secondary', id: 'panel-mode' })
  modeButton.addEventListener('click', () => {
    mode = mode === 'one' ? 'list' : 'one'
    localStorage.setItem('recolte.panel-mode', mode)
    draw()
  })

  function item(c: Consolidated, position: number): HTMLElement {
    const review = reviews.find(r => r.consolidated_id === c.id)
    const carried = review?.carry_forward ?? false
    const comment = h('input', { id: `comment-${c.id}`, autocomplete: 'off' })
    const form = h('form', { class: 'inline' },
      h('label', { for: `comment-${c.id}` }, t('comment')), comment, h('button', { type: 'submit' }, t('add_comment')))
    form.addEventListener('submit', e => {
      e.preventDefault()
      if (comment.value.trim()) api.comment(c.id, comment.value).then(() => { comment.value = ''; return load() }).catch(fail)
    })
    const open = showProvenance.has(c.id)
    return h('article', { class: `review card${carried ? ' carried' : ''}`, 'data-consolidated': c.id },
      h('p', { class: 'muted' }, t('position', { i: position + 1, n: consolidated.length }), ' · ', t(`status_${c.status}` as Key)),
      h('h2', { class: 'review-title' }, c.title),
      c.body ? h('p', { class: 'review-body' }, c.body) : null,
      h('div', { class: 'meta' },
        !canWrite ? (carried ? h('span', { class: 'badge' }, `✓ ${t('carried')}`) : null) : h('button', {
          type: 'button', class: carried ? 'primary' : 'secondary', 'aria-pressed': carried ? 'true' : 'false',
          onclick: () => api.mark(c.id, !carried).then(load).catch(fail),
        }, carried ? `✓ ${t('carried')}` : t('carry_forward')),
        h('button', { type: 'button', class: 'link', 'aria-expanded': open ? 'true' : 'false', onclick: () => {
          if (open) showProvenance.delete(c.id)
          else showProvenance.add(c.id)
          draw()
        } }, open ? t('hide_provenance') : t('show_provenance'))),
      open ? h('ul', { class: 'provenance' }, ...c.sources.map(source => {
        const p = proposals.find(x => x.id === source.proposal_id)
        const s = ctx.event.sessions.find(x => x.id === source.session_id)
        return h('li', {}, p?.title ?? source.proposal_id, s ? ` — ${t('day', { n: s.day })} ${s.start}${p?.subgroup_name ? ` · ${p.subgroup_name}` : ''}` : '')
      })) : null,
      review?.comments.length ? h('ul', { class: 'comments' }, ...review.comments.map(cm => h('li', {}, h('strong', {}, cm.author || '—'), ' : ', cm.text))) : null,
      canWrite ? form : null)
  }

  function draw(): void {
    render(modeButton, mode === 'one' ? t('as_list') : t('one_by_one'))
    const retained = consolidated.filter(c => c.status === 'retained').length
    const marked = reviews.filter(r => r.carry_forward).length
    render(summary, t('summary', { total: consolidated.length, retained, marked }))
    if (consolidated.length === 0) {
      render(stage, h('p', { class: 'muted' }, t('nothing_to_review')))
      return
    }
    index = Math.min(index, consolidated.length - 1)
    if (mode === 'list') {
      render(stage, ...consolidated.map((c, i) => item(c, i)))
      return
    }
    render(stage,
      item(consolidated[index], index),
      h('div', { class: 'pager' },
        h('button', { type: 'button', class: 'secondary', disabled: index === 0, onclick: () => { index--; draw() } }, `← ${t('previous')}`),
        h('button', { type: 'button', class: 'secondary', disabled: index >= consolidated.length - 1, onclick: () => { index++; draw() } }, `${t('next')} →`)))
  }

  const keys = (e: KeyboardEvent) => {
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement
    if (typing || mode !== 'one') return
    if (document.querySelector('.dialog-backdrop')) return
    if (e.code === 'ArrowRight' && index < consolidated.length - 1) { index++; draw() }
    if (e.code === 'ArrowLeft' && index > 0) { index--; draw() }
  }

  async function load(): Promise<void> {
    const [view, found] = await Promise.all([api.themeView(ctx.event.id, theme), api.panelView(ctx.event.id, theme)])
    consolidated = view.consolidated
    proposals = view.proposals
    reviews = found
    draw()
  }

  return {
    async mount(root) {
      render(root, h('div', { class: 'presentation' },
        h('div', { class: 'toolbar' }, h('h2', {}, t('panel_title')), h('label', { for: 'panel-theme' }, t('theme')), themePicker, modeButton,
          canWrite ? null : h('p', { class: 'read-only-note', id: 'read-only-note' }, t('read_only_panel'))),
        summary, stage))
      document.addEventListener('keydown', keys)
      await load()
    },
    refresh: load,
    unmount() { document.removeEventListener('keydown', keys) },
  }
}
