// The session clock on the capture screen: the phase and the time left, read from the session's
// document (api.sessionClock), so every facilitator of the session sees the same clock; the
// controls (start now, pause, resume, +5 min, next phase) for a device that may write the
// session; a cue when a phase ends (a banner said by screen readers, a short beep that can be
// turned off); and the room display, a big clock alone on a full screen for a projector.
import { api, errorMessage, type ClockAction, type SessionClock, type SessionInfo } from '../api'
import { formatCountdown, formatDuration, phaseEnd, type PhaseEnd } from '../clock'
import { h, render } from '../dom'
import { t } from '../i18n'

export const SOUND_KEY = 'recolte.clock-sound'

/** Whether a phase end beeps (on unless turned off on this device). */
export function soundOn(): boolean {
  return localStorage.getItem(SOUND_KEY) !== 'off'
}

/** A short beep (about 300 ms) from an oscillator: no audio file. Silent where there is no WebAudio. */
export function beep(): void {
  const w = window as unknown as { AudioContext?: typeof AudioContext; webkitAudioContext?: typeof AudioContext }
  const Context = w.AudioContext ?? w.webkitAudioContext
  if (!Context) return
  try {
    const audio = new Context()
    const oscillator = audio.createOscillator()
    const gain = audio.createGain()
    const now = audio.currentTime
    oscillator.type = 'sine'
    oscillator.frequency.setValueAtTime(880, now)
    gain.gain.setValueAtTime(0.25, now)
    gain.gain.exponentialRampToValueAtTime(0.001, now + 0.3)
    oscillator.connect(gain)
    gain.connect(audio.destination)
    oscillator.onended = () => { void audio.close().catch(() => undefined) }
    oscillator.start(now)
    oscillator.stop(now + 0.3)
  } catch {
    // No sound device, or the webview refuses: the banner is the cue.
  }
}

export function cueText(end: PhaseEnd): string {
  return end.next ? t('clock_cue', { ended: end.ended, next: end.next }) : t('clock_cue_last', { ended: end.ended })
}

export interface ClockPanel {
  element: HTMLElement
  /** Reads the clock now (a tick, a change in the store, another session chosen). */
  refresh(): Promise<void>
  /** Another session was chosen: its clock is new here (no phase-end cue from the switch). */
  reset(): void
  /** Reads the clock about once a second while the screen is shown. */
  start(): void
  /** The screen goes: stops reading, closes the room display. */
  stop(): void
}

