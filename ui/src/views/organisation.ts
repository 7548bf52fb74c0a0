// The organiser's screen, on the device that holds the event's key: the events held here,
// the invitations (create one or all, copy, revoke, print the sheet), and who has joined.
import { api, errorMessage, type EventSummary, type Invitation, type OrganisationView, type Role } from '../api'
import { confirmDialog, openDialog } from '../dialog'
import { announce, h, keepingFocus, render, whileBusy } from '../dom'
import { formatDate, type Key, labelled, t } from '../i18n'
import type { Context, View } from '../app'
import { arrivalsBoard, type Board } from './arrivals'
import { exportBox } from './exports'
import { joinPath, pathLine } from './files'
import { roleLabel } from './join'
import { bundleBox, serveBox, usableInvitations } from './room'
import { servingInfo } from '../serving'

type OrgTab = 'invitations' | 'room' | 'arrivals'
const ORG_TABS: [OrgTab, Key][] = [['invitations', 'org_tab_invitations'], ['room', 'org_tab_room'], ['arrivals', 'org_tab_arrivals']]

const ROLES: Role[] = ['facilitator', 'rapporteur', 'panel', 'organiser']
// « event »: until the end of the day after the event's last day (3 days at least), so that
// cards printed weeks before still open on the day; the default.
export const FOR_THE_EVENT = 'event'
const VALIDITIES: [string, Key][] = [[FOR_THE_EVENT, 'valid_event'], ['12h', 'valid_12h'], ['1d', 'valid_1d'], ['3d', 'valid_3d'], ['1w', 'valid_1w'], ['2w', 'valid_2w']]

function fail(error: unknown): void {
  announce(t('error_prefix') + errorMessage(error), 'error')
}

export function invitationState(inv: Invitation): string {
  switch (inv.state) {
    case 'joined': return t('inv_joined', { name: inv.joined_by ?? '—', date: formatDate(inv.joined_at) })
    case 'expired': return inv.joined_by ? t('inv_expired_joined', { name: inv.joined_by, date: formatDate(inv.joined_at) }) : t('inv_expired')
    case 'revoked': return t('inv_revoked')
    default: return t('inv_unused')
  }
}

/** Copies a link; where the clipboard is refused, shows it selected in a dialog. */
/** Copies a link (or, with its own words, an address); where the system refuses the
 * clipboard, shows it selected in a dialog to copy by hand. */
export async function copyLink(link: string, words: { copied: Key; manual: Key } = { copied: 'inv_copied', manual: 'inv_copy_manual' }): Promise<void> {
  try {
    await navigator.clipboard.writeText(link)
    announce(t(words.copied), 'notice')
  } catch {
    const field = h('input', { id: 'copy-link-field', readonly: true, value: link, 'aria-label': t(words.manual) })
    openDialog(t(words.manual), [field], { initialFocus: field })
    field.select()
  }
}

