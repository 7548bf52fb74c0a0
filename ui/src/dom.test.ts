import { describe, expect, it } from 'vitest'
import { caretMapper, h, setFieldValue } from './dom'

describe('building the interface', () => {
  it('shows markup from other devices as text, never as HTML', () => {
    const payload = '<img src=x onerror=alert(1)>'
    const element = h('p', {}, payload)
    expect(element.textContent).toBe(payload)
    expect(element.querySelector('img')).toBeNull()
    const field = h('input', { value: payload })
    expect(field.value).toBe(payload)
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
})
