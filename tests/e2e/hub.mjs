// A real `recolte hub` on 127.0.0.1 for the end-to-end tests: started on a free port, trusting
// one event's key; returns once it prints its address, which is when it accepts connections.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

/** Starts the hub; resolves to `{ url, process }` (kill `process` to stop it). */
export async function startHub(cli, dataDir, trustedKey) {
  const hub = spawn(cli, ['--data-dir', dataDir, 'hub', '--listen', '127.0.0.1:0', '--trust', trustedKey], { stdio: ['ignore', 'pipe', 'ignore'] })
  const url = await new Promise((done, fail) => {
    createInterface({ input: hub.stdout }).once('line', line => done(line.trim()))
    hub.once('exit', code => fail(new Error(`the hub stopped (${code})`)))
  })
  if (!url.startsWith('ws://')) throw new Error(`the hub did not start: ${url}`)
  return { url, process: hub }
}
