// The live saver of the cards' text: one save of a field at a time, each with the text it
// stood on, and a refused save does not move that text on.
import { describe, expect, it } from 'vitest'
import { busySavers, flushAll, liveSaver } from './live-save'

// A title standing on « Former », « Former les » typed and sent, its answer held back until
// `answer()`.
function typedOnASlowSave() {
  const saver = liveSaver()
  saver.stands('p:title', 'Former')
  const sent: [string, string | undefined][] = []
  let answer: () => void = () => {}
  const slow = new Promise<void>(resolve => { answer = resolve })
  saver.text('p:title', 'Former les', async (value, base) => { sent.push([value, base]); await slow }, true)
  return { saver, sent, answer: () => answer() }
}

describe('a card field saved as it is typed', () => {
  it('sends its saves one after the other, each standing on the text the one before sent', async () => {
    const { saver, sent, answer } = typedOnASlowSave()
    saver.text('p:title', 'Former les élus', async (value, base) => { sent.push([value, base]) }, true)
    await new Promise(resolve => setTimeout(resolve, 10))
    expect(sent).toEqual([['Former les', 'Former']]) // the second waits for the first's answer
    expect(saver.waiting('p:title')).toBe(true)
    answer()
    await saver.flush()
    expect(sent).toEqual([['Former les', 'Former'], ['Former les élus', 'Former les']])
    expect(saver.waiting('p:title')).toBe(false)
  })

  it('keeps standing on the text it sent while that save is unanswered, whatever a read says', async () => {
    const { saver, sent, answer } = typedOnASlowSave()
    await new Promise(resolve => setTimeout(resolve, 10))
    expect(sent).toEqual([['Former les', 'Former']])
    // A card drawn again meanwhile from a read made before that save landed: it shows the
    // typing, and its next save stands on what was sent.
    expect(saver.typed('p:title')).toBe('Former les')
    saver.stands('p:title', 'Former')
    answer()
    await saver.flush()
    saver.text('p:title', 'Former les élus', async (value, base) => { sent.push([value, base]) }, true)
    await saver.flush()
    // Standing on « Former », the store would have added « les » a second time.
    expect(sent).toEqual([['Former les', 'Former'], ['Former les élus', 'Former les']])
    expect(saver.typed('p:title')).toBeUndefined()
  })

  it('sends every waiting save when the window closes, from screens left too', async () => {
    const sent: string[] = []
    liveSaver(60_000).text('p:title', 'Former les élus', async value => { sent.push(value) })
    expect(busySavers()).toBe(1)
    await flushAll()
    expect(sent).toEqual(['Former les élus'])
    expect(busySavers()).toBe(0)
    await flushAll()
    expect(sent).toEqual(['Former les élus'])
    // A refused save, and one cancelled: nothing left either.
    const refused = liveSaver(60_000)
    refused.text('c:title', 'Vide', async () => { throw new Error('refusé') })
    await flushAll()
    refused.text('c:title', 'F', async () => {})
    refused.cancel('c:title')
    expect(busySavers()).toBe(0)
  })

  it('does not hold the window for a save that never answers', async () => {
    const hangs = liveSaver()
    hangs.text('p:body', 'Un texte', () => new Promise(() => {}), true)
    const started = Date.now()
    await flushAll(50)
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('shows a cancelled typing as nothing, and falls back to the text in flight', async () => {
    const saver = liveSaver(60_000)
    let answer: () => void = () => {}
    saver.text('p:title', 'Former', () => new Promise<void>(resolve => { answer = resolve }), true)
    await new Promise(resolve => setTimeout(resolve, 10))
    saver.text('p:title', 'F', async () => {})
    expect(saver.typed('p:title')).toBe('F')
    saver.cancel('p:title')
    expect(saver.typed('p:title')).toBe('Former')
    answer()
    await saver.flush()
    expect(saver.typed('p:title')).toBeUndefined()
  })

  it('keeps the text it stood on when a save is refused', async () => {
    const saver = liveSaver()
    saver.stands('c:title', 'Rendre visible')
    saver.text('c:title', '', async () => { throw new Error('vide') }, true)
    await saver.flush()
    const sent: [string, string | undefined][] = []
    saver.text('c:title', 'Nouveau titre', async (value, base) => { sent.push([value, base]) }, true)
    await saver.flush()
    expect(sent).toEqual([['Nouveau titre', 'Rendre visible']])
  })

  it('keeps a text the full disk refused in its field, and sends it again once a save goes through', async () => {
    const others = busySavers()
    const saver = liveSaver()
    saver.stands('p:title', 'Former')
    let full = true
    const sent: [string, string | undefined][] = []
    const send = async (value: string, base: string | undefined) => {
      if (full) throw { code: 'unwritable', message: 'le disque est plein' }
      sent.push([value, base])
    }
    saver.text('p:title', 'Former les élus', send, true)
    await saver.flush()
    // Refused: the field is not drawn back to the stored text, and a card drawn anew shows it.
    expect(saver.waiting('p:title')).toBe(true)
    expect(saver.typed('p:title')).toBe('Former les élus')
    expect(busySavers()).toBe(others + 1)
    // Space freed: the next save that goes through takes it along.
    full = false
    saver.text('p:body', 'Un module', send, true)
    await saver.flush()
    await saver.flush()
    expect(sent).toEqual([['Un module', undefined], ['Former les élus', 'Former']])
    expect(saver.waiting('p:title')).toBe(false)
    expect(busySavers()).toBe(others)
  })

  it('never sends a refused text again after a newer one of the same field went through', async () => {
    const saver = liveSaver()
    saver.stands('p:title', 'Former')
    const sent: string[] = []
    let full = true
    const send = async (value: string) => {
      if (full) { full = false; throw { code: 'unwritable', message: 'le disque est plein' } }
      sent.push(value)
    }
    // « Former les » refused, « Former les élus » sent behind it and saved.
    saver.text('p:title', 'Former les', send, true)
    saver.text('p:title', 'Former les élus', send, true)
    await saver.flush()
    await saver.flush()
    expect(sent).toEqual(['Former les élus'])
    expect(saver.waiting('p:title')).toBe(false)
  })

  it('shows a refused text on a screen drawn anew, and drops it once the field is typed in there', async () => {
    const left = liveSaver()
    left.stands('q:title', 'Former')
    left.text('q:title', 'Former les élus', async () => { throw { code: 'unwritable', message: 'le disque est plein' } }, true)
    await left.flush()
    // The screen left and drawn again: a new saver, which shows the text typed, not the stored one.
    const drawn = liveSaver()
    expect(drawn.typed('q:title')).toBe('Former les élus')
    expect(drawn.waiting('q:title')).toBe(true)
    // Typed again there, and saved: the older text is never sent after it, from either saver.
    const sent: string[] = []
    const send = async (value: string) => { sent.push(value) }
    drawn.text('q:title', 'Former tous les élus', send, true)
    await drawn.flush()
    drawn.text('q:body', 'Un module', send, true)
    await drawn.flush()
    await left.flush()
    expect(sent).toEqual(['Former tous les élus', 'Un module'])
    expect(drawn.waiting('q:title')).toBe(false)
  })

  it('shows the stored text again after a save refused for what it says', async () => {
    const saver = liveSaver()
    saver.text('c:title', '', async () => { throw { code: 'invalid', message: 'le titre est vide' } }, true)
    await saver.flush()
    expect(saver.waiting('c:title')).toBe(false)
    expect(saver.typed('c:title')).toBeUndefined()
  })

  it('forgets a save still waiting when asked', async () => {
    const saver = liveSaver(1000)
    let sent = 0
    saver.text('p:title', 'F', async () => { sent++ })
    saver.cancel('p:title')
    expect(saver.waiting('p:title')).toBe(false)
    await saver.flush()
    expect(sent).toBe(0)
  })
})
