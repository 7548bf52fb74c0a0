// First run: no event on this device yet. The first choice is joining with an invitation;
// the practice event and a programme file come next; the hub address and token, last.
import { api, errorMessage } from '../api'
import { announce, h, render, whileBusy } from '../dom'
import { lang, t } from '../i18n'
import type { View } from '../app'
import { joinBox } from './join'
import { bundleBox, nearbyBox } from './room'

export function welcome(reload: () => Promise<void>, link = ''): View {
  // One action at a time: a second press of *Essayer avec un événement d'exercice* while the
  // first imports would make a second practice event.
  let running = false
  async function run(action: () => Promise<unknown>): Promise<void> {
    if (running) return
    running = true
    document.querySelector('.welcome')?.setAttribute('aria-busy', 'true')
    try {
      // Its buttons look it, too: a press meanwhile would otherwise do nothing without a word.
      await whileBusy([...document.querySelectorAll<HTMLButtonElement>('.welcome button')], action)
      await reload()
    } catch (error) {
      announce(t('error_prefix') + errorMessage(error), 'error')
    } finally {
      running = false
      document.querySelector('.welcome')?.removeAttribute('aria-busy')
    }
  }
  return {
    async mount(root) {
      const info = await api.appInfo()
      const invite = joinBox({ link, author: info.author, onJoined: () => reload() })
      const file = h('input', { type: 'file', accept: 'application/json,.json', id: 'programme-file', class: 'visually-hidden' })
      file.addEventListener('change', () => {
        const chosen = file.files?.[0]
        // Emptied, so that the same file, corrected after a refusal, can be chosen again.
        file.value = ''
        if (chosen) void run(async () => api.importProgramme(await chosen.text()))
      })
      const hub = h('input', { id: 'join-hub', type: 'url', placeholder: 'ws://192.168.1.20:4455', autocomplete: 'off' })
      const token = h('input', { id: 'join-token', type: 'text', autocomplete: 'off' })
      const joinForm = h('form', { 'aria-labelledby': 'join-title' },
        h('h3', { id: 'join-title', class: 'sr-only' }, t('join_event')),
        h('label', { for: 'join-hub' }, t('hub_address')), hub,
        h('label', { for: 'join-token' }, t('token')), token,
        h('button', { type: 'submit' }, t('join')))
      joinForm.addEventListener('submit', e => {
        e.preventDefault()
        void run(async () => {
          await api.configureSync(hub.value, token.value)
          announce(t('joining'))
        })
      })
      // Before any event, the only place to choose the language: named in the other one.
      const other = lang() === 'fr' ? 'en' : 'fr'
      const switchLang = h('button', {
        type: 'button', class: 'link welcome-lang', id: 'welcome-lang', lang: other,
        onclick: () => void run(async () => {
          await api.saveSettings(info.author, other)
          announce(other === 'fr' ? 'Interface en français.' : 'Interface in English.')
        }),
      }, other === 'fr' ? 'Français' : 'English')
      render(root,
        h('section', { class: 'welcome' },
          switchLang,
          h('h2', {}, t('welcome_title')),
          h('p', {}, t('welcome_text')),
          invite.element,
          nearbyBox(),
          h('h2', { class: 'or' }, t('or_start')),
          h('div', { class: 'choices' },
            h('button', { type: 'button', id: 'load-sample', class: 'primary', 'aria-describedby': 'practice-hint', onclick: () => void run(() => api.loadSample()) }, t('load_sample')),
            h('p', { id: 'practice-hint', class: 'muted' }, t('practice_hint')),
            file, h('label', { for: 'programme-file', class: 'button' }, t('import_programme'))),
          bundleBox(null, () => void reload()),
          h('details', { id: 'join-advanced', class: 'card' },
            h('summary', {}, t('advanced_join')),
            joinForm)))
      if (link) invite.focus()
      else root.querySelector<HTMLElement>('#invite-link')?.focus()
    },
    async refresh() {},
  }
}
