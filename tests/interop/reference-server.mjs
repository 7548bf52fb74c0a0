// The reference y-websocket server from npm (@y/websocket-server's own connection handler),
// listening on 127.0.0.1 and a free port, which it prints once it accepts connections.
import http from 'node:http'
import { WebSocketServer } from 'ws'
import { setupWSConnection } from '@y/websocket-server/utils'

const wss = new WebSocketServer({ noServer: true })
wss.on('connection', setupWSConnection)
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' })
  response.end('okay')
})
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, ws => wss.emit('connection', ws, request))
})
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address()
  console.log(`ws://127.0.0.1:${port}`)
})
