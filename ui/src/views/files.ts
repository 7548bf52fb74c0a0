// Paths the app wrote (exports, the invitation sheet, bundles), each with a button that opens
// it in the system's application, and one that opens its folder.
import { api, errorMessage } from '../api'
import { announce, h } from '../dom'
import { t } from '../i18n'

/** The separator the backend's paths use (Windows paths have only backslashes). */
function separator(path: string): string {
  return path.includes('\\') && !path.includes('/') ? '\\' : '/'
}

export function joinPath(folder: string, file: string): string {
  const sep = separator(folder)
  return folder.endsWith(sep) ? `${folder}${file}` : `${folder}${sep}${file}`
}

/** The folder a file is in ("" when the path has none). */
export function parentOf(path: string): string {
  const at = path.lastIndexOf(separator(path))
  return at <= 0 ? (at === 0 ? path.slice(0, 1) : '') : path.slice(0, at)
}

function opener(path: string, text: string, label: string, extra: Record<string, string> = {}): HTMLButtonElement {
  return h('button', {
    type: 'button', class: 'secondary small', 'aria-label': label, ...extra,
    onclick: () => void api.openPath(path).catch(error => announce(t('open_error', { path, error: errorMessage(error) }), 'error')),
  }, text)
}

/** "Ouvrir" for a file. */
export function openButton(path: string): HTMLButtonElement {
  return opener(path, t('open'), t('open_label', { path }), { 'data-open': path })
}

/** "Ouvrir le dossier" for a folder. */
export function openFolderButton(folder: string): HTMLButtonElement {
  return opener(folder, t('open_folder'), t('open_folder_label', { path: folder }), { 'data-open-folder': folder })
}

/** A path the app wrote, shown literally, with "Ouvrir" and (for a file) "Ouvrir le dossier". */
export function pathLine(path: string, kind: 'file' | 'folder'): HTMLElement {
  const folder = kind === 'folder' ? path : parentOf(path)
  return h('span', { class: 'path-line' },
    h('code', { class: 'path' }, path),
    h('span', { class: 'path-actions' },
      kind === 'file' ? openButton(path) : null,
      folder ? openFolderButton(folder) : null))
}
