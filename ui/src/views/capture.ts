// The facilitator's screen: pick the session, watch its clock, capture proposals as fast as
// people speak, edit them in place, sort them by sub-group. Only the sessions this device may
// write are offered for capture; those it may only read are listed apart, without controls.
import { api, errorMessage, type Kind, type Proposal, type SessionInfo, type Subgroup } from '../api'
import { covered, promptDialog } from '../dialog'
import { announce, h, keepingFocus, render, say, showSaved } from '../dom'
import { type Key, labelled, quoted, t } from '../i18n'
import { sessionAccess } from '../rights'
import { sessionClock } from './session-clock'
import { openHistory } from '../history'
import { openSessionMoment } from '../moment'
import { undoControls } from '../undo'
import { liveSaver } from '../live-save'
import type { Context, View } from '../app'
import { longest } from '../limits'

export const KINDS: Kind[] = ['proposal', 'concrete_action', 'obstacle', 'question']
export const kindLabel = (kind: Kind): string => t(`kind_${kind}` as Key)

function fail(error: unknown): void {
  announce(t('error_prefix') + errorMessage(error), 'error')
}

export function sessionLabel(s: SessionInfo): string {
  return `${t('day', { n: s.day })} ${s.start} — ${s.theme}. ${s.theme_title}`
}

// What is typed in the capture box and not saved yet, per session: a screen drawn anew keeps
// it (the event's record or this device's rights arriving from the first sync redraw the whole
// screen, as another screen and back does; what was typed so far was lost, and the rest of the
// title went on in an empty box).
/** Tags as typed in a field: separated by commas (the store splits on semicolons too). */
function tagList(typed: string): string[] {
  return typed.split(',').map(tag => tag.trim()).filter(Boolean)
}

interface Draft { title: string; body: string; kind: string; subgroup: string; tags: string }
const drafts = new Map<string, Draft>()
// The capture box on screen: a save that fails after its screen was drawn anew puts its text
// back there (that box read the session's draft when it was drawn, and writes it at each key).
let shownBox: ((into: string, title: string, body: string) => boolean) | null = null

