// This device: the name it signs with, the language, the hub it syncs with, the events served
// nearby, serving the event from here, bundles and exports.
import { api, errorMessage } from '../api'
import { announce, h, render } from '../dom'
import { t } from '../i18n'
import type { Context, View } from '../app'
import { exportBox } from './exports'
import { roleLabel } from './join'
import { bundleBox, nearbyBox, serveBox } from './room'
import { longest } from '../limits'

export function settings(ctx: Context): View {
  return {
    async mount(root) {
      const info = await api.appInfo()
      const name = h('input', { id: 'settings-name', maxlength: longest('name'), value: info.author, autocomplete: 'name' })
      const language = h('select', { id: 'settings-lang' },
        h('option', { value: 'fr', selected: info.lang === 'fr' }, 'Français'),
        h('option', { value: 'en', selected: info.lang === 'en' }, 'English'))
      const form = h('form', { class: 'card' },
        h('h2', {}, t('settings_title')),
        h('label', { for: 'settings-name' }, t('display_name')), name,
        h('label', { for: 'settings-lang' }, t('language')), language,
        h('button', { type: 'submit', id: 'settings-save' }, t('save')),
        h('p', { class: 'muted' }, t('data_folder', { dir: info.data_dir })))
      form.addEventListener('submit', e => {
        e.preventDefault()
        api.saveSettings(name.value, language.value)
          .then(() => ctx.reload())
          // A new language draws the screen again: the keyboard comes back to where it was, and
          // what is said is said in the language chosen.
          .then(() => { document.getElementById('settings-save')?.focus(); announce(t('saved_settings'), 'notice') })
          .catch(error => announce(t('error_prefix') + errorMessage(error), 'error'))
      })
      const hub = h('input', { id: 'settings-hub', type: 'url', value: info.hub ?? '', placeholder: 'ws://192.168.1.20:4455' })
      const token = h('input', { id: 'settings-token', autocomplete: 'off' })
      // The device that made the event signs its own token; the practice event's key no hub trusts.
      const ownsEvent = ctx.access.holds_key && !ctx.events.some(e => e.id === ctx.event.id && e.practice)
      const syncForm = h('form', { class: 'card' },
        h('h2', {}, t('sync_settings')),
        h('label', { for: 'settings-hub' }, t('hub_address')), hub,
        h('label', { for: 'settings-token' }, t('token')), token,
        ownsEvent || info.hub ? h('p', { class: 'muted', id: 'settings-token-hint' }, t(ownsEvent ? 'token_own_hint' : 'token_keep_hint')) : null,
        h('button', { type: 'submit' }, t('join')))
      if (ownsEvent || info.hub) token.setAttribute('aria-describedby', 'settings-token-hint')
      syncForm.addEventListener('submit', e => {
        e.preventDefault()
        api.configureSync(hub.value, token.value, ctx.event.id)
          .then(() => announce(t('joining'), 'notice'))
          .catch(error => announce(t('error_prefix') + errorMessage(error), 'error'))
      })
      const narrow = !ctx.access.holds_key && ctx.access.role !== null && ctx.access.role !== 'organiser'
      const hubBox = await serveBox(ctx.event.id, ctx.access.holds_key, narrow)
      const access = ctx.access
      const accessBox = h('section', { class: 'card', 'aria-labelledby': 'access-title' },
        h('h2', { id: 'access-title' }, t('your_access')),
        access.role ? h('p', { id: 'access-role' }, access.for ? t('access_role', { role: roleLabel(access.role), name: access.for }) : roleLabel(access.role)) : null,
        access.holds_key ? h('p', {}, t('access_key')) : null,
        access.role === null ? h('p', {}, t('access_open')) : null)
      const joinOther = h('section', { class: 'card', 'aria-labelledby': 'join-other-title' },
        h('h2', { id: 'join-other-title' }, t('join_invite_title')),
        h('p', { class: 'muted' }, t('invite_link_hint')),
        h('button', { type: 'button', id: 'join-other', 'aria-haspopup': 'dialog', onclick: () => ctx.openJoin('') }, t('join_other')))
      const about = h('section', { class: 'card', 'aria-labelledby': 'about-title' },
        h('h2', { id: 'about-title' }, t('about_title')),
        h('p', { id: 'about-version' }, t('about_version', { version: info.version })),
        h('p', { class: 'muted' }, t('about_licence')))
      render(root, h('section', { class: 'settings' }, form, accessBox, joinOther, nearbyBox(ctx.events.map(e => e.id), info.hub && !ownsEvent && ctx.access.role !== null ? ctx.event.id : null), syncForm, hubBox,
        bundleBox(ctx.event.id), exportBox(ctx.event.id, () => undefined), about))
    },
    async refresh() {},
  }
}
