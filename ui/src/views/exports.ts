// Exports from the app: one button per output, a progress bar while it runs, and the folder
// it was written to, with buttons that open the folder and each file.
import { api, errorMessage, type AnswersWritten, type ExportKind, type Written } from '../api'
import { announce, h, render, whileBusy } from '../dom'
import { quoted, t, type Key } from '../i18n'
import { joinPath, openButton, pathLine } from './files'

export function exportBox(event: string, theme: () => number | undefined): HTMLElement {
  const status = h('div', { class: 'export-status', role: 'status', 'aria-live': 'polite' })
  const progress = h('progress', { class: 'export-progress', hidden: true, 'aria-label': t('exporting') })
  const files = (written: Written) => [
    // Made on a device that lacks documents: said here, as in the files.
    written.incomplete ? h('p', { class: 'warning', role: 'alert' }, written.incomplete) : null,
    h('p', {}, t('exported'), ' ', pathLine(written.folder, 'folder')),
    written.files.length ? h('ul', { class: 'plain files', 'aria-label': t('exported_files') },
      ...written.files.map(file => h('li', {}, h('span', { class: 'file-name' }, file), ' ', openButton(joinPath(written.folder, file))))) : null,
  ]
  // What Decidim's answers leave out, named: drafts on purpose, the others to check by hand.
  const leftOut = (answers: AnswersWritten) => {
    const list = (key: Key, titles: string[]) => titles.length
      ? h('div', {}, h('p', {}, t(key, { n: titles.length })), h('ul', { class: 'plain left-out' }, ...titles.map(title => h('li', {}, quoted(title))))) : null
    return [
      h('p', {}, t('answers_written', { n: answers.answered })),
      list('answers_unmatched', answers.unmatched), list('answers_ambiguous', answers.ambiguous), list('answers_drafts', answers.drafts),
    ]
  }
  // One export at a time: a second press would write the same files again beside the first.
  const busy = <T>(work: () => Promise<T>, done: (value: T) => void) => {
    if (box.getAttribute('aria-busy') === 'true') return
    progress.hidden = false
    box.setAttribute('aria-busy', 'true')
    render(status, t('exporting'))
    void whileBusy([...box.querySelectorAll<HTMLButtonElement>('button')], work).then(done)
      .catch(error => { render(status); announce(t('error_prefix') + errorMessage(error), 'error') })
      .finally(() => { progress.hidden = true; box.removeAttribute('aria-busy') })
  }
  const run = (kind: ExportKind) =>
    busy(() => api.exportWrite(event, kind, kind === 'opendata' ? undefined : theme()), written => render(status, ...files(written)))
  const answers = () => busy(() => api.decidimAnswers(event), written => {
    if (written) render(status, ...leftOut(written), ...files(written))
    else render(status)
  })
  const button = (kind: ExportKind, key: Key) =>
    h('button', { type: 'button', class: 'secondary', 'data-export': kind, onclick: () => run(kind) }, t(key))
  const box = h('section', { class: 'card exports', 'aria-labelledby': 'exports-heading' },
    h('h2', { id: 'exports-heading' }, t('exports')),
    h('div', { class: 'row' }, button('report', 'export_report'), button('opendata', 'export_opendata')),
    h('h3', {}, 'Decidim'),
    h('p', { class: 'muted' }, t('decidim_help')),
    h('div', { class: 'row' }, button('decidim', 'export_decidim'), button('decidim-captured', 'export_decidim_captured'),
      h('button', { type: 'button', class: 'secondary', id: 'decidim-answers', onclick: answers }, t('export_decidim_answers'))),
    progress, status)
  return box
}
