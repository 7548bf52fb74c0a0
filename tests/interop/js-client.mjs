// A stock y-websocket client (the provider from npm) reading and writing a Récolte session
// room, following docs/schema.md, and nothing else.
//
//   node js-client.mjs HUB_URL ROOM TOKEN NEW_TITLE
//
// Prints {"titles": [...]} with the titles it read before writing, after checking through a
// second, fresh connection that the hub kept what it wrote.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const [url, room, token, newTitle] = process.argv.slice(2)

function connect () {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(url, room, doc, {
    WebSocketPolyfill: WebSocket,
    params: { token },
    disableBc: true
  })
  provider.awareness.setLocalStateField('user', { name: 'Client JavaScript' })
  const synced = new Promise((resolve, reject) => {
    provider.on('sync', isSynced => { if (isSynced) resolve() })
    provider.on('connection-close', event => {
      if (event && event.code >= 4000) reject(new Error(`refused: ${event.code} ${event.reason}`))
    })
  })
  return { doc, provider, synced }
}

function titles (doc) {
  const proposals = doc.getMap('proposals')
  return [...proposals.values()]
    .filter(p => p.get('deleted') !== true)
    .map(p => p.get('title').toString())
    .sort()
}

const timeout = setTimeout(() => { console.error('timed out'); process.exit(2) }, 20000)

const first = connect()
await first.synced
const seen = titles(first.doc)

const id = crypto.randomUUID()
first.doc.transact(() => {
  const proposal = new Y.Map()
  first.doc.getMap('proposals').set(id, proposal)
  proposal.set('id', id)
  proposal.set('title', new Y.Text(newTitle))
  proposal.set('body', new Y.Text('écrit par un client Yjs ordinaire'))
  proposal.set('kind', 'question')
  proposal.set('subgroup', null)
  proposal.set('tags', new Y.Map([['interop', true]]))
  proposal.set('author', 'Client JavaScript')
  proposal.set('created_at', new Date().toISOString())
  proposal.set('deleted', false)
})

// A second connection sees the new proposal only once the hub has it.
const second = connect()
await second.synced
while (!titles(second.doc).includes(newTitle)) {
  await new Promise(resolve => second.doc.once('update', resolve))
}
console.log(JSON.stringify({ titles: seen }))
clearTimeout(timeout)
first.provider.destroy()
second.provider.destroy()
process.exit(0)