export function capture(ctx: Context): View {
  const writable = ctx.event.sessions.filter(s => sessionAccess(ctx.access, s.id) === 'write')
  const readable = ctx.event.sessions.filter(s => sessionAccess(ctx.access, s.id) === 'read')
  const sessions = [...writable, ...readable]
  if (sessions.length === 0) {
    return {
      async mount(root) { render(root, h('p', { class: 'muted empty' }, t('no_session'))) },
      async refresh() {},
    }
  }
  let session: SessionInfo = sessions.find(s => s.id === localStorage.getItem('recolte.session')) ?? sessions[0]
  /** Whether the chosen session may be written from this device. */
  const canWrite = () => sessionAccess(ctx.access, session.id) === 'write'
  let subgroups: Subgroup[] = []
  let proposals: Proposal[] = []
  let filterGroup = ''
  let filterKind = ''
  const cards = new Map<string, HTMLElement>()
  // The tags each card's field was last drawn from: a read that brings the same tags leaves
  // the field (and what is being typed in it) alone.
  const cardTags = new Map<string, string[]>()
  const saver = liveSaver()

  const picker = h('select', { id: 'session-picker' })
  // The clock is the session's, shared by its facilitators: read from the backend about once a second.
  const clock = sessionClock({
    session: () => session, canWrite, fail, practice: () => ctx.events.some(e => e.id === ctx.event.id && e.practice),
  })
  const others = h('p', { class: 'presence muted', 'aria-live': 'polite' })
  let presenceTimer: number | undefined
  // Until the screen goes: a save answering after it no longer writes into its box or drafts.
  let mounted = true
  // The list re-renders on every change; the form to add a sub-group never does, so that a
  // name being typed survives changes arriving from elsewhere.
  const groupsList = h('ul', { class: 'plain' })
  const newGroupName = h('input', { id: 'new-subgroup', maxlength: longest('name'), 'aria-label': t('subgroup_name'), placeholder: t('subgroup_name') })
  const newGroupForm = h('form', { class: 'inline' }, newGroupName, h('button', { type: 'submit' }, t('add_subgroup')))
  const groupsBox = h('div', { class: 'subgroups' }, h('h3', {}, t('subgroups')), groupsList, newGroupForm)
  // Not a live region: each save would read the whole card again (its kinds, its sub-groups);
  // a capture is announced by its title instead.
  const list = h('div', { class: 'cards' })
  const kindFilter = h('select', { id: 'filter-kind', 'aria-label': t('kind') })
  const title = h('input', { id: 'capture-title', maxlength: longest('title'), autocomplete: 'off', 'aria-describedby': 'capture-hint' })
  const body = h('textarea', { id: 'capture-body', maxlength: longest('body'), rows: 2 })
  const kind = h('select', { id: 'capture-kind' })
  const group = h('select', { id: 'capture-subgroup' })
  const tags = h('input', { id: 'capture-tags', autocomplete: 'off' })

  for (const k of KINDS) kind.appendChild(h('option', { value: k }, kindLabel(k)))
  kindFilter.appendChild(h('option', { value: '' }, t('filter_all')))
  for (const k of KINDS) kindFilter.appendChild(h('option', { value: k }, kindLabel(k)))
  kindFilter.addEventListener('change', () => { filterKind = kindFilter.value; drawCards() })

  let days = 0
  let optgroup: HTMLOptGroupElement | null = null
  for (const s of writable) {
    const key = s.day * 10_000 + Number(s.start.replace(':', ''))
    if (key !== days) {
      days = key
      optgroup = h('optgroup', { label: `${t('day', { n: s.day })} · ${s.start}` })
      picker.appendChild(optgroup)
    }
    // The day and time in the option too: a closed picker shows only the option, and a theme's
    // four sessions differ by nothing else.
    optgroup?.appendChild(h('option', { value: s.id, selected: s.id === session.id }, sessionLabel(s)))
  }
  // Sessions this device may only read: apart, and said so in their label.
  if (readable.length) {
    picker.appendChild(h('optgroup', { label: t('read_only'), 'data-read-only': '' },
      ...readable.map(s => h('option', { value: s.id, selected: s.id === session.id }, `${sessionLabel(s)} (${t('read_only')})`))))
  }
  const readOnlyNote = h('p', { class: 'read-only-note', id: 'read-only-note' }, t('read_only_session'))
  picker.addEventListener('change', () => {
    session = sessions.find(s => s.id === picker.value) ?? session
    showDraft()
    localStorage.setItem('recolte.session', session.id)
    // A sub-group of the session left: its filter would hide every card of this one.
    filterGroup = ''
    cards.clear()
    render(list)
    clock.reset()
    drawMode()
    void load().catch(fail)
  })

  newGroupForm.addEventListener('submit', e => {
    e.preventDefault()
    if (!newGroupName.value.trim()) return
    api.addSubgroup(session.id, newGroupName.value)
      // The first sub-group becomes the one proposals go to; adding the next ones (all of them are
      // usually added at the start) leaves the one chosen as it is.
      // (after the list is drawn again with it: a value set before its option exists is lost).
      .then(async id => {
        newGroupName.value = ''
        const chosen = group.value
        await load()
        if (!chosen) { group.value = id; keepDraft() }
      })
      .then(() => newGroupName.focus())
      .catch(fail)
  })

  function drawGroups(): void {
    drawGroupChoice()
    const live = proposals.filter(p => !p.deleted)
    const items = [
      h('li', {}, h('button', { type: 'button', class: 'filter', 'aria-pressed': filterGroup === '' ? 'true' : 'false', 'data-focus': 'group-filter:',
        onclick: () => { filterGroup = ''; drawGroups(); drawCards() } }, `${t('filter_all')} (${live.length})`)),
      ...subgroups.map(g => {
        const count = live.filter(p => p.subgroup === g.id).length
        return h('li', {},
          h('button', { type: 'button', class: 'filter', 'aria-pressed': filterGroup === g.id ? 'true' : 'false', 'data-focus': `group-filter:${g.id}`,
            onclick: () => { filterGroup = g.id; drawGroups(); drawCards() } }, t('count_per_subgroup', { name: g.name, n: count })),
          canWrite() ? h('button', { type: 'button', class: 'link', 'aria-label': `${t('rename')} ${g.name}`, 'data-focus': `group-rename:${g.id}`, onclick: () => renameGroup(g) }, t('rename')) : null)
      }),
    ]
    // A filter pressed, or a sub-group renamed, keeps the keyboard on its button.
    keepingFocus(groupsList, () => render(groupsList, ...items))
  }

  /** The capture box's sub-group choice, rebuilt only when the sub-groups changed: every save
   * redraws the screen, and a rebuilt list closes under the hand of someone choosing in it (and
   * sends a screen reader back to its top). */
  let groupChoices = ''
  // A draft's sub-group, to choose once the session's sub-groups are drawn.
  let wantedGroup = ''
  function drawGroupChoice(): void {
    const choices = JSON.stringify(subgroups.map(g => [g.id, g.name]))
    if (choices === groupChoices) return
    groupChoices = choices
    const selected = wantedGroup || group.value
    wantedGroup = ''
    render(group, h('option', { value: '' }, t('no_subgroup')), ...subgroups.map(g => h('option', { value: g.id }, g.name)))
    group.value = subgroups.some(g => g.id === selected) ? selected : ''
    keepDraft()
  }

  function renameGroup(g: Subgroup): void {
    void promptDialog({ title: labelled(t('rename'), g.name), label: t('subgroup_name'), value: g.name, submit: t('rename') }).then(name => {
      if (name && name.trim()) api.renameSubgroup(session.id, g.id, name).then(load).catch(fail)
    })
  }

  /** Saves a text field of a card a moment after the typing stops (or at once on blur), with the
   * text it stood on (`LiveSaver.text`). */
  function saveSoon(id: string, field: 'title' | 'body', value: string, now = false): void {
    saver.text(`${id}:${field}`, value, (text, base) =>
      api.editProposal(id, field === 'title' ? { title: text, title_base: base } : { body: text, body_base: base })
        .catch(error => { fail(error); throw error }), now)
  }

  function card(p: Proposal): HTMLElement {
    // Drawn anew while its typing waits to be saved (a filter, the session chosen again): the
    // typing, not the read, which is older.
    const shownTitle = saver.typed(`${p.id}:title`) ?? p.title
    const shownBody = saver.typed(`${p.id}:body`) ?? p.body
    const titleField = h('input', { class: 'card-title', maxlength: longest('title'), value: shownTitle, 'aria-label': t('title'), 'data-field': 'title', 'data-live-save': '' })
    const bodyField = h('textarea', { class: 'card-body', maxlength: longest('body'), rows: 2, value: shownBody, 'aria-label': t('body'), 'data-field': 'body', 'data-live-save': '' })
    bodyField.value = shownBody
    saver.stands(`${p.id}:title`, p.title)
    saver.stands(`${p.id}:body`, p.body)
    // A title being retyped is not saved empty (an error, said at the top of the window), nor
    // its last letter left waiting (saved a moment later, it came back under the caret).
    titleField.addEventListener('input', () => {
      if (titleField.value.trim()) saveSoon(p.id, 'title', titleField.value)
      else saver.cancel(`${p.id}:title`)
    })
    titleField.addEventListener('blur', () => { if (titleField.value.trim()) saveSoon(p.id, 'title', titleField.value, true) })
    bodyField.addEventListener('input', () => saveSoon(p.id, 'body', bodyField.value))
    bodyField.addEventListener('blur', () => saveSoon(p.id, 'body', bodyField.value, true))
    const kindField = h('select', { 'aria-label': t('kind'), 'data-field': 'kind' })
    for (const k of KINDS) kindField.appendChild(h('option', { value: k, selected: k === p.kind }, kindLabel(k)))
    kindField.addEventListener('change', () => api.editProposal(p.id, { kind: kindField.value as Kind }).catch(fail))
    const groupField = h('select', { 'aria-label': t('subgroup'), 'data-field': 'subgroup' })
    fillGroups(groupField, p.subgroup)
    groupField.addEventListener('change', () => api.editProposal(p.id, { subgroup: groupField.value }).catch(fail))
    // The capture box keeps its tags for the next proposal: a run captured with tags meant for
    // one is put right here, card by card (saved when the field is left, or on Enter).
    const tagsField = h('input', {
      class: 'card-tags', 'aria-label': labelled(t('card_tags'), p.title), 'data-field': 'tags', autocomplete: 'off',
      value: p.tags.join(', '), placeholder: t('card_tags'), title: t('tags'),
    })
    tagsField.addEventListener('change', () => {
      const wanted = tagList(tagsField.value)
      const stored = cardTags.get(p.id) ?? p.tags
      if (JSON.stringify(wanted) !== JSON.stringify(stored)) api.editProposal(p.id, { tags: wanted }).catch(fail)
    })
    const remove = h('button', { type: 'button', class: 'danger', 'aria-label': `${t('delete')} ${quoted(p.title)}` }, t('delete'))
    remove.addEventListener('click', () => {
      // The keyboard goes to the toast's Annuler (Enter takes the deletion back), then, when
      // the toast goes, to the capture box: not into another card's title, where what is
      // typed next would be saved into that proposal.
      const had = document.activeElement === remove
      api.setProposalDeleted(p.id, true).then(async () => {
        await load()
        showUndo(p.title, () => api.setProposalDeleted(p.id, false), had)
      }).catch(fail)
    })
    const history = h('button', {
      type: 'button', class: 'secondary', 'aria-haspopup': 'dialog', 'aria-label': labelled(t('history'), p.title),
      onclick: () => openHistory(p.id, titleField.value, load),
    }, t('history'))
    const info = h('span', { class: 'card-info', 'data-info': '' })
    drawInfo(info, p)
    cardTags.set(p.id, p.tags)
    return h('article', { class: 'card proposal', 'data-id': p.id },
      titleField, bodyField,
      h('div', { class: 'meta' }, kindField, groupField, tagsField, info, history, remove))
  }

  /** A card's sub-group choice: the session's sub-groups as they are now (one added, renamed
   * or removed since the card was drawn included), the proposal's own selected. */
  function fillGroups(field: HTMLSelectElement, selected: string | null): void {
    const wanted = ['', ...subgroups.map(g => `${g.id}\u0000${g.name}`)]
    const drawn = [...field.options].map(o => o.value ? `${o.value}\u0000${o.textContent ?? ''}` : '')
    // (JSON, not a join: with no sub-group, [''] and an empty list would read the same.)
    if (JSON.stringify(wanted) !== JSON.stringify(drawn)) {
      render(field, h('option', { value: '' }, t('no_subgroup')), ...subgroups.map(g => h('option', { value: g.id }, g.name)))
    }
    field.value = selected && subgroups.some(g => g.id === selected) ? selected : ''
  }

  /** What a card shows of a proposal besides its fields: its author, and whether a
   * rapporteur merged it (which can happen on another device while the card is shown). */
  function drawInfo(info: HTMLElement, p: Proposal): void {
    render(info,
      p.author ? h('span', { class: 'muted' }, p.author) : null,
      p.merged_into.length ? h('span', { class: 'badge' }, t('merged_badge')) : null)
  }

  /** A proposal as text only: for sessions this device may read but not write. */
  function readCard(p: Proposal): HTMLElement {
    return h('article', { class: 'card proposal read-only', 'data-id': p.id },
      h('h3', { class: 'card-title' }, p.title),
      p.body ? h('p', { class: 'card-body' }, p.body) : null,
      h('p', { class: 'meta muted' }, kindLabel(p.kind),
        p.subgroup_name ? ` · ${p.subgroup_name}` : '',
        p.tags.length ? ` · ${p.tags.map(tag => `#${tag}`).join(' ')}` : '',
        p.author ? ` · ${p.author}` : '',
        p.merged_into.length ? h('span', { class: 'badge' }, t('merged_badge')) : null))
  }

  function showUndo(what: string, undo: () => Promise<unknown>, focus: boolean): void {
    const button = h('button', {
      type: 'button', 'aria-label': labelled(t('undo'), what),
      onclick: () => { toast.remove(); undo().then(load).then(() => title.focus()).catch(fail) },
    }, t('undo'))
    const toast = h('div', { class: 'toast', role: 'status' }, t('deleted'), ' ', button)
    const leave = () => {
      const hadFocus = toast.contains(document.activeElement)
      toast.remove()
      if (hadFocus || !document.activeElement || document.activeElement === document.body) title.focus()
    }
    toast.addEventListener('keydown', e => { if (e.key === 'Escape') { e.preventDefault(); leave() } })
    document.querySelectorAll('.toast').forEach(old => old.remove())
    document.body.appendChild(toast)
    if (focus || !document.activeElement || document.activeElement === document.body) button.focus()
    window.setTimeout(leave, 8000)
  }

  function drawCards(): void {
    // Newest first: what was just said stays next to the capture box.
    const visible = proposals
      .filter(p => !p.deleted && (!filterGroup || p.subgroup === filterGroup) && (!filterKind || p.kind === filterKind))
      .reverse()
    // Nothing in the session, or nothing the filters leave: each said as it is.
    const filtered = proposals.some(p => !p.deleted)
    if (!canWrite()) {
      render(list, ...(visible.length ? visible.map(readCard) : [h('p', { class: 'muted empty' }, t(filtered ? 'empty_filtered' : 'empty_session_read'))]))
      return
    }
    const seen = new Set<string>()
    const ordered: HTMLElement[] = []
    for (const p of visible) {
      seen.add(p.id)
      let element = cards.get(p.id)
      if (!element) {
        element = card(p)
        cards.set(p.id, element)
      } else {
        // Live updates from other devices: values change under the user's caret, not the caret.
        const titleField = element.querySelector<HTMLInputElement>('[data-field=title]')
        const bodyField = element.querySelector<HTMLTextAreaElement>('[data-field=body]')
        for (const [field, stored] of [[titleField, p.title], [bodyField, p.body]] as const) {
          if (!field) continue
          const key = `${p.id}:${field.dataset.field}`
          // Waiting to be saved, or a title emptied under the caret to be retyped: left as it is.
          if (saver.waiting(key) || (document.activeElement === field && !field.value.trim())) continue
          // Shown (or already there, but for a trailing space): what the field now stands on.
          showSaved(field, stored, false)
          saver.stands(key, stored)
        }
        const kindField = element.querySelector<HTMLSelectElement>('[data-field=kind]')
        if (kindField && document.activeElement !== kindField) kindField.value = p.kind
        const groupField = element.querySelector<HTMLSelectElement>('[data-field=subgroup]')
        if (groupField && document.activeElement !== groupField) fillGroups(groupField, p.subgroup)
        const tagsField = element.querySelector<HTMLInputElement>('[data-field=tags]')
        if (tagsField && document.activeElement !== tagsField && JSON.stringify(cardTags.get(p.id)) !== JSON.stringify(p.tags)) {
          tagsField.value = p.tags.join(', ')
        }
        cardTags.set(p.id, p.tags)
        const info = element.querySelector<HTMLElement>('[data-info]')
        if (info) drawInfo(info, p)
      }
      ordered.push(element)
    }
    for (const id of [...cards.keys()]) if (!seen.has(id)) { cards.delete(id); cardTags.delete(id) }
    if (ordered.length === 0) render(list, h('p', { class: 'muted empty' }, t(filtered ? 'empty_filtered' : 'empty_session')))
    else {
      // Keep the elements (and the focus inside them); only reorder. Cards that left go first:
      // left in place, they made every card after them move, and a card moved loses the focus
      // (what was typed next in it went nowhere).
      const kept = new Set<Element>(ordered)
      for (const child of [...list.children]) if (!kept.has(child)) child.remove()
      keepingFocus(list, () => {
        ordered.forEach((element, i) => { if (list.children[i] !== element) list.insertBefore(element, list.children[i] ?? null) })
      })
    }
  }

  async function drawPresence(): Promise<void> {
    const names = await api.presence(ctx.event.id, session.id)
    say(others, names.length ? t('also_here', { names: names.join(', ') }) : '')
  }

  // Ctrl+Z undoes this device's own changes to the session on screen.
  const undo = undoControls({ event: ctx.event.id, place: () => canWrite() ? { session: session.id } : null, flush: saver.flush, after: load })

  async function load(): Promise<void> {
    void drawPresence().catch(() => {})
    void undo.refresh().catch(() => {})
    const asked = session.id
    const view = await api.sessionView(ctx.event.id, asked)
    // Answered after another session was chosen (the commands run on several threads), or
    // after the screen went: drawn, it would show that session's cards and sub-groups here.
    if (asked !== session.id || !mounted) return
    performance.mark('recolte:session-view')
    subgroups = view.subgroups
    proposals = view.proposals
    drawGroups()
    drawCards()
    performance.mark('recolte:cards')
    await clock.refresh()
  }

  let submitting = false

  /** Saves what the box holds. The box is emptied at once, before the save answers, so that the
   * next title can be typed straight away (typed during the save, it was wiped after it); a
   * second Enter meanwhile does not save it twice; a save that fails puts the text back. */
  async function submit(): Promise<void> {
    if (!canWrite() || submitting) return
    if (!title.value.trim()) { title.focus(); return }
    const proposal = {
      title: title.value, body: body.value, kind: kind.value as Kind, subgroup: (wantedGroup || group.value) || null,
      tags: tagList(tags.value),
    }
    submitting = true
    const into = session.id
    title.value = ''
    body.value = ''
    keepDraft()
    title.focus()
    try {
      await api.addProposal(into, proposal)
    } catch (error) {
      // Not saved: back in its session's box, or in its draft when another session is chosen
      // or the screen was drawn anew meanwhile; unless something else was typed there since.
      const box = mounted ? putBack : shownBox
      if (!box?.(into, proposal.title, proposal.body)) {
        const draft = drafts.get(into)
        if (!draft?.title && !draft?.body) {
          drafts.set(into, {
            kind: proposal.kind, subgroup: proposal.subgroup ?? '', tags: proposal.tags.join(', '), ...draft, title: proposal.title, body: proposal.body,
          })
        }
      }
      throw error
    } finally {
      submitting = false
    }
    announce(t('saved_proposal', { title: quoted(proposal.title.trim()) }))
    await load()
  }

  /** The box as it is, for its session: the text not saved yet, and the kind, sub-group and
   * tags that stay for the next proposal. */
  function keepDraft(): void {
    if (!mounted) return
    drafts.set(session.id, { title: title.value, body: body.value, kind: kind.value, subgroup: wantedGroup || group.value, tags: tags.value })
  }
  /** A capture of `into` that failed: back in this box if it shows that session (unless
   * something else was typed there since). `false` when it shows another. */
  function putBack(into: string, typedTitle: string, typedBody: string): boolean {
    if (session.id !== into) return false
    if (!title.value && !body.value) {
      title.value = typedTitle
      body.value = typedBody
      keepDraft()
    }
    return true
  }
  /** The chosen session's box as it was left (a session not visited yet: an empty box of the
   * first kind), the caret after its title; the sub-group is chosen once the session's
   * sub-groups are drawn. */
  function showDraft(): void {
    const draft = drafts.get(session.id)
    title.value = draft?.title ?? ''
    body.value = draft?.body ?? ''
    kind.value = draft?.kind ?? KINDS[0]
    tags.value = draft?.tags ?? ''
    wantedGroup = draft?.subgroup ?? ''
    title.setSelectionRange(title.value.length, title.value.length)
  }
  for (const field of [title, body, tags]) field.addEventListener('input', keepDraft)
  for (const choice of [kind, group]) choice.addEventListener('change', keepDraft)
  showDraft()

  const form = h('form', { class: 'capture card', 'aria-labelledby': 'capture-heading' },
    h('h2', { id: 'capture-heading' }, t('capture_title')),
    h('p', { id: 'capture-hint', class: 'muted' }, t('capture_hint')),
    h('label', { for: 'capture-title' }, t('title')), title,
    h('label', { for: 'capture-body' }, t('body')), body,
    h('div', { class: 'row' },
      h('div', {}, h('label', { for: 'capture-kind' }, t('kind')), kind),
      h('div', {}, h('label', { for: 'capture-subgroup' }, t('subgroup')), group),
      h('div', { class: 'grow' }, h('label', { for: 'capture-tags' }, t('tags')), tags)),
    h('button', { type: 'submit', class: 'primary' }, t('save')))
  form.addEventListener('submit', e => { e.preventDefault(); submit().catch(fail) })
  body.addEventListener('keydown', e => {
    if ((e.code === 'Enter' || e.code === 'NumpadEnter') && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit().catch(fail) }
  })
  // Alt+N: the physical key (code), so that it is the same key on AZERTY and QWERTY.
  const shortcut = (e: KeyboardEvent) => {
    if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyN' && canWrite() && !covered()) {
      e.preventDefault()
      title.focus()
    }
  }

  /** Shows the capture controls for a session this device may write, a note for one it may only read. */
  function drawMode(): void {
    const writing = canWrite()
    form.hidden = !writing
    newGroupForm.hidden = !writing
    readOnlyNote.hidden = writing
  }

  return {
    async mount(root) {
      render(root, h('div', { class: 'layout' },
        h('aside', { class: 'side' },
          h('label', { for: 'session-picker' }, t('choose_session')), picker, others, undo.element,
          h('button', {
            type: 'button', class: 'secondary', id: 'moment-open', 'aria-haspopup': 'dialog',
            onclick: () => openSessionMoment(ctx.event.id, session.id, sessionLabel(session), sessionAccess(ctx.access, session.id) === 'write'),
          }, t('moment_open')),
          clock.element, groupsBox,
          h('label', { for: 'filter-kind' }, t('kind')), kindFilter),
        h('section', { class: 'content', 'aria-label': t('proposals') }, readOnlyNote, form, list)))
      document.addEventListener('keydown', shortcut)
      undo.attach()
      clock.start()
      presenceTimer = window.setInterval(() => void drawPresence().catch(() => {}), 5000)
      drawMode()
      // The capture box takes the focus at once, before the session's cards arrive: typing
      // can begin while they are drawn (a facilitator opens the app to type), and what is
      // typed meanwhile is saved into this session like anything typed later.
      shownBox = putBack
      if (canWrite()) title.focus()
      await load()
    },
    refresh: load,
    unmount() {
      mounted = false
      if (shownBox === putBack) shownBox = null
      clock.stop()
      window.clearInterval(presenceTimer)
      document.removeEventListener('keydown', shortcut)
      undo.detach()
    },
  }
}
