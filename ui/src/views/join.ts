// Joining with an invitation link: paste it (or the system opens the app with it), see what
// it opens, give one's name, join. Used on the welcome screen and in a dialog once the
// device already holds events.
import { api, errorMessage, type InvitationPreview, type JoinResult, type Role } from '../api'
import { announce, h, render } from '../dom'
import { formatDate, t, type Key } from '../i18n'
import { reasonWords } from '../rights'
import { longest } from '../limits'

const ROLES: readonly string[] = ['organiser', 'facilitator', 'rapporteur', 'panel'] satisfies Role[]
/** A role as people read it; one this version does not know (written by a newer device) as it came. */
export const roleLabel = (role: string | null): string =>
  (role ? (ROLES.includes(role) ? t(`role_${role}` as Key) : role) : '—')

export interface JoinBox {
  element: HTMLElement
  focus(): void
}

/** `titled`: false inside a dialog, whose own title says it already. */
export function joinBox(options: { link: string; author: string; titled?: boolean; onJoined: (event: string) => Promise<void> }): JoinBox {
  const titled = options.titled ?? true
  let preview: InvitationPreview | null = null
  let asked = 0
  let nameTouched = false
  const link = h('textarea', {
    id: 'invite-link', rows: 2, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'invite-link-hint',
  })
  link.value = options.link
  const shown = h('div', { id: 'invite-preview', class: 'invite-preview', role: 'status', 'aria-live': 'polite' })
  const name = h('input', {
    id: 'invite-name', maxlength: longest('name'), autocomplete: 'name', required: true, 'aria-describedby': 'invite-name-error', value: options.author,
  })
  const nameError = h('p', { id: 'invite-name-error', class: 'field-error' })
  const nameBox = h('div', { hidden: true }, h('label', { for: 'invite-name' }, t('display_name')), name, nameError)
  const progress = h('progress', { hidden: true, 'aria-label': t('invite_joining') })
  const progressText = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' })
  const problem = h('div', { class: 'invite-error', role: 'alert' })
  const submit = h('button', { type: 'submit', id: 'invite-join', class: 'primary', disabled: true }, t('join'))
  const form = h('form', {
    id: 'invite-form', class: titled ? 'card join-invite' : 'join-invite', novalidate: true,
    'aria-labelledby': titled ? 'invite-title' : null, 'aria-label': titled ? null : t('join_invite_title'),
  },
    titled ? h('h2', { id: 'invite-title' }, t('join_invite_title')) : null,
    h('label', { for: 'invite-link' }, t('invite_link')), link,
    h('p', { id: 'invite-link-hint', class: 'muted' }, t('invite_link_hint')),
    shown, nameBox, problem, progress, progressText, submit)

  name.addEventListener('input', () => {
    nameTouched = true
    if (name.value.trim()) { render(nameError); name.removeAttribute('aria-invalid') }
  })

  function drawPreview(p: InvitationPreview): void {
    const row = (key: Key, value: string) => [h('dt', {}, t(key)), h('dd', {}, value)]
    render(shown,
      h('h3', {}, t('invite_opens')),
      h('dl', { class: 'facts' },
        ...row('invite_event', p.event_name),
        ...row('invite_role', roleLabel(p.role)),
        ...row('inv_label', p.label),
        ...(p.for ? row('invite_for', p.for) : []),
        ...row('invite_valid_until', formatDate(p.expires_at))),
      p.expired ? h('p', { class: 'warning' }, t('invite_expired', { date: formatDate(p.expires_at) })) : null,
      p.organiser_device && !p.expired ? h('p', { class: 'notice' }, t('invite_organiser_device')) : null)
    // The organiser's device keeps its own name: the invitation's is someone else's.
    nameBox.hidden = p.expired || p.organiser_device
    submit.disabled = p.expired
    render(submit, t(p.organiser_device ? 'invite_sync_here' : 'join'))
    if (!nameTouched && p.for) name.value = p.for
  }

  async function read(): Promise<void> {
    const text = link.value.trim()
    asked += 1
    const mine = asked
    preview = null
    submit.disabled = true
    nameBox.hidden = true
    render(problem)
    if (!text) { render(shown); return }
    render(shown, h('p', { class: 'muted' }, t('invite_reading')))
    try {
      const found = await api.previewInvitation(text)
      if (mine !== asked) return
      preview = found
      drawPreview(found)
    } catch (error) {
      if (mine !== asked) return
      render(shown, h('p', { class: 'warning' }, t('invite_invalid', { message: errorMessage(error) })))
    }
  }

  let timer: number | undefined
  link.addEventListener('input', () => {
    window.clearTimeout(timer)
    timer = window.setTimeout(() => void read(), 200)
  })

  form.addEventListener('submit', e => {
    e.preventDefault()
    if (!preview || preview.expired) return
    if (!preview.organiser_device && !name.value.trim()) {
      render(nameError, t('invite_name_required'))
      name.setAttribute('aria-invalid', 'true')
      name.focus()
      return
    }
    void join()
  })

  // After a join that ended with nothing received: the way to open its event once it arrives.
  let awaited: { event: string, open: () => HTMLElement } | null = null
  problem.addEventListener(ARRIVED, () => void (async () => {
    const waiting = awaited
    if (!waiting || problem.querySelector('.event-arrived')) return
    // Something changed in the store: its event, or another's (the join from a dialog).
    const here = await api.events().catch(() => [])
    if (awaited !== waiting || !here.some(e => e.id === waiting.event) || problem.querySelector('.event-arrived')) return
    problem.append(h('p', { class: 'event-arrived' }, t('invite_event_arrived')), waiting.open())
    submit.classList.replace('primary', 'secondary')
    announce(t('invite_event_arrived'))
  })())

  async function join(): Promise<void> {
    awaited = null
    render(problem)
    progress.hidden = false
    render(progressText, t('invite_joining'))
    form.setAttribute('aria-busy', 'true')
    submit.disabled = true
    try {
      // An event already on this device did not « arrive meanwhile » when the join fails.
      const heldBefore = preview !== null && (await api.events().catch(() => [])).some(e => e.id === preview?.event_id)
      const result = await api.join(link.value.trim(), preview?.organiser_device ? '' : name.value.trim())
      localStorage.setItem('recolte.event', result.event)
      if (result.error) {
        // What was received is there to open: that becomes the way on, and the keyboard goes to it.
        const openButton = () => h('button', { type: 'button', class: 'primary', onclick: () => void options.onJoined(result.event) }, t('invite_open_event'))
        const open = result.pulled || heldBefore ? openButton() : null
        // Nothing received yet: background sync keeps trying, and when the event arrives
        // (the app says so, see `eventArrived`) it becomes the way on, said, not forced.
        awaited = open ? null : { event: result.event, open: openButton }
        const here = heldBefore && !result.pulled ? h('p', { class: 'event-here' }, t('invite_event_here')) : null
        // It may have arrived while the join ran (background sync goes on meanwhile).
        if (awaited) problem.dispatchEvent(new CustomEvent(ARRIVED))
        render(problem,
          h('p', {}, `${reasonWords(result.error.code)} — ${result.error.message}`),
          h('p', {}, t('invite_join_error')),
          ...formerWords(result).map(words => h('p', {}, words)),
          here,
          open)
        submit.classList.toggle('secondary', Boolean(open))
        submit.classList.toggle('primary', !open)
        open?.focus()
        return
      }
      // What the former invitation left behind (to carry on a USB key) stays until closed.
      const former = formerWords(result)
      announce([t(result.as_organiser ? 'invite_kept_organiser' : 'invite_joined'), ...former].join(' '), 'notice', former.length > 0)
      await options.onJoined(result.event)
    } catch (error) {
      render(problem, h('p', {}, t('error_prefix') + errorMessage(error)))
    } finally {
      progress.hidden = true
      render(progressText)
      form.removeAttribute('aria-busy')
      submit.disabled = !preview || preview.expired
      // The disabled button let the keyboard go: back to the form, unless the page moved on.
      const lost = !document.activeElement || document.activeElement === document.body
      if (lost && form.isConnected) (submit.disabled ? link : submit).focus()
    }
  }

  const first = options.link ? read() : Promise.resolve()
  return {
    element: form,
    focus() {
      void first.then(() => (nameBox.hidden ? link : name).focus())
    },
  }
}

/** What the invitation this device synced with before leaves: changes kept aside to go with it,
 * and those it can no longer share (expired or revoked), which a bundle carries. */
function formerWords(result: JoinResult): string[] {
  return [
    result.left_behind ? t('invite_left_behind', { n: result.left_behind }) : null,
    result.stranded ? t('invite_stranded', { n: result.stranded }) : null,
  ].filter((words): words is string => words !== null)
}

const ARRIVED = 'recolte-event-arrived'

/** Tells a join that ended on an error with nothing received that the store changed: if its
 * event is there now (background sync went on trying), the join offers to open it. */
export function eventArrived(root: ParentNode): void {
  root.querySelector('.invite-error:not(:empty)')?.dispatchEvent(new CustomEvent(ARRIVED))
}
