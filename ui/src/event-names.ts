import type { EventSummary } from './api'
import { formatDate, t } from './i18n'

/**
 * How the event switcher names each listed event: by its name, and when another listed event
 * bears the same name (two organisers who each imported the programme), also by when it was
 * made, or by the end of its id when even that is the same.
 */
export function eventNames(events: EventSummary[]): Map<string, string> {
  const key = (name: string): string => name.trim().toLocaleLowerCase()
  const byName = new Map<string, EventSummary[]>()
  for (const e of events) byName.set(key(e.name), [...(byName.get(key(e.name)) ?? []), e])
  const names = new Map<string, string>()
  for (const e of events) {
    const namesakes = byName.get(key(e.name)) ?? []
    let name = e.practice ? `${e.name} (${t('practice')})` : e.name
    if (namesakes.filter(other => other.practice === e.practice).length > 1) {
      const made = e.created_at ? formatDate(e.created_at) : null
      const sameMoment = namesakes.some(other => other.id !== e.id && other.practice === e.practice
        && (other.created_at ? formatDate(other.created_at) : null) === made)
      name += ` · ${made && !sameMoment ? t('event_made', { date: made }) : t('event_id_end', { id: e.id.slice(-6) })}`
    }
    names.set(e.id, name)
  }
  return names
}
