// Exports from the app: one button per output, a progress bar while it runs, and the folder
// it was written to.
import { api, errorMessage } from '../api'
import { announce, h, render } from '../dom'
import { t, type Key } from '../i18n'

export function exportBox(event: string, theme: () => number | undefined): HTMLElement {
  const status = h('p', { class: 'export-status', role: 'status', 'aria-live': 'polite' })
  const progress = h('progress', { class: 'export-progress', hidden: true, 'aria-label': t('exporting') })
  const run = (kind: 'report' | 'opendata' | 'decidim') => {
    progress.hidden = false
    box.setAttribute('aria-busy', 'true')
    render(status, t('exporting'))
    api.exportWrite(event, kind, kind === 'opendata' ? undefined : theme())
      .then(written => render(status, t('exported', { folder: written.folder })))
      .catch(error => { render(status); announce(t('error_prefix') + errorMessage(error), 'error') })
      .finally(() => { progress.hidden = true; box.removeAttribute('aria-busy') })
  }
  const button = (kind: 'report' | 'opendata' | 'decidim', key: Key) =>
    h('button', { type: 'button', class: 'secondary', 'data-export': kind, onclick: () => run(kind) }, t(key))
  const box = h('section', { class: 'card exports', 'aria-labelledby': 'exports-heading' },
    h('h2', { id: 'exports-heading' }, t('exports')),
    h('div', { class: 'row' }, button('report', 'export_report'), button('opendata', 'export_opendata'), button('decidim', 'export_decidim')),
    progress, status)
  return box
}