export function sessionClock(options: {
  session: () => SessionInfo; canWrite: () => boolean; fail: (error: unknown) => void
  /** The practice event, whose programme's dates are past: its clock says how to try it. */
  practice?: () => boolean
}): ClockPanel {
  let clock: SessionClock | null = null
  let clockFor = ''
  let sequence = 0
  let busy = false
  let timer: number | undefined
  let lastCue = ''
  let room: RoomDisplay | null = null

  const headline = h('p', { class: 'clock-now', id: 'clock-now' })
  const pausedBadge = h('p', { class: 'clock-paused', id: 'clock-paused', hidden: true }, t('clock_paused'))
  const total = h('p', { class: 'muted clock-total' })
  const practiceHint = h('p', { class: 'muted clock-practice', hidden: true }, t('clock_practice_hint'))
  const phases = h('ol', { class: 'phases', 'aria-label': t('clock_run_sheet') })
  const error = h('p', { class: 'clock-error', hidden: true })
  const cueText_ = h('p', { class: 'clock-cue-text', id: 'clock-cue-text' })
  const cueClose = h('button', { type: 'button', class: 'link', hidden: true, 'aria-label': t('clock_cue_close') }, t('close'))
  const cue = h('div', { class: 'clock-cue', role: 'status', 'aria-live': 'polite' }, cueText_)
  const cueBox = h('div', { class: 'clock-cue-box' }, cue, cueClose)

  const button = (id: string, label: string, action: ClockAction, minutes?: number) =>
    h('button', { type: 'button', class: 'secondary', id, onclick: () => void act(action, minutes) }, label)
  const startButton = button('clock-start', t('start_now'), 'start')
  const pauseButton = h('button', { type: 'button', class: 'secondary', id: 'clock-pause', onclick: () => void act(clock?.paused ? 'resume' : 'pause') }, t('clock_pause'))
  const extendButton = button('clock-extend', t('clock_extend'), 'extend', 5)
  const nextButton = button('clock-next', t('clock_next'), 'next')
  const controls = h('div', { class: 'clock-controls', role: 'group', 'aria-label': t('clock_controls') },
    startButton, pauseButton, extendButton, nextButton)

  const sound = h('input', { type: 'checkbox', id: 'clock-sound', checked: soundOn() })
  sound.addEventListener('change', () => localStorage.setItem(SOUND_KEY, sound.checked ? 'on' : 'off'))
  const roomButton = h('button', { type: 'button', class: 'secondary', id: 'clock-room', 'aria-haspopup': 'dialog' }, t('clock_room'))
  roomButton.addEventListener('click', () => openRoom())

  cueClose.addEventListener('click', () => { render(cueText_); cueClose.hidden = true; cueBox.classList.remove('shown') })

  const element = h('section', { class: 'clock', 'aria-labelledby': 'clock-heading' },
    h('h2', { class: 'clock-heading', id: 'clock-heading' }, t('clock_heading')),
    headline, practiceHint, pausedBadge, total, error, cueBox, controls, phases,
    h('div', { class: 'clock-options' },
      h('div', { class: 'check' }, sound, h('label', { for: 'clock-sound' }, t('clock_sound'))),
      roomButton))

  async function act(action: ClockAction, minutes?: number): Promise<void> {
    if (busy) return
    const session = options.session()
    const mine = ++sequence
    busy = true
    drawControls()
    try {
      // The phase this window shows: another device may have gone on to the next meanwhile.
      const seen = clock && clockFor === session.id ? clock.phase_index : null
      const next = await api.clockAction(session.id, action, minutes, seen)
      if (mine === sequence && session.id === options.session().id) show(session.id, next)
    } catch (e) {
      options.fail(e)
    } finally {
      busy = false
      drawControls()
    }
  }

  async function refresh(): Promise<void> {
    const session = options.session()
    const mine = ++sequence
    try {
      const next = await api.sessionClock(session.id)
      // A slower, older reading never draws over a newer one (or over another session's).
      if (mine === sequence && session.id === options.session().id) show(session.id, next)
    } catch (e) {
      if (mine !== sequence) return
      error.hidden = false
      error.textContent = t('clock_error', { error: errorMessage(e) })
    }
  }

  function show(sessionId: string, next: SessionClock): void {
    const before = clockFor === sessionId ? clock : null
    clock = next
    clockFor = sessionId
    error.hidden = true
    const end = phaseEnd(before, next)
    if (end && end.key !== lastCue) {
      lastCue = end.key
      signal(end)
    }
    draw()
  }

  function signal(end: PhaseEnd): void {
    const text = cueText(end)
    cueText_.textContent = text
    cueClose.hidden = false
    cueBox.classList.add('shown')
    room?.cue(text)
    if (soundOn()) beep()
  }

  function drawControls(): void {
    const c = clock
    const writable = options.canWrite()
    const hadFocus = controls.contains(document.activeElement)
    controls.hidden = !writable || !c
    if (!c) return
    const during = c.stage === 'during'
    startButton.hidden = c.started_by_hand && c.stage !== 'after'
    pauseButton.hidden = !during
    pauseButton.textContent = c.paused ? t('clock_resume') : t('clock_pause')
    extendButton.hidden = !during
    nextButton.hidden = !during
    // aria-disabled, not disabled: a disabled button loses the focus in Chromium.
    for (const b of [startButton, pauseButton, extendButton, nextButton]) b.setAttribute('aria-disabled', busy ? 'true' : 'false')
    // "Démarrer maintenant" goes once pressed: the focus moves to the next control, not to the page.
    const focused = document.activeElement
    if (hadFocus && (!(focused instanceof HTMLElement) || !controls.contains(focused) || focused.hidden || controls.hidden)) {
      const visible = [startButton, pauseButton, extendButton, nextButton].find(b => !b.hidden && !controls.hidden)
      ;(visible ?? roomButton).focus()
    }
  }

  function draw(): void {
    const c = clock
    if (!c) return
    const current = c.phase_index
    headline.textContent = c.stage === 'before' ? t('clock_before', { time: formatDuration(c.remaining_seconds * 1000) })
      : c.stage === 'after' ? t('clock_after')
      : t('clock_phase', { phase: c.phase ?? '', time: formatDuration(c.remaining_seconds * 1000) })
    pausedBadge.hidden = !c.paused
    practiceHint.hidden = !(c.stage === 'after' && !c.started_by_hand && options.practice?.())
    total.hidden = c.stage !== 'during'
    total.textContent = c.stage === 'during' ? t('clock_total', { time: formatDuration(c.session_remaining_seconds * 1000) }) : ''
    render(phases, ...c.phases.map((p, i) => {
      const state = c.stage === 'after' || (current !== null && i < current) ? 'done' : i === current ? 'current' : ''
      // The programme's length, then what changed it: +5 min, or cut short by "Phase suivante".
      const extra = p.extra_seconds > 0 ? ` ${t('clock_extended', { n: Math.round(p.extra_seconds / 60) })}` : ''
      const cut = p.end_seconds - p.start_seconds < p.minutes * 60 + Math.max(0, p.extra_seconds) - 1 ? ` ${t('clock_cut')}` : ''
      return h('li', { class: state, 'aria-current': i === current ? 'step' : null }, `${p.label} (${p.minutes} min)${extra}${cut}`)
    }))
    drawControls()
    room?.draw(c)
  }

  function openRoom(): void {
    if (room) return
    room = openRoomDisplay({ onClose: () => { room = null } })
    if (clock) room.draw(clock)
  }

  return {
    element,
    refresh,
    reset() {
      clock = null
      clockFor = ''
      sequence++
      render(cueText_)
      cueClose.hidden = true
      cueBox.classList.remove('shown')
      render(phases)
      headline.textContent = ''
      total.textContent = ''
      pausedBadge.hidden = true
      controls.hidden = true
    },
    start() {
      window.clearInterval(timer)
      timer = window.setInterval(() => {
        if (busy) return
        void refresh()
      }, 1000)
    },
    stop() {
      window.clearInterval(timer)
      timer = undefined
      sequence++
      room?.close()
    },
  }
}

