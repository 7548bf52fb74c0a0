// "Synthèse générale": the whole event on one screen, for the closing plenary and the
// organiser: every theme, its consolidated proposals in the rapporteur's order with their
// status, votes, mark and comments, and their sources by title. Filters, and a print button
// (the system's print dialog; the print stylesheet leaves the app's chrome out).
import { api, errorMessage, type PanelSummary } from '../api'
import { announce, h, render, say } from '../dom'
import { colon, dotsWords, lang, t, type Key } from '../i18n'
import type { Context, View } from '../app'
import { sourceItem } from './plenary'
import { joinPath, pathLine } from './files'

export interface SummaryFilters { retained: boolean; carried: boolean }

type Item = PanelSummary['themes'][number]['consolidated'][number]

export function keep(item: Item, filters: SummaryFilters): boolean {
  return (!filters.retained || item.status === 'retained') && (!filters.carried || item.carry_forward)
}

export function summary(ctx: Context): View {
  const stored = (() => { try { return JSON.parse(sessionStorage.getItem('recolte.summary-filters') ?? '{}') } catch { return {} } })()
  const filters: SummaryFilters = { retained: Boolean(stored.retained), carried: Boolean(stored.carried) }
  let data: PanelSummary | null = null

  const counts = h('p', { class: 'summary', id: 'summary-counts', role: 'status', 'aria-live': 'polite' })
  const dots = h('p', { class: 'muted', id: 'summary-dots' })
  const themesBox = h('div', { class: 'summary-themes', id: 'summary-themes' }, h('p', { class: 'muted' }, t('summary_loading')))
  const alikeBox = h('section', { class: 'summary-alike', id: 'summary-alike', 'aria-labelledby': 'summary-alike-title', hidden: true })
  const filterBox = (key: keyof SummaryFilters, label: Key) => {
    const box = h('input', { type: 'checkbox', id: `summary-filter-${key}`, checked: filters[key] })
    box.addEventListener('change', () => {
      filters[key] = box.checked
      sessionStorage.setItem('recolte.summary-filters', JSON.stringify(filters))
      draw()
    })
    return h('div', { class: 'check' }, box, h('label', { for: `summary-filter-${key}` }, t(label)))
  }
  const printButton = h('button', { type: 'button', class: 'secondary', id: 'summary-print', onclick: () => window.print() }, t('print'))
  // The PDF is typeset by the backend (no browser needed), with the report's contents per theme.
  const pdfStatus = h('div', { class: 'pdf-status no-print', id: 'summary-pdf-status', role: 'status', 'aria-live': 'polite' })
  const pdfButton: HTMLButtonElement = h('button', {
    type: 'button', class: 'secondary', id: 'summary-pdf',
    onclick: () => {
      pdfButton.disabled = true
      render(pdfStatus, t('exporting'))
      api.exportWrite(ctx.event.id, 'report')
        .then(written => {
          const pdf = written.files.find(f => f.endsWith('.pdf')) ?? written.files[0]
          const path = joinPath(written.folder, pdf)
          render(pdfStatus,
            written.incomplete ? h('p', { class: 'warning', role: 'alert' }, written.incomplete) : null,
            h('p', {}, t('summary_pdf_written'), ' ', pathLine(path, 'file')))
        })
        .catch(error => { render(pdfStatus); announce(t('error_prefix') + errorMessage(error), 'error') })
        .finally(() => { pdfButton.disabled = false })
    },
  }, t('summary_pdf'))

  function itemView(c: Item, position: number): HTMLElement {
    return h('li', { class: `card summary-item${c.carry_forward ? ' carried' : ''}`, 'data-consolidated': c.id },
      h('h4', { class: 'summary-item-title' }, h('span', { class: 'summary-rank' }, `${position}. `), c.title),
      h('p', { class: 'summary-badges' },
        h('span', { class: `status-badge status-${c.status}` }, t(`status_${c.status}` as Key)),
        h('span', { class: 'votes-badge' }, t('votes_total', { dots: dotsWords(c.votes) })),
        c.carry_forward ? h('span', { class: 'carried-badge' }, `✓ ${t('carried_badge')}`) : null),
      c.body ? h('p', { class: 'summary-body' }, c.body) : null,
      c.sources.length ? h('div', { class: 'summary-sources' },
        h('h5', {}, t('summary_sources')),
        h('ul', { class: 'provenance' }, ...c.sources.map(s =>
          sourceItem(ctx.event, s.session_id, s.title && s.kind ? { title: s.title, kind: s.kind, subgroup: s.subgroup } : null)))) : null,
      c.comments.length ? h('div', { class: 'summary-comments' },
        h('h5', {}, t('summary_comments')),
        h('ul', { class: 'comments' }, ...c.comments.map(cm => h('li', {}, h('strong', {}, cm.author || '—'), colon(), cm.text)))) : null)
  }

  /** Consolidated proposals of different themes that seem to say the same thing; each one a
   *  link to its card below (shown even when a filter hides it: the link clears the filters). */
  function drawAlike(summary: PanelSummary): void {
    const where = new Map(summary.themes.flatMap(th => th.consolidated.map(c => [c.id, { theme: th.number, title: c.title }] as const)))
    const groups = summary.alike.filter(g => g.consolidated.every(id => where.has(id)))
    alikeBox.hidden = groups.length === 0
    render(alikeBox,
      h('h3', { id: 'summary-alike-title' }, t('alike_title')),
      h('p', { class: 'muted' }, t('alike_intro')),
      h('ul', { class: 'plain alike-list' }, ...groups.map(g => h('li', { class: 'card alike-group' },
        h('ul', { class: 'plain' }, ...g.consolidated.map(id => {
          const { theme, title } = where.get(id)!
          return h('li', {}, h('button', {
            type: 'button', class: 'link alike-member', 'data-consolidated': id,
            'aria-label': t('alike_go', { title, theme }),
            onclick: () => goTo(id),
          }, h('span', { class: 'summary-rank' }, `${t('theme')} ${theme} · `), title))
        })),
        h('p', { class: 'muted alike-reason' }, lang() === 'fr' ? g.reason : g.reason_en)))))
  }

  const cardOf = (id: string) => [...themesBox.querySelectorAll<HTMLElement>('.summary-item')].find(el => el.dataset.consolidated === id)

  function goTo(id: string): void {
    if (!cardOf(id)) {
      filters.retained = false
      filters.carried = false
      for (const key of ['retained', 'carried']) {
        const box = document.getElementById(`summary-filter-${key}`) as HTMLInputElement | null
        if (box) box.checked = false
      }
      sessionStorage.setItem('recolte.summary-filters', JSON.stringify(filters))
      draw()
    }
    const card = cardOf(id)
    if (!card) return
    card.tabIndex = -1
    // WebKitGTK and Chromium scroll; a test's document may not know how.
    card.scrollIntoView?.({ block: 'center' })
    card.focus()
  }

  function draw(): void {
    if (!data) return
    drawAlike(data)
    const all = data.themes.flatMap(th => th.consolidated)
    const shown = all.filter(c => keep(c, filters))
    say(counts, t('summary_counts', {
      themes: data.themes.length, total: shown.length,
      retained: shown.filter(c => c.status === 'retained').length, carried: shown.filter(c => c.carry_forward).length,
    }))
    render(dots, t('summary_dots', { n: data.dots_per_theme }))
    render(themesBox, ...data.themes.map(th => {
      const headingId = `summary-theme-${th.number}`
      const items = th.consolidated.map((c, i) => ({ c, position: i + 1 })).filter(({ c }) => keep(c, filters))
      return h('section', { class: 'summary-theme', 'aria-labelledby': headingId, 'data-theme': th.number },
        h('h3', { id: headingId }, `${t('theme')} ${th.number}. ${th.title}`),
        items.length ? h('ol', { class: 'plain summary-list' }, ...items.map(({ c, position }) => itemView(c, position)))
          : h('p', { class: 'muted summary-empty' }, t(th.consolidated.length ? 'summary_theme_filtered' : 'summary_theme_empty')))
    }))
  }

  async function load(): Promise<void> {
    try {
      data = await api.panelSummary(ctx.event.id)
    } catch (error) {
      render(themesBox, h('p', { class: 'warning' }, t('error_prefix') + errorMessage(error)))
      announce(t('error_prefix') + errorMessage(error), 'error')
      return
    }
    draw()
  }

  return {
    async mount(root) {
      render(root, h('div', { class: 'summary-screen' },
        h('div', { class: 'summary-head' },
          h('h2', {}, t('summary_title')),
          h('p', { class: 'summary-event' }, ctx.event.name),
          h('p', { class: 'muted' }, t('summary_intro'))),
        h('div', { class: 'toolbar no-print' },
          h('fieldset', { class: 'summary-filters' }, h('legend', {}, t('filters')), filterBox('retained', 'filter_retained'), filterBox('carried', 'filter_carried')),
          printButton, pdfButton),
        pdfStatus, counts, dots, alikeBox, themesBox))
      await load()
    },
    refresh: load,
  }
}
