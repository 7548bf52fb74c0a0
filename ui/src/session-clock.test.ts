// The session clock on the capture screen, on the in-memory backend whose clock is shared per
// session (as the session's document keeps it) and whose "now" the tests move: the display
// before, during and after the session and when paused (also by another facilitator), the
// controls, the cue when a phase ends (banner, guarded beep), and the room display.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { clearMocks } from '@tauri-apps/api/mocks'
import { advanceMockClock, installMockBackend, mockClockAction, mockState, setMockNow, type MockOptions } from './mock-backend'
import { start } from './app'
import { api, type SessionInfo } from './api'
import { frenchSpaces } from './i18n'

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await new Promise(resolve => setTimeout(resolve, 0))
}

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector<T>(selector)
const byId = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const element = document.getElementById(id)
  if (!element) throw new Error(`no #${id}`)
  return element as T
}
const text = (selector: string) => $(selector)?.textContent ?? null
const shown = (id: string) => { const el = document.getElementById(id); return !!el && !el.hidden }
const key = (code: string, key = code) =>
  (document.activeElement ?? document.body).dispatchEvent(new KeyboardEvent('keydown', { code, key, bubbles: true, cancelable: true }))

let session: SessionInfo
/** The programme's start of the session the capture screen opens on. */
let scheduled: number
const minute = 60

/** One poll of the screen (its interval is the only faked timer) and the answers. */
async function tick(seconds = 1): Promise<void> {
  advanceMockClock(seconds)
  vi.advanceTimersByTime(seconds * 1000)
  await settle()
}

async function open(options: MockOptions, at: (start: number) => number): Promise<void> {
  clearMocks()
  localStorage.clear()
  sessionStorage.clear()
  document.documentElement.className = ''
  document.body.innerHTML = '<div id="app"></div>'
  installMockBackend(options)
  const view = mockState().events[0].view
  session = view.sessions[0]
  scheduled = new Date(`${session.date}T${session.start}:00`).getTime()
  setMockNow(at(scheduled))
  await start(byId('app'))
  await settle()
}

/** Clicks as a person does: the button takes the focus first. */
async function press(button: HTMLElement): Promise<void> {
  button.focus()
  button.click()
  await settle()
}

const phaseItems = () => [...document.querySelectorAll<HTMLLIElement>('.clock .phases li')]

beforeEach(() => {
  // Only the intervals are fake (the screen's polling); promises and timeouts run as usual.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  delete (window as unknown as Record<string, unknown>).AudioContext
})

