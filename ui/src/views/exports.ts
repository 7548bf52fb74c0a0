// Exports from the app: one button per output, a progress bar while it runs, and the folder
// it was written to, with buttons that open the folder and each file.
import { api, errorMessage } from '../api'
import { announce, h, render } from '../dom'
import { t, type Key } from '../i18n'
import { joinPath, openButton, pathLine } from './files'

export function exportBox(event: string, theme: () => number | undefined): HTMLElement {
  const status = h('div', { class: 'export-status', role: 'status', 'aria-live': 'polite' })
  const progress = h('progress', { class: 'export-progress', hidden: true, 'aria-label': t('exporting') })
  const run = (kind: 'report' | 'opendata' | 'decidim') => {
    progress.hidden = false
    box.setAttribute('aria-busy', 'true')
    render(status, t('exporting'))
    api.exportWrite(event, kind, kind === 'opendata' ? undefined : theme())
      .then(written => render(status,
        // Made on a device that lacks documents: said here, as in the files.
        written.incomplete ? h('p', { class: 'warning', role: 'alert' }, written.incomplete) : null,
        h('p', {}, t('exported'), ' ', pathLine(written.folder, 'folder')),
        written.files.length ? h('ul', { class: 'plain files', 'aria-label': t('exported_files') },
          ...written.files.map(file => h('li', {}, h('span', { class: 'file-name' }, file), ' ', openButton(joinPath(written.folder, file))))) : null))
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
