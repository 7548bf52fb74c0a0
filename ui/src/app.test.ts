// The whole interface on the in-memory backend, in jsdom: the flows a facilitator, a
// rapporteur and the panel go through.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { emit } from '@tauri-apps/api/event'
import { mockState } from './mock-backend'
import { api } from './api'
import { settle, byId, startApp, type } from './test-support'

beforeEach(async () => {
  await startApp()
})

describe('the first run', () => {
  it('offers the sample programme, and opens the capture screen on it', async () => {
    const loaded = vi.spyOn(api, 'loadSample')
    byId<HTMLButtonElement>('load-sample').click()
    // A second press while the first imports does not import again.
    byId<HTMLButtonElement>('load-sample').click()
    await settle()
    expect(loaded).toHaveBeenCalledTimes(1)
    expect(byId<HTMLSelectElement>('session-picker').options.length).toBe(36)
    expect(document.activeElement).toBe(byId('capture-title'))
    // Fields stop where the store would refuse the text (recolte_store::Field::longest).
    expect(byId('capture-title').getAttribute('maxlength')).toBe('500')
    expect(byId('capture-body').getAttribute('maxlength')).toBe('20000')
    expect(byId('new-subgroup').getAttribute('maxlength')).toBe('200')
  })
})

describe('a facilitator', () => {
  beforeEach(async () => {
    byId<HTMLButtonElement>('load-sample').click()
    await settle()
  })

  it('keeps what is being typed when the shown tab is clicked again or the screen is drawn again', async () => {
    await type(byId('new-subgroup'), 'Groupe A')
    byId<HTMLInputElement>('new-subgroup').form?.requestSubmit()
    await settle()
    await type(byId('new-subgroup'), 'Groupe B')
    byId<HTMLInputElement>('new-subgroup').form?.requestSubmit()
    await settle()
    const choose = (id: string, value: string) => {
      const select = byId<HTMLSelectElement>(id)
      select.value = value
      select.dispatchEvent(new Event('change'))
    }
    choose('capture-kind', 'question')
    choose('capture-subgroup', mockState().subgroups[1].id)
    await type(byId('capture-tags'), 'données')
    const field = byId<HTMLInputElement>('capture-title')
    await type(field, 'Une idée à moitié dite')
    document.querySelector<HTMLButtonElement>('nav .tab[data-screen=capture]')?.click()
    await settle()
    expect(byId('capture-title')).toBe(field)
    expect(field.value).toBe('Une idée à moitié dite')
    // Another tab, then back: a new screen, drawn from scratch, with what was typed in its
    // session's box (as when the first sync redraws the screen while a title is typed).
    document.querySelector<HTMLButtonElement>('nav .tab[data-screen=settings]')?.click()
    await settle()
    document.querySelector<HTMLButtonElement>('nav .tab[data-screen=capture]')?.click()
    await settle()
    const again = byId<HTMLInputElement>('capture-title')
    expect(again).not.toBe(field)
    expect(again.value).toBe('Une idée à moitié dite')
    expect(document.activeElement).toBe(again)
    expect(again.selectionStart).toBe(again.value.length)
    // The kind, sub-group and tags chosen for the next proposals stay too.
    expect(byId<HTMLSelectElement>('capture-kind').value).toBe('question')
    expect(byId<HTMLSelectElement>('capture-subgroup').selectedOptions[0]?.textContent).toBe('Groupe B')
    expect(byId<HTMLInputElement>('capture-tags').value).toBe('données')
    // Each session its own: another one's box is empty, and this one's draft waits for it.
    const picker = byId<HTMLSelectElement>('session-picker')
    const first = picker.value
    picker.value = picker.options[1].value
    picker.dispatchEvent(new Event('change'))
    await settle()
    expect(again.value).toBe('')
    picker.value = first
    picker.dispatchEvent(new Event('change'))
    await settle()
    expect(again.value).toBe('Une idée à moitié dite')
    expect(byId<HTMLSelectElement>('capture-subgroup').selectedOptions[0]?.textContent).toBe('Groupe B')
    // Saved, it is no draft any more.
    again.form?.requestSubmit()
    await settle()
    expect(mockState().proposals[mockState().proposals.length - 1]).toMatchObject({ title: 'Une idée à moitié dite', kind: 'question', subgroup_name: 'Groupe B', tags: ['données'] })
    document.querySelector<HTMLButtonElement>('nav .tab[data-screen=settings]')?.click()
    await settle()
    document.querySelector<HTMLButtonElement>('nav .tab[data-screen=capture]')?.click()
    await settle()
    expect(byId<HTMLInputElement>('capture-title').value).toBe('')
  })

  it('captures a proposal with the keyboard alone, and it shows at once', async () => {
    await type(byId('new-subgroup'), 'Groupe A')
    byId<HTMLInputElement>('new-subgroup').form?.requestSubmit()
    await settle()
    await type(byId('capture-title'), 'Former les élus')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit() // what Enter does
    await settle()
    const cards = document.querySelectorAll('.cards .proposal')
    expect(cards).toHaveLength(1)
    expect(mockState().proposals[0]).toMatchObject({ title: 'Former les élus', subgroup_name: 'Groupe A' })
    expect(document.activeElement).toBe(byId('capture-title'))
    expect(byId<HTMLInputElement>('capture-title').value).toBe('')
  })

  it('puts a title whose save failed back in its session\'s box, even with another session chosen meanwhile', async () => {
    const adds = vi.spyOn(api, 'addProposal')
    adds.mockRejectedValueOnce(new Error('disque plein'))
    await type(byId('capture-title'), 'Former les élus')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    expect(byId<HTMLInputElement>('capture-title').value).toBe('Former les élus')
    expect(byId('alerts').textContent).toContain('disque plein')
    // Failing after another session was chosen: kept for its own session, not shown in this one.
    let refuse: (error: Error) => void = () => {}
    adds.mockImplementationOnce(() => new Promise((_, reject) => { refuse = reject }))
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    const picker = byId<HTMLSelectElement>('session-picker')
    const first = picker.value
    picker.value = picker.options[1].value
    picker.dispatchEvent(new Event('change'))
    await settle()
    refuse(new Error('disque plein'))
    await settle()
    expect(byId<HTMLInputElement>('capture-title').value).toBe('')
    picker.value = first
    picker.dispatchEvent(new Event('change'))
    await settle()
    expect(byId<HTMLInputElement>('capture-title').value).toBe('Former les élus')
    expect(mockState().proposals).toHaveLength(0)
    adds.mockRestore()
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    expect(mockState().proposals.map(p => p.title)).toEqual(['Former les élus'])
  })

  it('puts a title whose save failed back in the box of a screen drawn anew meanwhile, kept as typing goes on', async () => {
    const adds = vi.spyOn(api, 'addProposal')
    let refuse: (error: Error) => void = () => {}
    adds.mockImplementationOnce(() => new Promise((_, reject) => { refuse = reject }))
    await type(byId('capture-title'), 'Former les élus')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    document.querySelector<HTMLButtonElement>('nav .tab[data-screen=settings]')?.click()
    await settle()
    document.querySelector<HTMLButtonElement>('nav .tab[data-screen=capture]')?.click()
    await settle()
    refuse(new Error('disque plein'))
    await settle()
    const box = byId<HTMLInputElement>('capture-title')
    expect(box.value).toBe('Former les élus')
    await type(box, 'Former les élus locaux')
    document.querySelector<HTMLButtonElement>('nav .tab[data-screen=settings]')?.click()
    await settle()
    document.querySelector<HTMLButtonElement>('nav .tab[data-screen=capture]')?.click()
    await settle()
    expect(byId<HTMLInputElement>('capture-title').value).toBe('Former les élus locaux')
    adds.mockRestore()
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
  })

  it('shows a card drawn anew with its typing still waiting to be saved, not the older text', async () => {
    await type(byId('capture-title'), 'Former les élus')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    await type(document.querySelector<HTMLInputElement>('.cards .card-title')!, 'Former les élus locaux')
    // Hidden by a filter and shown again within the 300 ms its field waits.
    const kinds = byId<HTMLSelectElement>('filter-kind')
    kinds.value = 'question'
    kinds.dispatchEvent(new Event('change'))
    kinds.value = ''
    kinds.dispatchEvent(new Event('change'))
    await settle()
    expect(document.querySelector<HTMLInputElement>('.cards .card-title')?.value).toBe('Former les élus locaux')
    expect(mockState().proposals[0].title).toBe('Former les élus')
  })

  it('sends proposals to the first sub-group added; adding the next ones leaves that choice', async () => {
    for (const name of ['Groupe A', 'Groupe B', 'Groupe C']) {
      await type(byId('new-subgroup'), name)
      byId<HTMLInputElement>('new-subgroup').form?.requestSubmit()
      await settle()
    }
    const picked = byId<HTMLSelectElement>('capture-subgroup')
    expect(picked.selectedOptions[0]?.textContent).toBe('Groupe A')
    await type(byId('capture-title'), 'Pour le groupe A')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    expect(mockState().proposals[mockState().proposals.length - 1]).toMatchObject({ title: 'Pour le groupe A', subgroup_name: 'Groupe A' })
  })

  it('offers « Aucun » on a card when the session has no sub-group', async () => {
    await type(byId('capture-title'), 'Sans sous-groupe')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    const choice = document.querySelector<HTMLSelectElement>('.cards .proposal [data-field=subgroup]')!
    expect([...choice.options].map(o => o.textContent)).toEqual(['Aucun'])
  })

  it('offers on each card the sub-groups as they are now, and shows a move made on another device', async () => {
    await type(byId('new-subgroup'), 'Groupe A')
    byId<HTMLInputElement>('new-subgroup').form?.requestSubmit()
    await settle()
    await type(byId('capture-title'), 'Former les élus')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    await type(byId('new-subgroup'), 'Groupe B')
    byId<HTMLInputElement>('new-subgroup').form?.requestSubmit()
    await settle()
    const choice = () => document.querySelector<HTMLSelectElement>('.cards .proposal [data-field=subgroup]')
    const options = () => [...(choice()?.options ?? [])].map(o => o.textContent)
    expect(options()).toEqual(['Aucun', 'Groupe A', 'Groupe B'])
    expect(choice()?.selectedOptions[0]?.textContent).toBe('Groupe A')
    // Another device renames A and moves the proposal to B.
    const [a, b] = mockState().subgroups
    a.name = 'Groupe Alpha'
    const proposal = mockState().proposals[0]
    proposal.subgroup = b.id
    proposal.subgroup_name = b.name
    await emit('store-changed', 3)
    await settle()
    expect(options()).toEqual(['Aucun', 'Groupe Alpha', 'Groupe B'])
    expect(choice()?.selectedOptions[0]?.textContent).toBe('Groupe B')
    const capture = byId<HTMLSelectElement>('capture-subgroup')
    expect([...capture.options].map(o => o.textContent)).toEqual(['Aucun', 'Groupe Alpha', 'Groupe B'])
  })

  it('corrects a card\'s tags (the box kept them for the next proposal), and shows those changed elsewhere', async () => {
    await type(byId('capture-tags'), 'formation, élus')
    await type(byId('capture-title'), 'Former les élus')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    await type(byId('capture-title'), 'Réparer la machine à café')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    const coffee = mockState().proposals.find(p => p.title.startsWith('Réparer'))!
    expect(coffee.tags).toEqual(['formation', 'élus'])
    const field = document.querySelector<HTMLInputElement>(`.cards [data-id="${coffee.id}"] [data-field=tags]`)!
    expect(field.getAttribute('aria-label')).toBe('Étiquettes\u00a0: Réparer la machine à café')
    expect(field.value).toBe('formation, élus')
    field.focus()
    field.value = 'logistique'
    field.dispatchEvent(new Event('change'))
    await settle()
    expect(mockState().proposals.find(p => p.id === coffee.id)!.tags).toEqual(['logistique'])
    // Another device tags it too: the field, not focused, shows it.
    field.blur()
    mockState().proposals.find(p => p.id === coffee.id)!.tags = ['logistique', 'bâtiment']
    await emit('store-changed', 4)
    await settle()
    expect(document.querySelector<HTMLInputElement>(`.cards [data-id="${coffee.id}"] [data-field=tags]`)!.value).toBe('logistique, bâtiment')
  })

  it('leaves the capture box\'s sub-group list alone while the sub-groups stay as they are', async () => {
    await type(byId('new-subgroup'), 'Groupe A')
    byId<HTMLInputElement>('new-subgroup').form?.requestSubmit()
    await settle()
    const capture = byId<HTMLSelectElement>('capture-subgroup')
    const option = capture.options[1]
    // A save, and a change from another device: someone may be choosing in the list meanwhile.
    await type(byId('capture-title'), 'Former les élus')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    await emit('store-changed', 5)
    await settle()
    expect(capture.options[1]).toBe(option)
    mockState().subgroups[0].name = 'Groupe Alpha'
    await emit('store-changed', 6)
    await settle()
    expect(capture.options[1].textContent).toBe('Groupe Alpha')
    expect(capture.value).toBe(mockState().subgroups[0].id)
  })

  it('keeps the caret in a card while a card above it is deleted on another device', async () => {
    for (const title of ['Plus ancienne', 'Du milieu', 'La plus récente']) {
      await type(byId('capture-title'), title)
      byId<HTMLInputElement>('capture-title').form?.requestSubmit()
      await settle()
    }
    // Newest first: the oldest card is last; its title is being corrected.
    const field = [...document.querySelectorAll<HTMLInputElement>('.cards .card-title')].find(f => f.value === 'Plus ancienne')!
    field.focus()
    mockState().proposals.find(p => p.title === 'La plus récente')!.deleted = true
    await emit('store-changed', 4)
    await settle()
    expect(document.querySelectorAll('.cards .proposal')).toHaveLength(2)
    expect(document.activeElement).toBe(field)
  })

  it('saves a proposal once however fast Enter is pressed, and keeps what is typed next', async () => {
    await type(byId('capture-title'), 'Former les élus')
    const form = byId<HTMLInputElement>('capture-title').form!
    form.requestSubmit()
    form.requestSubmit() // a second Enter, before the first save answered
    // The next title, typed at once.
    byId<HTMLInputElement>('capture-title').value = 'Ouvrir'
    await settle()
    expect(mockState().proposals.map(p => p.title)).toEqual(['Former les élus'])
    expect(byId<HTMLInputElement>('capture-title').value).toBe('Ouvrir')
  })

  it('forgets a sub-group filter of the session left, and says when filters leave nothing', async () => {
    await type(byId('new-subgroup'), 'Groupe A')
    byId<HTMLInputElement>('new-subgroup').form?.requestSubmit()
    await settle()
    await type(byId('capture-title'), 'Sans groupe')
    byId<HTMLSelectElement>('capture-subgroup').value = ''
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    document.querySelector<HTMLButtonElement>('[data-focus^="group-filter:"]:not([data-focus="group-filter:"])')!.click()
    await settle()
    expect(document.querySelector('.cards .empty')?.textContent).toBe('Aucune proposition ne correspond aux filtres choisis.')
    const picker = byId<HTMLSelectElement>('session-picker')
    picker.value = picker.options[1].value
    picker.dispatchEvent(new Event('change'))
    await settle()
    expect(document.querySelector('[data-focus="group-filter:"]')?.getAttribute('aria-pressed')).toBe('true')
  })

  it('saves a card\'s typing with the text its field stood on, so a colleague\'s words that arrived meanwhile stay', async () => {
    await type(byId('capture-title'), 'Former les élus')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    const edits = vi.spyOn(api, 'editProposal')
    const field = document.querySelector<HTMLInputElement>('.cards .card-title')!
    field.focus()
    await type(field, 'Former les élus locaux')
    // A colleague's word arrives while this save waits: not shown under the caret…
    mockState().proposals[0].title = 'Former tous les élus'
    await emit('store-changed', 5)
    await settle()
    expect(field.value).toBe('Former les élus locaux')
    // …and the save says what the field stood on, for the store to rebase the typing onto it.
    field.blur()
    await settle()
    expect(edits).toHaveBeenLastCalledWith(mockState().proposals[0].id, { title: 'Former les élus locaux', title_base: 'Former les élus' })
    edits.mockRestore()
  })

  it('sends a card\'s last typing before the window closes', async () => {
    await type(byId('capture-title'), 'Former les élus')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    const field = document.querySelector<HTMLInputElement>('.cards .card-title')!
    field.focus()
    await type(field, 'Former les élus locaux')
    // Closed within the 300 ms a field waits before it saves.
    expect(mockState().proposals[0].title).toBe('Former les élus')
    expect(mockState().closed).toBe(false)
    await emit('closing', null)
    await settle()
    expect(mockState().proposals[0].title).toBe('Former les élus locaux')
    expect(mockState().closed).toBe(true)
  })

  it('sees a title typed on another device as text, not HTML', async () => {
    await type(byId('capture-title'), '<img src=x onerror=alert(1)>')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    expect(document.querySelector('.cards img')).toBeNull()
    expect(document.querySelector<HTMLInputElement>('.cards .card-title')?.value).toBe('<img src=x onerror=alert(1)>')
  })

  it('deletes with undo', async () => {
    await type(byId('capture-title'), 'À supprimer')
    byId<HTMLInputElement>('capture-title').form?.requestSubmit()
    await settle()
    document.querySelector<HTMLButtonElement>('.cards .danger')?.click()
    await settle()
    expect(document.querySelectorAll('.cards .proposal')).toHaveLength(0)
    document.querySelector<HTMLButtonElement>('.toast button')?.click()
    await settle()
    expect(document.querySelectorAll('.cards .proposal')).toHaveLength(1)
  })

  it('deletes from the keyboard: Annuler takes the keyboard, Escape leaves it for the capture box', async () => {
    for (const title of ['Un', 'Deux']) {
      await type(byId('capture-title'), title)
      byId<HTMLInputElement>('capture-title').form?.requestSubmit()
      await settle()
    }
    const remove = document.querySelector<HTMLButtonElement>('.cards .danger')!
    remove.focus()
    remove.click()
    await settle()
    const undo = document.querySelector<HTMLButtonElement>('.toast button')!
    expect(document.activeElement).toBe(undo)
    expect(undo.getAttribute('aria-label')).toContain('Deux')
    undo.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }))
    expect(document.querySelector('.toast')).toBeNull()
    // Not another card's title, where typing would change that proposal.
    expect(document.activeElement).toBe(byId('capture-title'))
  })
})