describe('the clock shown', () => {
  it('of the practice event, whose dates are past: says how to try it, until it is started by hand', async () => {
    // The mock's organiser holds the practice event.
    await open({ event: 'organiser' }, s => s + 3 * 60 * minute * 1000)
    expect(text('#clock-now')).toBe('Session terminée')
    expect(document.querySelector<HTMLElement>('.clock-practice')!.hidden).toBe(false)
    expect(text('.clock-practice')).toContain(frenchSpaces('« Démarrer maintenant » lance l’horloge'))
    await press([...document.querySelectorAll<HTMLButtonElement>('.clock button')].find(b => b.textContent === 'Démarrer maintenant')!)
    await tick()
    expect(document.querySelector<HTMLElement>('.clock-practice')!.hidden).toBe(true)
  })

  it('of a real event after its session: no practice hint', async () => {
    await open({ event: 'facilitator' }, s => s + 3 * 60 * minute * 1000)
    expect(text('#clock-now')).toBe('Session terminée')
    expect(document.querySelector<HTMLElement>('.clock-practice')!.hidden).toBe(true)
  })

  it('during the session: the phase, the time left in it and in the session, the run-sheet with the current phase', async () => {
    await open({ event: 'facilitator' }, s => s + 25 * minute * 1000)
    expect(text('#clock-now')).toBe('Seconde intervention — reste 15 min')
    expect(text('.clock-total')).toBe('Fin de session dans 1 h 20')
    const items = phaseItems()
    expect(items.map(li => li.className)).toEqual(['done', 'current', '', '', ''])
    expect(items[1].getAttribute('aria-current')).toBe('step')
    expect(items[1].textContent).toBe('Seconde intervention (20 min)')
    expect(shown('clock-paused')).toBe(false)
  })

  it('before the session: the time until the start, and "Démarrer maintenant"', async () => {
    await open({ event: 'facilitator' }, s => s - 10 * minute * 1000)
    expect(text('#clock-now')).toBe('Commence dans 10 min')
    expect(shown('clock-start')).toBe(true)
    expect(shown('clock-pause')).toBe(false)
    expect(shown('clock-next')).toBe(false)
    expect(phaseItems().some(li => li.classList.contains('current'))).toBe(false)
  })

  it('after the session: said so, every phase done', async () => {
    await open({ event: 'facilitator' }, s => s + 2 * 3600 * 1000)
    expect(text('#clock-now')).toBe('Session terminée')
    expect(phaseItems().every(li => li.className === 'done')).toBe(true)
    expect($('.clock-total')!.hidden).toBe(true)
  })

  it('paused on another facilitator’s device: "En pause" here, and the time stands still', async () => {
    await open({ event: 'facilitator' }, s => s + 25 * minute * 1000)
    mockClockAction(session.id, 'pause')
    await settle()
    expect(shown('clock-paused')).toBe(true)
    expect(text('#clock-paused')).toBe('En pause')
    expect(text('#clock-pause')).toBe('Reprendre')
    await tick(10 * minute)
    expect(text('#clock-now')).toBe('Seconde intervention — reste 15 min')
    mockClockAction(session.id, 'resume')
    await tick(5 * minute)
    expect(shown('clock-paused')).toBe(false)
    expect(text('#clock-now')).toBe('Seconde intervention — reste 10 min')
  })

  it('is read about once a second while the screen is shown, and no more once it is left', async () => {
    await open({ event: 'facilitator' }, s => s + 25 * minute * 1000)
    const reads = vi.spyOn(api, 'sessionClock')
    await tick(3)
    expect(reads).toHaveBeenCalledTimes(3)
    expect(reads).toHaveBeenCalledWith(session.id)
    await press([...document.querySelectorAll<HTMLButtonElement>('nav .tab')].find(b => b.textContent === 'Réglages')!)
    reads.mockClear()
    await tick(5)
    expect(reads).not.toHaveBeenCalled()
  })

  it('in English', async () => {
    await open({ event: 'facilitator', lang: 'en' }, s => s + 25 * minute * 1000)
    expect(text('#clock-now')).toBe('Seconde intervention — 15 min left')
    expect(text('#clock-next')).toBe('Next phase')
  })
})

