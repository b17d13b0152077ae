// The raw ceiling: plain Bun.serve WebSockets and server.publish, no auth, no storage, no
// app logic. It answers the subset of Hearth's frames the benchmark uses so one client
// drives both.   PORT=4000 bun scripts/bench/servers/raw.ts
interface Frame {
  op?: string
  id?: number
  roomId?: string
  body?: string
}

let seq = 0
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  fetch(req, srv) {
    const url = new URL(req.url)
    if (url.pathname === '/health') return new Response('ok')
    if (url.pathname === '/ws' && srv.upgrade(req, { data: undefined })) return undefined
    return new Response('not found', { status: 404 })
  },
  websocket: {
    message(ws, raw) {
      const frame = JSON.parse(typeof raw === 'string' ? raw : raw.toString()) as Frame
      if (frame.op === 'subscribe' && frame.roomId) {
        ws.subscribe(frame.roomId)
        ws.send(JSON.stringify({ op: 'ack', id: frame.id, roomId: frame.roomId, lastSeq: seq }))
      } else if (frame.op === 'send' && frame.roomId) {
        seq++
        const event = { op: 'event', type: 'message.created', roomId: frame.roomId, seq, data: { message: { body: frame.body, seq } } }
        server.publish(frame.roomId, JSON.stringify(event))
        ws.send(JSON.stringify({ op: 'ack', id: frame.id, seq }))
      } else if (frame.op === 'ping') {
        ws.send(JSON.stringify({ op: 'pong', id: frame.id }))
      }
    },
  },
})

console.log(`ready ${server.port}`)
process.on('SIGTERM', () => {
  server.stop(true)
  process.exit(0)
})
