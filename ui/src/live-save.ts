// Fields of a card save as one types: a moment after the typing stops, or at once (on blur).
// Undo first waits for every save of what was typed, the ones still waiting and the ones
// already sent, so that it never overtakes them.
export interface LiveSaver {
  /** Saves `key` a moment from now (or `now`), replacing a save of the same key still waiting. */
  soon(key: string, save: () => Promise<unknown>, now?: boolean): void
  /** Whether a save of `key` is still waiting: its field is not to be overwritten. */
  waiting(key: string): boolean
  /** Sends every waiting save at once, and waits for every save sent. */
  flush(): Promise<void>
}

export function liveSaver(delay = 300): LiveSaver {
  const waiting = new Map<string, { timer: number; run: () => Promise<void> }>()
  const sent = new Set<Promise<void>>()
  return {
    soon(key, save, now = false) {
      window.clearTimeout(waiting.get(key)?.timer)
      const run = (): Promise<void> => {
        waiting.delete(key)
        const done = save().then(() => {}, () => {}).finally(() => sent.delete(done))
        sent.add(done)
        return done
      }
      if (now) void run()
      else waiting.set(key, { timer: window.setTimeout(run, delay), run })
    },
    waiting: key => waiting.has(key),
    async flush() {
      for (const { timer, run } of [...waiting.values()]) {
        window.clearTimeout(timer)
        void run()
      }
      await Promise.all([...sent])
    },
  }
}