describe('the controls', () => {
  it('start, +5 min, pause, resume and next call the backend and draw the clock it returns', async () => {
    await open({ event: 'facilitator' }, s => s - 10 * minute * 1000)
    const act = vi.spyOn(api, 'clockAction')
    await press(byId('clock-start'))
    expect(act).toHaveBeenLastCalledWith(session.id, 'start', undefined, null)
    expect(text('#clock-now')).toBe('Première intervention — reste 20 min')
    expect(shown('clock-start')).toBe(false)
    // The pressed button went: the focus is on the next control, not lost.
    expect(document.activeElement).toBe(byId('clock-pause'))
    expect(mockState().clocks[session.id].startedAt).not.toBeNull()

    await press(byId('clock-extend'))
    // Each press names the phase it was meant for (shown as current): the first.
    expect(act).toHaveBeenLastCalledWith(session.id, 'extend', 5, 0)
    expect(text('#clock-now')).toBe('Première intervention — reste 25 min')
    expect(phaseItems()[0].textContent).toBe('Première intervention (20 min) (+5 min)')

    await press(byId('clock-pause'))
    expect(act).toHaveBeenLastCalledWith(session.id, 'pause', undefined, 0)
    expect(shown('clock-paused')).toBe(true)
    expect(text('#clock-pause')).toBe('Reprendre')
    expect(document.activeElement).toBe(byId('clock-pause'))
    await press(byId('clock-pause'))
    expect(act).toHaveBeenLastCalledWith(session.id, 'resume', undefined, 0)
    expect(text('#clock-pause')).toBe('Pause')

    await press(byId('clock-next'))
    expect(act).toHaveBeenLastCalledWith(session.id, 'next', undefined, 0)
    expect(text('#clock-now')).toBe('Seconde intervention — reste 20 min')
    expect(phaseItems()[1].getAttribute('aria-current')).toBe('step')
    expect(phaseItems()[0].textContent).toBe('Première intervention (20 min) (+5 min) (écourtée)')
  })

  it('are kept (and keep the focus) while the clock ticks', async () => {
    await open({ event: 'facilitator' }, s => s + 25 * minute * 1000)
    const next = byId('clock-next')
    next.focus()
    await tick(2)
    expect(byId('clock-next')).toBe(next)
    expect(document.activeElement).toBe(next)
  })

  it('are not offered for a session this device may only read; the clock and the room display are', async () => {
    await open({ event: 'rapporteur' }, s => s + 25 * minute * 1000)
    await press([...document.querySelectorAll<HTMLButtonElement>('nav .tab')].find(b => b.textContent === 'Animation')!)
    expect(text('#clock-now')).toMatch(/reste/)
    expect($('.clock-controls')!.hidden).toBe(true)
    expect(shown('clock-room')).toBe(true)
    expect(shown('clock-sound')).toBe(true)
  })

  it('a refusal is said in words', async () => {
    await open({ event: 'facilitator' }, s => s + 25 * minute * 1000)
    // The backend refuses (a clock another device changed meanwhile, rights taken back…): said, not thrown away.
    vi.spyOn(api, 'clockAction').mockRejectedValueOnce({ code: 'invalid', message: 'l’horloge est déjà en pause' })
    await press(byId('clock-extend'))
    expect(document.body.textContent).toContain('l’horloge est déjà en pause')
  })
})

describe('the end of a phase', () => {
  class FakeAudio {
    static made = 0
    currentTime = 0
    destination = {}
    constructor() { FakeAudio.made++ }
    createOscillator() { return { type: '', frequency: { setValueAtTime() {} }, connect() {}, start() {}, stop() {}, onended: null } }
    createGain() { return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect() {} } }
    close() { return Promise.resolve() }
  }

  it('shows a banner said by screen readers, and beeps unless the sound is off', async () => {
    FakeAudio.made = 0
    ;(window as unknown as Record<string, unknown>).AudioContext = FakeAudio
    await open({ event: 'facilitator' }, s => s + (20 * minute - 2) * 1000)
    expect(text('#clock-cue-text')).toBe('')
    await tick(3)
    expect(text('#clock-cue-text')).toBe(frenchSpaces('Fin de la phase « Première intervention » : place à « Seconde intervention »'))
    expect($('#clock-cue-text')!.closest('[aria-live=polite]')).not.toBeNull()
    expect(FakeAudio.made).toBe(1)
    await tick(2)
    expect(FakeAudio.made).toBe(1)

    const sound = byId<HTMLInputElement>('clock-sound')
    expect(sound.checked).toBe(true)
    sound.click()
    expect(localStorage.getItem('recolte.clock-sound')).toBe('off')
    await press(byId('clock-next'))
    expect(text('#clock-cue-text')).toBe(frenchSpaces('Fin de la phase « Seconde intervention » : place à « Mise en discussion »'))
    expect(FakeAudio.made).toBe(1)
  })

  it('without WebAudio (jsdom, some webviews): the banner alone, no error', async () => {
    await open({ event: 'facilitator' }, s => s + (20 * minute - 1) * 1000)
    expect('AudioContext' in window).toBe(false)
    await tick(2)
    expect(text('#clock-cue-text')).toMatch(/^Fin de la phase «\u00a0Première intervention\u00a0»/)
  })

  it('the last phase: the session is over', async () => {
    await open({ event: 'facilitator' }, s => s + (105 * minute - 1) * 1000)
    await tick(2)
    expect(text('#clock-cue-text')).toBe(frenchSpaces('Fin de la phase « Restitution » : la session est terminée'))
    expect(text('#clock-now')).toBe('Session terminée')
  })

  it('is not signalled when another session is chosen', async () => {
    await open({ event: 'open' }, s => s + 25 * minute * 1000)
    const picker = byId<HTMLSelectElement>('session-picker')
    picker.value = picker.options[1].value
    picker.dispatchEvent(new Event('change'))
    await settle()
    await tick(1)
    expect(text('#clock-cue-text')).toBe('')
  })
})