export function organisation(ctx: Context): View {
  const event = ctx.event
  let org: OrganisationView | null = null
  const eventsBox = h('section', { class: 'card org-event', 'aria-labelledby': 'org-events-heading' })
  const invitationsBox = h('div', {})
  const devicesBox = h('section', { class: 'card', 'aria-labelledby': 'devices-heading' })
  const sheetStatus = h('p', { class: 'sheet-status', role: 'status', 'aria-live': 'polite' })
  const created = h('div', { class: 'created', role: 'status', 'aria-live': 'polite' })

  // The closing panel's dots per member and theme, set before the plenary (the members' own
  // votes are on the Panel screen). Lowered below what a member gave, those dots stay counted,
  // and the organisers are told who, to ask them back.
  const dotsField = h('input', { id: 'panel-dots', type: 'number', min: '1', max: '99', inputmode: 'numeric', required: true })
  const dotsSave = h('button', { type: 'submit', class: 'secondary', id: 'panel-dots-save' }, t('save'))
  // Checked by the store, which says what is wrong in the interface's language.
  const dotsForm = h('form', { class: 'card panel-dots', 'aria-labelledby': 'panel-dots-heading', novalidate: true },
    h('h2', { id: 'panel-dots-heading' }, t('org_panel_dots_title')),
    h('label', { for: 'panel-dots' }, t('org_panel_dots_label')),
    h('div', { class: 'inline' }, dotsField, dotsSave))
  dotsForm.addEventListener('submit', e => {
    e.preventDefault()
    const dots = Number(dotsField.value)
    void whileBusy([dotsSave], () => api.setPanelDots(event.id, dots))
      .then(over => announce([
        t('org_panel_dots_saved', { n: dots }),
        ...over.map(o => t('org_panel_dots_over', { member: o.member, given: o.given, theme: o.theme })),
      ].join(' '), 'notice', over.length > 0))
      .catch(fail)
  })
  const drawDots = () => api.panelSummary(event.id).then(summary => {
    if (document.activeElement !== dotsField) dotsField.value = String(summary.dots_per_theme)
  })

  // The form to create one invitation: built once, so that choices survive refreshes.
  const role = h('select', { id: 'inv-role' }, ...ROLES.map(r => h('option', { value: r }, roleLabel(r))))
  const byTheme = event.themes.map(th => {
    const sessions = event.sessions.filter(s => s.theme === th.number)
    if (sessions.length === 0) return null
    return h('fieldset', { class: 'theme-group' },
      h('legend', {}, `${th.number}. ${th.title}`),
      ...sessions.map(s => h('label', { class: 'check', for: `inv-session-${s.id}` },
        h('input', { type: 'checkbox', id: `inv-session-${s.id}`, name: 'inv-session', value: s.id }),
        ` ${t('day', { n: s.day })} · ${s.start} · ${s.room ?? s.place}`)))
  })
  const sessionsBox = h('fieldset', { class: 'choice-box', id: 'inv-sessions' },
    h('legend', {}, t('inv_sessions')), h('div', { class: 'choice-scroll' }, ...byTheme))
  const themesBox = h('fieldset', { class: 'choice-box', id: 'inv-themes', hidden: true },
    h('legend', {}, t('inv_themes')),
    h('div', { class: 'choice-scroll' }, ...event.themes.map(th => h('label', { class: 'check', for: `inv-theme-${th.number}` },
      h('input', { type: 'checkbox', id: `inv-theme-${th.number}`, name: 'inv-theme', value: String(th.number) }),
      ` ${th.number}. ${th.title}`))))
  const forWhom = h('input', { id: 'inv-for', autocomplete: 'off' })
  const valid = h('select', { id: 'inv-valid' }, ...VALIDITIES.map(([v, key]) => h('option', { value: v, selected: v === FOR_THE_EVENT }, t(key))))
  const hubs = h('textarea', { id: 'inv-hubs', rows: 2, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'inv-hubs-hint' })
  const formError = h('p', { class: 'field-error', id: 'inv-error', role: 'alert' })
  const form = h('form', { class: 'card invite-form', 'aria-labelledby': 'inv-create-heading', novalidate: true },
    h('h2', { id: 'inv-create-heading' }, t('inv_create')),
    h('label', { for: 'inv-role' }, t('inv_role')), role,
    sessionsBox, themesBox,
    h('label', { for: 'inv-for' }, t('inv_for_whom')), forWhom,
    h('label', { for: 'inv-valid' }, t('inv_validity')), valid,
    h('label', { for: 'inv-hubs' }, t('inv_hubs')), hubs,
    h('p', { id: 'inv-hubs-hint', class: 'muted' }, t('inv_hubs_hint')),
    formError,
    h('button', { type: 'submit', class: 'primary', id: 'inv-create' }, t('inv_create_submit')),
    created)
  const drawRole = () => {
    sessionsBox.hidden = role.value !== 'facilitator'
    themesBox.hidden = role.value !== 'rapporteur'
  }
  role.addEventListener('change', () => { render(formError); drawRole() })
  const hubList = () => hubs.value.split('\n').map(line => line.trim()).filter(Boolean)
  // Filled with the hubs this laptop syncs with or serves, again at each read (serving started
  // in *Salle et clé USB* meanwhile), until the organiser types their own.
  let hubsTyped = false
  hubs.addEventListener('input', () => { hubsTyped = true })
  // The invitations the last *Créer toutes les invitations* gave: the sheet prints those, not
  // every usable one (pressed again for new hub addresses, the former set would print too).
  let lastAll: string[] = []
  const checked = (name: string) => [...form.querySelectorAll<HTMLInputElement>(`input[name=${name}]:checked`)].map(box => box.value)

  let creating = false
  form.addEventListener('submit', e => {
    e.preventDefault()
    const chosen = role.value as Role
    const sessions = chosen === 'facilitator' ? checked('inv-session') : []
    const themes = chosen === 'rapporteur' ? checked('inv-theme').map(Number) : []
    if (chosen === 'facilitator' && sessions.length === 0) return showError(t('inv_need_session'), sessionsBox.querySelector('input'))
    if (chosen === 'rapporteur' && themes.length === 0) return showError(t('inv_need_theme'), themesBox.querySelector('input'))
    render(formError)
    // Pressed twice before the answer, it would make two live invitations for one person.
    if (creating) return
    creating = true
    const submit = form.querySelector<HTMLButtonElement>('button[type=submit]')
    void whileBusy(submit ? [submit] : [], () => api.createInvitation(event.id, { role: chosen, sessions, themes, for: forWhom.value.trim() || null, valid: valid.value, hubs: hubList() }))
      .finally(() => { creating = false })
      .then(async inv => {
        // Made after the set: printed with it.
        if (lastAll.length > 0) lastAll.push(inv.id)
        form.querySelectorAll<HTMLInputElement>('input[type=checkbox]').forEach(box => { box.checked = false })
        forWhom.value = ''
        const linkField = h('input', { id: 'inv-new-link', readonly: true, value: inv.link, 'aria-label': labelled(t('inv_label'), inv.label) })
        render(created,
          h('p', {}, inv.for ? t('inv_created_for', { label: inv.label, for: inv.for }) : t('inv_created', { label: inv.label })),
          h('div', { class: 'inline' }, linkField,
            h('button', { type: 'button', class: 'secondary', onclick: () => void copyLink(inv.link) }, t('inv_copy'))))
        await load()
      })
      .catch(fail)
  })

  function showError(message: string, focus: HTMLElement | null): void {
    render(formError, message)
    focus?.focus()
  }

  const createAll = h('button', { type: 'button', id: 'inv-create-all', class: 'primary', 'aria-describedby': 'inv-create-all-hint' }, t('inv_create_all'))
  createAll.addEventListener('click', () => {
    api.createAllInvitations(event.id, hubList(), valid.value)
      .then(all => {
        lastAll = all.invitations.map(inv => inv.id)
        const kept = all.invitations.length - all.created
        const said = all.created === 0 ? t('inv_created_none', { n: kept })
          : kept === 0 ? t('inv_created_all', { n: all.created }) : t('inv_created_some', { n: all.created, kept })
        announce(said)
        render(sheetStatus, said)
        return load()
      })
      .catch(fail)
  })
  const sheet = h('button', { type: 'button', id: 'inv-sheet', class: 'secondary' }, t('inv_sheet'))
  sheet.addEventListener('click', () => {
    // Of that set, those still usable (one revoked since, a lost card, is left out: the sheet
    // refuses an unusable one); none left: every usable invitation.
    // (Ids not read back yet, the list still loading, are kept: only those known unusable go.)
    const listed = org?.invitations ?? []
    const usable = new Set(usableInvitations(listed).map(inv => inv.id))
    const unusable = new Set(listed.filter(inv => !usable.has(inv.id)).map(inv => inv.id))
    void whileBusy([sheet], () => api.invitationSheet(event.id, lastAll.filter(id => !unusable.has(id)))
      .then(written => {
        const file = written.files.length ? joinPath(written.folder, written.files[0]) : written.folder
        render(sheetStatus, t('inv_sheet_written'), ' ', pathLine(file, written.files.length ? 'file' : 'folder'))
      })
      .catch(fail))
  })

  function drawEvents(): void {
    const item = (e: EventSummary) => h('li', { class: 'event-row', 'data-event': e.id },
      h('span', { class: 'event-row-name' }, e.name, e.practice ? h('span', { class: 'badge practice' }, t('practice')) : null,
        e.id === event.id ? h('span', { class: 'muted' }, ` (${t('org_opened')})`) : null),
      e.id === event.id ? null
        : h('button', { type: 'button', class: 'secondary', 'aria-label': labelled(t('org_open'), e.name), onclick: () => void ctx.selectEvent(e.id).catch(fail) }, t('org_open')),
      h('button', { type: 'button', class: 'danger', 'data-remove': e.id, 'aria-label': t('org_remove_label', { name: e.name }), onclick: () => void remove(e) }, t('org_remove')))
    render(eventsBox,
      h('h2', { id: 'org-events-heading' }, t('org_events_here')),
      h('ul', { class: 'plain events' }, ...ctx.events.map(item)),
      org && !org.holds_key ? h('p', { class: 'warning' }, t('org_no_key')) : null)
  }

  async function remove(e: EventSummary): Promise<void> {
    const yes = await confirmDialog({
      title: t('org_remove_title', { name: e.name }), message: t('org_remove_text', { name: e.name }), confirm: t('org_remove'), danger: true,
    })
    if (!yes) return
    try {
      await api.removeEvent(e.id)
      if (localStorage.getItem('recolte.event') === e.id) localStorage.removeItem('recolte.event')
      announce(t('org_removed', { name: e.name }))
      await ctx.reload()
    } catch (error) {
      fail(error)
    }
  }

  /** An invitation in words: what it is for, and for whom when it is someone's (two for one
   * session differ by the person only). */
  const named = (inv: Invitation): string => (inv.for ? `${inv.label} (${inv.for})` : inv.label)

  async function revoke(inv: Invitation): Promise<void> {
    const yes = await confirmDialog({
      // Served from this laptop, the room's hub refuses it at once; elsewhere, once synced.
      title: t('inv_revoke_title', { label: named(inv) }), message: t(servingInfo()?.serving ? 'inv_revoke_text_serving' : 'inv_revoke_text'), confirm: t('inv_revoke'), danger: true,
    })
    if (!yes) return
    try {
      await api.revokeInvitation(event.id, inv.id)
      announce(t('inv_revoked_done', { label: named(inv) }))
      await load()
      // The keyboard goes on down the list: the next invitation that can still be revoked.
      const rows = [...invitationsBox.querySelectorAll<HTMLElement>('tr[data-invitation]')]
      const at = rows.findIndex(row => row.dataset.invitation === inv.id)
      const next = [...rows.slice(at + 1), ...rows.slice(0, Math.max(at, 0))].map(row => row.querySelector<HTMLElement>('[data-revoke]')).find(Boolean)
      ;(next ?? invitationsBox.querySelector<HTMLElement>('.table-scroll'))?.focus()
    } catch (error) {
      fail(error)
    }
  }

  function drawInvitations(list: Invitation[]): void {
    const rows = list.map(inv => h('tr', { 'data-invitation': inv.id, class: `state-${inv.state}` },
      h('th', { scope: 'row' }, inv.label, h('span', { class: 'muted role' }, roleLabel(inv.role))),
      h('td', {}, inv.for ?? '—'),
      h('td', {}, formatDate(inv.expires_at)),
      h('td', {}, h('span', { class: `inv-state inv-${inv.state}` }, invitationState(inv))),
      h('td', { class: 'actions' },
        inv.state === 'revoked' || inv.state === 'expired' ? null
          : h('button', { type: 'button', class: 'secondary', 'data-copy': inv.id, 'data-focus': `copy:${inv.id}`, 'aria-label': t('inv_copy_label', { label: named(inv) }), onclick: () => void copyLink(inv.link) }, t('inv_copy')),
        inv.state === 'revoked' || inv.state === 'expired' ? null
          : h('button', { type: 'button', class: 'danger', 'data-revoke': inv.id, 'data-focus': `revoke:${inv.id}`, 'aria-label': t('inv_revoke_label', { label: named(inv) }), onclick: () => void revoke(inv) }, t('inv_revoke')))))
    keepingFocus(invitationsBox, () => render(invitationsBox, list.length === 0 ? h('p', { class: 'muted' }, t('inv_none')) : h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'invitations-heading' },
      h('table', { class: 'invitations' },
        h('thead', {}, h('tr', {}, ...(['inv_label', 'inv_for', 'inv_valid', 'inv_state', 'inv_actions'] as Key[]).map(k => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, ...rows)))))
  }

  function drawDevices(): void {
    const devices = org?.devices ?? []
    render(devicesBox,
      h('h2', { id: 'devices-heading' }, `${t('devices')} (${devices.length})`),
      devices.length === 0 ? h('p', { class: 'muted' }, t('devices_none')) : h('table', { class: 'devices' },
        h('thead', {}, h('tr', {}, ...(['dev_name', 'dev_role', 'dev_when'] as Key[]).map(k => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, ...devices.map(d => h('tr', {},
          h('th', { scope: 'row' }, d.name || d.device),
          h('td', {}, roleLabel(d.role)),
          h('td', {}, formatDate(d.joined_at)))))))
  }

  async function load(): Promise<void> {
    org = await api.organisation(event.id)
    if (!hubsTyped) hubs.value = org.suggested_hubs.join('\n')
    drawEvents()
    drawInvitations(org.invitations)
    drawDevices()
  }

  let tab: OrgTab = (sessionStorage.getItem('recolte.org-tab') as OrgTab) || 'invitations'
  if (!ORG_TABS.some(([k]) => k === tab)) tab = 'invitations'
  let board: Board | null = null
  const panel = h('div', { class: 'org-panel', id: 'org-panel' })
  const subnav = h('nav', { class: 'subnav', 'aria-label': t('org_subnav') })

  function drawSubnav(): void {
    keepingFocus(subnav, () => render(subnav, ...ORG_TABS.map(([key, label]) => h('button', {
      type: 'button', class: 'subtab', 'data-org-tab': key, 'data-focus': `org-tab:${key}`, 'aria-current': key === tab ? 'true' : null,
      onclick: () => { if (key !== tab) void switchTo(key).catch(fail) },
    }, t(label)))))
  }

  async function switchTo(next: OrgTab): Promise<void> {
    tab = next
    sessionStorage.setItem('recolte.org-tab', next)
    drawSubnav()
    await drawTab()
  }

  async function drawTab(): Promise<void> {
    board?.stop()
    board = null
    if (tab === 'arrivals') {
      board = arrivalsBoard(event.id)
      render(panel, board.element)
      await board.start()
    } else if (tab === 'room') {
      render(panel, h('div', { class: 'org-columns' }, await serveBox(event.id, org?.holds_key ?? false), bundleBox(event.id)))
    } else {
      // Drawn from what was read at mount before the screen is shown: filled only once
      // `load` answered, the boxes grew under the pointer, and a click meant for the exports
      // below them landed elsewhere.
      if (org) {
        drawEvents()
        drawInvitations(org.invitations)
        drawDevices()
      }
      render(panel,
        eventsBox,
        org?.holds_key ? h('section', { class: 'card', 'aria-labelledby': 'invitations-heading' },
          h('h2', { id: 'invitations-heading' }, t('invitations')),
          h('div', { class: 'row' }, createAll, sheet),
          h('p', { id: 'inv-create-all-hint', class: 'muted' }, t('inv_create_all_hint')),
          sheetStatus, invitationsBox) : null,
        org?.holds_key ? h('div', { class: 'org-columns' }, form, h('div', {}, devicesBox, dotsForm, exportBox(event.id, () => undefined)))
          : h('div', { class: 'org-columns' }, dotsForm, exportBox(event.id, () => undefined)))
      await load()
      await drawDots()
    }
  }

  return {
    async mount(root) {
      org = await api.organisation(event.id)
      if (!hubsTyped) hubs.value = org.suggested_hubs.join('\n')
      drawRole()
      const current = ctx.events.find(e => e.id === event.id)
      drawSubnav()
      render(root, h('div', { class: 'organisation' },
        h('div', { class: 'org-head' },
          h('h2', { id: 'org-heading' }, t('org_heading', { name: event.name }),
            current?.practice ? h('span', { class: 'badge practice' }, t('practice')) : null)),
        subnav, panel))
      await drawTab()
    },
    async refresh() {
      if (tab === 'invitations') {
        await load()
        await drawDots()
      }
    },
    unmount() {
      board?.stop()
      board = null
    },
  }
}
