// The peer: Socket.IO 4 with @socket.io/redis-adapter's sharded adapter (Redis 7 sharded
// pub/sub) over node-redis. Plain JavaScript so Node runs it as-is (the orchestrator uses
// node when it is installed, else bun).   PORT=4000 REDIS_URL=redis://127.0.0.1:6379 node socketio.mjs
import { createServer } from 'node:http'
import { createShardedAdapter } from '@socket.io/redis-adapter'
import { createClient } from 'redis'
import { Server } from 'socket.io'

const pubClient = createClient({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' })
const subClient = pubClient.duplicate()
await Promise.all([pubClient.connect(), subClient.connect()])

const http = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200).end('ok')
    return
  }
  // engine.io answers its own path; anything else is not ours
  if (!req.url?.startsWith('/socket.io/')) res.writeHead(404).end()
})

const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  adapter: createShardedAdapter(pubClient, subClient, { channelPrefix: process.env.CHANNEL_PREFIX ?? 'bench-sio' }),
})

let seq = 0
io.on('connection', (socket) => {
  socket.on('subscribe', async ({ roomId }, ack) => {
    await socket.join(roomId)
    ack?.({ roomId, lastSeq: seq })
  })
  socket.on('send', ({ roomId, body }, ack) => {
    seq++
    io.to(roomId).emit('message', { roomId, seq, body })
    ack?.({ seq })
  })
  socket.on('ping', (_payload, ack) => ack?.({}))
})

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`ready ${http.address().port}`))

process.on('SIGTERM', async () => {
  io.close()
  await Promise.allSettled([pubClient.quit(), subClient.quit()])
  process.exit(0)
})