describe('a rapporteur and the panel', () => {
  it('merge two proposals, then the panel marks the result', async () => {
    byId<HTMLButtonElement>('load-sample').click()
    await settle()
    for (const title of ['Former les élus à l’innovation', 'Former les élus aux démarches d’innovation']) {
      await type(byId('capture-title'), title)
      byId<HTMLInputElement>('capture-title').form?.requestSubmit()
      await settle()
    }
    ;[...document.querySelectorAll<HTMLButtonElement>('nav .tab')][1].click()
    await settle()
    document.querySelectorAll<HTMLInputElement>('.proposal-row input[type=checkbox]').forEach(box => { box.checked = true; box.dispatchEvent(new Event('change')) })
    byId<HTMLButtonElement>('merge-selected').click()
    await settle()
    await type(byId('merge-title'), 'Former les élus à l’innovation')
    byId<HTMLInputElement>('merge-title').form?.requestSubmit()
    await settle()
    expect(mockState().consolidated).toHaveLength(1)
    expect(mockState().consolidated[0].sources).toHaveLength(2)
    expect(document.querySelectorAll('[data-consolidated]')).toHaveLength(1)

    ;[...document.querySelectorAll<HTMLButtonElement>('nav .tab')][2].click()
    await settle()
    document.querySelector<HTMLButtonElement>('.review button[aria-pressed]')?.click()
    await settle()
    expect(mockState().reviews[0].carry_forward).toBe(true)
    expect(document.querySelector('.summary')?.textContent).toContain('1 à porter')

    // The exports are one click away, and say where they went.
    ;[...document.querySelectorAll<HTMLButtonElement>('nav .tab')][1].click()
    await settle()
    const exported = vi.spyOn(api, 'exportWrite')
    document.querySelector<HTMLButtonElement>('[data-export=report]')?.click()
    // A second press while the first writes does not export again.
    document.querySelector<HTMLButtonElement>('[data-export=report]')?.click()
    await settle()
    expect(exported).toHaveBeenCalledTimes(1)
    expect(document.querySelector('.export-status')?.textContent).toContain('Documents/Récolte')
  })
})

describe('a store opened for reading only', () => {
  it('says so above the screen, and stops saying so once the store can be written again', async () => {
    expect(byId('read-only').hidden).toBe(true)
    const notice = 'stockage ouvert en lecture seule : le disque est plein'
    await startApp({ readOnly: notice, event: 'facilitator' })
    const shown = byId('read-only')
    // Written a moment after the page, so that a screen reader reads it.
    await new Promise(resolve => setTimeout(resolve, 80))
    expect(shown.hidden).toBe(false)
    expect(shown.textContent).toBe('Stockage ouvert en lecture seule : le disque est plein')
    expect(shown.getAttribute('role')).toBe('status')
    expect(shown.nextElementSibling?.id).toBe('alerts')
    // Space freed: the next change of the store redraws it away.
    mockState().readOnly = null
    await emit('store-changed', 2)
    await settle()
    await new Promise(resolve => setTimeout(resolve, 80))
    expect(shown.hidden).toBe(true)
  })
})
