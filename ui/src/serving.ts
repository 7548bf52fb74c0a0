// Whether this computer serves the event: the settings and Organisation screens change it,
// the header shows it. One place, so that they never disagree.
import type { ServeInfo } from './api'

let current: ServeInfo | null = null
const listeners = new Set<(info: ServeInfo | null) => void>()

export function servingInfo(): ServeInfo | null {
  return current
}

export function setServing(info: ServeInfo | null): void {
  current = info
  for (const listener of listeners) listener(info)
}

export function onServing(listener: (info: ServeInfo | null) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}
