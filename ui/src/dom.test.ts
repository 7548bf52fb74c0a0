import { describe, expect, it } from 'vitest'
import { announce, caretMapper, h, keepingFocus, render, say, setFieldValue, showSaved } from './dom'

describe('building the interface', () => {
  it('shows markup from other devices as text, never as HTML', () => {
    const payload = '<img src=x onerror=alert(1)>'
    const element = h('p', {}, payload)
    expect(element.textContent).toBe(payload)
    expect(element.querySelector('img')).toBeNull()
    const field = h('input', { value: payload })
    expect(field.value).toBe(payload)
  })

  it('shows a bidirectional override from another device as �, so it cannot turn the line around', () => {
    const element = h('p', {}, 'Élus \u202Esulé\u2066 x', ' — 3 votes')
    expect(element.textContent).toBe('Élus \uFFFDsulé\uFFFD x — 3 votes')
    // Right-to-left words and the direction marks stay.
    expect(h('p', {}, 'مرحبا \u200F ok').textContent).toBe('مرحبا \u200F ok')
  })

  it('puts a text in a live region only when it is new, so that it is read out once', () => {
    const region = h('p', { 'aria-live': 'polite' })
    say(region, 'Aussi ici : Camille')
    const first = region.firstChild
    say(region, 'Aussi ici : Camille')
    expect(region.firstChild).toBe(first)
    say(region, 'Aussi ici : Camille, Noé \u202Eévon')
    expect(region.firstChild).not.toBe(first)
    expect(region.textContent).toBe('Aussi ici : Camille, Noé \uFFFDévon')
    say(region, 'Aussi ici : Camille, Noé \u202Eévon')
    expect(region.textContent).toBe('Aussi ici : Camille, Noé \uFFFDévon')
  })

  it('moves the caret with an edit made before it, and not with one after it', () => {
    const map = caretMapper('Former les élus', 'Former tous les élus')
    expect(map(15)).toBe(20) // caret at the end: pushed by the insertion before it
    expect(map(3)).toBe(3) // caret before the change: untouched
    const after = caretMapper('Former les élus', 'Former les élus publics')
    expect(after(7)).toBe(7)
  })

  it('updates the field being typed in without moving the caret away from the text', () => {
    const field = h('input', { value: 'Former les élus' })
    document.body.appendChild(field)
    field.focus()
    field.setSelectionRange(10, 10) // after "Former les"
    setFieldValue(field, 'Mieux former les élus')
    expect(field.value).toBe('Mieux former les élus')
    expect(field.selectionStart).toBe(16)
    field.remove()
  })

  it('keeps the keyboard in a field that a redraw takes out and puts back, caret included', () => {
    const list = h('ol')
    const field = h('input', { value: 'Former les élus' })
    const item = h('li', {}, field)
    list.append(item)
    document.body.appendChild(list)
    field.focus()
    field.setSelectionRange(6, 6)
    keepingFocus(list, () => render(list, item))
    expect(document.activeElement).toBe(field)
    expect(field.selectionStart).toBe(6)
    // Without it, the focus falls back to the page.
    render(list, item)
    expect(document.activeElement).not.toBe(field)
    list.remove()
  })

  it('focuses what took the place of the element focused, by its id', () => {
    const box = h('div', {}, h('select', { id: 'filter-kind' }))
    document.body.appendChild(box)
    box.querySelector<HTMLElement>('#filter-kind')?.focus()
    keepingFocus(box, () => render(box, h('select', { id: 'filter-kind' })))
    expect(document.activeElement?.id).toBe('filter-kind')
    expect(document.activeElement?.isConnected).toBe(true)
    box.remove()
  })

  it('keeps a space just typed when the save comes back trimmed, and shows changes from elsewhere', () => {
    const field = h('input', { value: 'Former les ' })
    document.body.appendChild(field)
    field.focus()
    showSaved(field, 'Former les', false)
    expect(field.value).toBe('Former les ')
    showSaved(field, 'Former tous les', true)
    expect(field.value).toBe('Former les ') // its own save is waiting
    showSaved(field, 'Former tous les', false)
    expect(field.value).toBe('Former tous les')
    field.remove()
  })
})

describe('the error banner', () => {
  it('goes once something is done after the error', () => {
    document.body.innerHTML = '<div id="alerts"></div><div id="status"></div>'
    announce('Erreur : $.days[0].date : date invalide', 'error')
    expect(document.getElementById('alerts')?.textContent).toBe('Erreur : $.days[0].date : date invalide')
    announce('Invitation créée.')
    expect(document.getElementById('alerts')?.textContent).toBe('')
    expect(document.getElementById('status')?.textContent).toBe('Invitation créée.')
  })
})
