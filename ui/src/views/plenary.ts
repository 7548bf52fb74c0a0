// What the closing plenary's screens share: a source's provenance in words (never a bare id),
// and the votes of the panel's members.
import type { EventView, Kind, Review } from '../api'
import { h } from '../dom'
import { dotsWords, t } from '../i18n'
import { kindLabel } from './capture'

/** "Thème 2 · jour 1, 14:00 · Salle Gallé", or null for a session the programme does not hold. */
export function sessionWords(event: EventView, sessionId: string): string | null {
  const s = event.sessions.find(x => x.id === sessionId)
  if (!s) return null
  return t('session_words', { theme: s.theme, day: s.day, start: s.start, room: s.room ?? s.place })
}

/** A source as the device holds it; null when the proposal has not reached this device. */
export interface SourceSeen {
  title: string; body?: string; kind: Kind; subgroup: string | null
}

/**
 * One source of a consolidated proposal: its title, text, session, sub-group and kind. A source
 * the device does not hold says so in words, with its session when the programme knows it.
 */
export function sourceItem(event: EventView, sessionId: string, seen: SourceSeen | null): HTMLElement {
  const where = sessionWords(event, sessionId)
  if (!seen) {
    return h('li', { class: 'source missing' },
      h('strong', {}, t('source_missing')),
      h('span', { class: 'source-meta' }, [where, t('source_missing_hint')].filter(Boolean).join(' · ')))
  }
  return h('li', { class: 'source' },
    h('strong', { class: 'source-title' }, seen.title),
    seen.body ? h('span', { class: 'source-body' }, seen.body) : null,
    h('span', { class: 'source-meta' }, [
      where,
      t('source_subgroup', { name: seen.subgroup ?? t('no_subgroup') }),
      t('source_kind', { kind: kindLabel(seen.kind) }),
    ].filter(Boolean).join(' · ')))
}

/** "Hélène Vidal (2), Camille (1)", most dots first. */
export function votersWords(votes: Review['votes']): string {
  return [...votes].filter(v => v.dots > 0).sort((a, b) => b.dots - a.dots || a.member.localeCompare(b.member))
    .map(v => `${v.member} (${v.dots})`).join(', ')
}

/** "Il vous reste 2 points sur 3 pour ce thème." */
export function dotsLeftWords(left: number, limit: number): string {
  return t('dots_left', { left: dotsWords(Math.max(0, left)), n: limit })
}
