// Fields of a card save as one types: a moment after the typing stops, or at once (on blur).
// Undo first waits for every save of what was typed, the ones still waiting and the ones
// already sent, so that it never overtakes them.
import { errorCode } from './api'

export interface LiveSaver {
  /** Saves `key` a moment from now (or `now`), replacing a save of the same key still waiting. */
  soon(key: string, save: () => Promise<unknown>, now?: boolean): void
  /** Whether a save of `key` is still waiting, or sent and not answered yet, or was refused
   * because the store could not write (a full disk): its field is not to be overwritten (a
   * read made before the save landed put the older text back; after a full disk, the text
   * typed would go back to the stored one without a word once the card was drawn again). */
  waiting(key: string): boolean
  /** Sends every waiting save at once, and waits for every save sent. */
  flush(): Promise<void>
  /** Saves the text of a field a moment from now (or `now`), with the text the field stood on
   * before that typing (see `stands`): the store rebases the typing onto the text as it is
   * then, so a colleague's words that arrived meanwhile (and were not shown in the field,
   * whose save was waiting) stay. Sent whole, the field deleted them. */
  text(key: string, value: string, send: (value: string, base: string | undefined) => Promise<unknown>, now?: boolean): void
  /** The field `key` shows `stored`, the store's text: its next save stands on it (unless a
   * save of it is waiting or unanswered: then on what that save sends). */
  stands(key: string, stored: string): void
  /** Forgets a save of `key` still waiting (a title emptied to be retyped: its last letter was
   * saved a moment later and put back under the caret). */
  cancel(key: string): void
  /** What was last typed in `key` and is to be sent or was sent, while that save waits or is
   * unanswered: a card drawn anew meanwhile shows it, not the read it was drawn from, which is
   * older. */
  typed(key: string): string | undefined
}

// The savers with a save waiting or unanswered, held until it is done: the window's close
// (`flushAll`) finds them even when their screen was left within the 300 ms (a screen left is
// not referenced any more, but what was typed there still goes).
const busy = new Set<LiveSaver>()

/** Sends what every card field still waits to save, and waits for every save sent: the
 * window is closing. */
export async function flushAll(within = 2500): Promise<void> {
  let timer = 0
  const late = new Promise<void>(resolve => { timer = window.setTimeout(resolve, within) })
  // Not longer than `within`: a save that never answers (a store that hangs) does not hold
  // the window, which goes anyway after 3 s.
  await Promise.race([Promise.all([...busy].map(saver => saver.flush())), late])
  window.clearTimeout(timer)
}

/** How many savers have work left (for the tests: none once every save has answered). */
export function busySavers(): number {
  return busy.size
}

// Texts of card fields the store could not write (a full disk, a store open for reading
// only), by field, with the text each stood on and how it is sent: kept to be sent again once a
// save goes through (space was freed), or when the window closes. Kept here, not in one saver:
// a screen left and drawn again has a new saver, which shows them (not the older stored text),
// and a newer save of the field from any saver drops them. A save refused for what it says (a
// title left empty) is not kept: its field shows the store's text again, with the reason.
const unwritten = new Map<string, { value: string; base: string | undefined; send: (value: string, base: string | undefined) => Promise<unknown> }>()

export function liveSaver(delay = 300): LiveSaver {
  const waiting = new Map<string, { timer: number; run: () => Promise<void> }>()
  const sent = new Set<Promise<void>>()
  const answering = new Map<string, number>()
  const bases = new Map<string, string>()
  // One save of a field at a time, in the order they were made: two in flight could land in
  // either order (the commands run on several threads), the older text last.
  const last = new Map<string, Promise<void>>()
  // The text last given to `text` for each field, while its save waits or is unanswered.
  const values = new Map<string, string>()
  const settled = () => {
    if (waiting.size === 0 && sent.size === 0 && unwritten.size === 0) busy.delete(saver)
  }
  // Sent again through this saver (a screen left and drawn again has a new one), standing on
  // the text each stood on when it was refused.
  const again = () => {
    for (const [key, { value, base, send }] of [...unwritten]) {
      unwritten.delete(key)
      if (base === undefined) bases.delete(key)
      else bases.set(key, base)
      saver.text(key, value, send, true)
    }
  }
  const saver: LiveSaver = {
    soon(key, save, now = false) {
      busy.add(saver)
      window.clearTimeout(waiting.get(key)?.timer)
      // A newer save of the field carries its newer text: the unwritten one is not sent too.
      unwritten.delete(key)
      const run = (): Promise<void> => {
        waiting.delete(key)
        answering.set(key, (answering.get(key) ?? 0) + 1)
        const previous = last.get(key) ?? Promise.resolve()
        const wrote = () => {
          // This field's own newer text went through: its older refused one is not sent after it.
          unwritten.delete(key)
          if (unwritten.size > 0) again()
        }
        const done: Promise<void> = previous.then(save).then(wrote, () => {}).finally(() => {
          sent.delete(done)
          if (last.get(key) === done) last.delete(key)
          const left = (answering.get(key) ?? 1) - 1
          if (left > 0) answering.set(key, left)
          else answering.delete(key)
          if (!saver.waiting(key)) values.delete(key)
          settled()
        })
        last.set(key, done)
        sent.add(done)
        return done
      }
      if (now) void run()
      else waiting.set(key, { timer: window.setTimeout(run, delay), run })
    },
    waiting: key => waiting.has(key) || answering.has(key) || unwritten.has(key),
    text(key, value, send, now = false) {
      values.set(key, value)
      saver.soon(key, async () => {
        // Read when the save goes (after the field's previous one was answered): the text it
        // sent, or, if that one was refused, the text before it.
        const base = bases.get(key)
        bases.set(key, value)
        try {
          await send(value, base)
        } catch (error) {
          if (bases.get(key) === value) {
            if (base === undefined) bases.delete(key)
            else bases.set(key, base)
          }
          // Kept only while it is the field's last text: a newer save waiting, or sent behind
          // this one, carries the newer text (sent again after it, this one would take it back).
          const newer = waiting.has(key) || (answering.get(key) ?? 0) > 1
          if (errorCode(error) === 'unwritable' && !newer) unwritten.set(key, { value, base, send })
          throw error
        }
      }, now)
    },
    stands(key, stored) {
      // While a save of the field waits or is unanswered, what it sent is what the field
      // stands on: a read made before it landed (a card drawn again meanwhile) is older.
      if (!saver.waiting(key)) bases.set(key, stored)
    },
    cancel(key) {
      window.clearTimeout(waiting.get(key)?.timer)
      waiting.delete(key)
      unwritten.delete(key)
      values.delete(key)
      settled()
    },
    // Waiting: the text to be sent; sent and unanswered: the text sent (a waiting save
    // cancelled falls back to it: its text was never sent, and the field no longer shows it).
    // Refused by a full disk: the text typed, which the field keeps.
    typed: key => waiting.has(key) ? values.get(key) : unwritten.get(key)?.value ?? (answering.has(key) ? bases.get(key) : undefined),
    async flush() {
      // The window closes: what the disk refused is tried once more (space may have been freed).
      again()
      for (const { timer, run } of [...waiting.values()]) {
        window.clearTimeout(timer)
        void run()
      }
      await Promise.all([...sent])
    },
  }
  return saver
}