/** How long the room display shows the end of a phase. */
const BANNER_MS = 45_000

export interface RoomDisplay {
  draw(clock: SessionClock): void
  cue(text: string): void
  close(): void
}

/**
 * The room display: the window full screen with a big clock (the time left in the phase), the
 * phase, the next one and "en pause"; for a second screen or a projector. Échap (the physical
 * key, KeyboardEvent.code) leaves.
 */
export function openRoomDisplay(options: { onClose: () => void }): RoomDisplay {
  let closed = false
  const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null
  const phase = h('p', { class: 'clock-room-phase', id: 'clock-room-phase' })
  const time = h('p', { class: 'clock-room-time', id: 'clock-room-time' })
  const paused = h('p', { class: 'clock-room-paused', id: 'clock-room-paused', hidden: true }, t('clock_paused'))
  const next = h('p', { class: 'clock-room-next', id: 'clock-room-next' })
  const banner = h('p', { class: 'clock-room-cue', id: 'clock-room-cue', hidden: true })
  const live = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite', id: 'clock-room-live' })
  const exit = h('button', { type: 'button', class: 'projector-control', id: 'clock-room-exit' }, t('projector_exit'))
  const root = h('section', { class: 'projector clock-room', tabindex: '-1', role: 'dialog', 'aria-modal': 'true', 'aria-label': t('clock_room_region'), lang: document.documentElement.lang },
    h('div', { class: 'projector-controls' }, exit),
    h('div', { class: 'clock-room-face' }, phase, time, paused, next, banner), live)

  exit.addEventListener('click', () => close())
  const keys = (e: KeyboardEvent) => {
    if (e.code !== 'Escape') return
    e.preventDefault()
    e.stopPropagation()
    close()
  }

  function draw(c: SessionClock): void {
    if (closed) return
    const following = c.stage === 'during' && c.phase_index !== null ? c.phases[c.phase_index + 1] : c.stage === 'before' ? c.phases[0] : undefined
    if (c.stage === 'before') {
      phase.textContent = t('clock_room_before')
      time.textContent = formatCountdown(c.remaining_seconds)
    } else if (c.stage === 'after') {
      phase.textContent = t('clock_after')
      time.textContent = formatCountdown(0)
    } else {
      phase.textContent = c.phase ?? ''
      time.textContent = formatCountdown(c.remaining_seconds)
    }
    // An hour or more (h:mm:ss) is wider: smaller, so that it fits a 4:3 projector too.
    time.classList.toggle('long', c.remaining_seconds >= 3600 && c.stage !== 'after')
    time.setAttribute('aria-label', t('clock_room_time', { time: formatDuration(c.remaining_seconds * 1000) }))
    root.classList.toggle('paused', c.paused)
    paused.hidden = !c.paused
    next.textContent = following ? t(c.stage === 'before' ? 'clock_room_first' : 'clock_room_next', { phase: following.label }) : ''
    next.hidden = !following
  }

  let bannerTimer: number | undefined
  function cue(text: string): void {
    if (closed) return
    banner.textContent = text
    banner.hidden = false
    live.textContent = text
    // Long enough to be read from the back of the room, then the clock alone again.
    window.clearTimeout(bannerTimer)
    bannerTimer = window.setTimeout(() => { banner.hidden = true }, BANNER_MS)
  }

  function close(): void {
    if (closed) return
    closed = true
    window.clearTimeout(bannerTimer)
    document.removeEventListener('keydown', keys, true)
    root.remove()
    document.documentElement.classList.remove('projecting')
    api.setFullscreen(false).catch(() => undefined)
    options.onClose()
    if (returnTo && document.contains(returnTo)) returnTo.focus()
  }

  document.addEventListener('keydown', keys, true)
  document.documentElement.classList.add('projecting')
  document.body.appendChild(root)
  root.focus()
  api.setFullscreen(true).catch(error => { live.textContent = t('projector_error', { error: errorMessage(error) }) })
  return { draw, cue, close }
}
