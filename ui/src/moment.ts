// A session or a theme's synthesis as it stood at a moment ("à 15 h 30"), read only: a slider
// over every moment the document changed on this device, or a time typed as people write it.
// What is shown is what had reached this device by then. Text from other devices is text.
import { api, errorMessage, type Moment } from './api'
import { openDialog } from './dialog'
import { h, render } from './dom'
import { lang, t, type Key } from './i18n'
import { kindLabel } from './views/capture'

type Load<T> = (at: string | null) => Promise<Moment<T>>

/** To the second: changes a few seconds apart are different moments. */
function precise(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return new Intl.DateTimeFormat(lang() === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' }).format(date)
}

function momentDialog<T>(title: string, load: Load<T>, draw: (content: T) => HTMLElement[]): void {
  const slider = h('input', { type: 'range', id: 'moment-slider', min: '0', max: '0', step: '1', 'aria-describedby': 'moment-when' })
  const when = h('p', { id: 'moment-when', class: 'moment-when', 'aria-live': 'polite' })
  const typed = h('input', { id: 'moment-time', autocomplete: 'off', placeholder: '15:30', 'aria-label': t('moment_time') })
  const form = h('form', { class: 'inline moment-form' }, h('label', { for: 'moment-time' }, t('moment_time')), typed,
    h('button', { type: 'submit', class: 'secondary' }, t('moment_show')))
  const list = h('div', { class: 'moment-content' })
  const error = h('p', { class: 'warning', role: 'alert', hidden: true })
  openDialog(title, [
    h('p', { class: 'muted' }, t('moment_intro')),
    h('label', { for: 'moment-slider' }, t('moment_slider')), slider, when, form, error, list,
  ], { wide: true })
  let moments: string[] = []

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
    } catch (failure) {
      error.hidden = false
      render(error, t('error_prefix') + errorMessage(failure))
    }
  }
  slider.addEventListener('input', () => { void show(moments[Number(slider.value)] ?? null) })
  form.addEventListener('submit', e => { e.preventDefault(); void show(typed.value.trim() || null) })
  void show(null)
}

/** The session `session` as it stood at a moment. */
export function openSessionMoment(session: string, label: string): void {
  momentDialog(t('moment_title', { what: label }), at => api.sessionAt(session, at), content => {
    const groups = new Map(content.subgroups.map(g => [g.id, g.name]))
    const shown = content.proposals.filter(p => !p.deleted)
    if (!shown.length) return [h('p', { class: 'muted' }, t('moment_empty'))]
    return [h('p', {}, t('moment_count', { n: shown.length })), h('ol', { class: 'plain moment-list' }, ...shown.map(p =>
      h('li', { class: 'card read-only' },
        h('p', { class: 'history-title' }, p.title),
        p.body ? h('p', { class: 'history-body' }, p.body) : null,
        h('p', { class: 'muted' }, kindLabel(p.kind), p.subgroup && groups.get(p.subgroup) ? ` · ${groups.get(p.subgroup)}` : ''))))]
  })
}

/** A theme's synthesis as it stood at a moment. */
export function openSynthesisMoment(event: string, theme: number, label: string): void {
  momentDialog(t('moment_title', { what: label }), at => api.synthesisAt(event, theme, at), content => {
    const shown = content.filter(c => !c.deleted)
    if (!shown.length) return [h('p', { class: 'muted' }, t('moment_empty_synthesis'))]
    return [h('p', {}, t('moment_count_synthesis', { n: shown.length })), h('ol', { class: 'plain moment-list' }, ...shown.map(c =>
      h('li', { class: 'card read-only' },
        h('p', { class: 'history-title' }, c.title),
        c.body ? h('p', { class: 'history-body' }, c.body) : null,
        h('p', { class: 'muted' }, `${t(`status_${c.status}` as Key)} · ${t('sources', { n: c.sources.length })}`))))]
  })
}
