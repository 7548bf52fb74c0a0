// What this device may do, read from the backend's DeviceAccess. A device with no role
// (it neither holds the event's key nor joined with an invitation) keeps everything open:
// it works alone and shares by bundles.
import type { Access, DeviceAccess, SyncErrorCode, SyncSummary } from './api'
import { t, type Key } from './i18n'

export function sessionAccess(access: DeviceAccess, session: string): Access {
  if (access.role === null) return 'write'
  return access.sessions.find(s => s.id === session)?.access ?? 'none'
}

export function themeAccess(access: DeviceAccess, theme: number): Access {
  if (access.role === null) return 'write'
  return access.themes.find(th => th.number === theme)?.access ?? 'none'
}

export function panelAccess(access: DeviceAccess): Access {
  return access.role === null ? 'write' : access.panel
}

/** Everything open: what the shell uses before it knows better. */
export function openAccess(): DeviceAccess {
  return {
    role: null, holds_key: false, for: null, programme: 'write', sessions: [], themes: [], panel: 'write',
    screens: ['capture', 'synthesis', 'panel', 'settings'], home: { screen: 'capture', session: null, theme: null },
  }
}

export type SyncState = SyncSummary['state']
const RANK: SyncState[] = ['off', 'up_to_date', 'syncing', 'out_of_rights', 'offline', 'refused']

/** The worst state the summary shows: refused > offline > out_of_rights > syncing > up to date. */
export function worstState(sync: SyncSummary): SyncState {
  if (sync.state === 'off') return 'off'
  let worst: SyncState = sync.state
  const raise = (state: SyncState) => { if (RANK.indexOf(state) > RANK.indexOf(worst)) worst = state }
  if (sync.error) raise(sync.error.code === 'unreachable' ? 'offline' : 'refused')
  if (sync.out_of_rights > 0) raise('out_of_rights')
  return worst
}

/** The reason the hub gave, in a few words. */
export function reasonWords(code: SyncErrorCode): string {
  return t(`reason_${code}` as Key)
}