describe('the room display', () => {
  it('full screen, a big clock, the phase, the next one, "en pause"; Échap by its code leaves', async () => {
    await open({ event: 'facilitator' }, s => s + 25 * minute * 1000)
    await press(byId('clock-room'))
    expect(mockState().fullscreen).toEqual([true])
    expect(document.documentElement.classList.contains('projecting')).toBe(true)
    expect(text('#clock-room-time')).toBe('15:00')
    expect(text('#clock-room-phase')).toBe('Seconde intervention')
    expect(text('#clock-room-next')).toBe(frenchSpaces('Ensuite : Mise en discussion'))
    expect(shown('clock-room-paused')).toBe(false)
    await tick(1)
    expect(text('#clock-room-time')).toBe('14:59')

    mockClockAction(session.id, 'pause')
    await settle()
    expect(shown('clock-room-paused')).toBe(true)
    expect(text('#clock-room-paused')).toBe('En pause')

    // Another key named "Escape" on some layout but not the physical Échap: nothing.
    key('KeyE', 'Escape')
    expect($('.clock-room')).not.toBeNull()
    key('Escape', 'Unidentified')
    await settle()
    expect($('.clock-room')).toBeNull()
    expect(mockState().fullscreen).toEqual([true, false])
    expect(document.documentElement.classList.contains('projecting')).toBe(false)
    expect(document.activeElement).toBe(byId('clock-room'))
  })

  it('shows the end of a phase too, and closes with the screen', async () => {
    await open({ event: 'facilitator' }, s => s + (20 * minute - 1) * 1000)
    await press(byId('clock-room'))
    await tick(2)
    expect(text('#clock-room-cue')).toBe(frenchSpaces('Fin de la phase « Première intervention » : place à « Seconde intervention »'))
    expect(text('#clock-room-live')).toBe(text('#clock-room-cue'))
    expect(text('#clock-room-phase')).toBe('Seconde intervention')
    // Leaving the screen (here through the tab, as a shortcut would) closes it and the full screen.
    await press([...document.querySelectorAll<HTMLButtonElement>('nav .tab')].find(b => b.textContent === 'Réglages')!)
    expect($('.clock-room')).toBeNull()
    expect(mockState().fullscreen).toEqual([true, false])
  })

  it('before the session: the countdown to the start and the first phase', async () => {
    await open({ event: 'facilitator' }, s => s - 90 * minute * 1000)
    await press(byId('clock-room'))
    expect(text('#clock-room-phase')).toBe('La session commence dans')
    expect(text('#clock-room-time')).toBe('1:30:00')
    expect(text('#clock-room-next')).toBe(frenchSpaces('Pour commencer : Première intervention'))
  })

  it('keeps the screen behind it out of reach of its shortcuts (Alt+N, Alt+2, Ctrl+Z)', async () => {
    await open({ event: 'facilitator' }, s => s + 25 * minute * 1000)
    await press(byId('clock-room'))
    const face = $('.clock-room') as HTMLElement
    face.focus()
    for (const [code, k, mods] of [['KeyN', 'n', { altKey: true }], ['Digit2', 'é', { altKey: true }], ['KeyW', 'z', { ctrlKey: true }]] as const) {
      face.dispatchEvent(new KeyboardEvent('keydown', { code, key: k, ...mods, bubbles: true, cancelable: true }))
    }
    await settle()
    expect(document.activeElement).toBe(face)
    expect($('.clock-room')).not.toBeNull()
    expect(byId('capture-title')).not.toBeNull()
  })
})
