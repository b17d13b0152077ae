// One load generator process of several (started by loadgen.ts over IPC): it holds its share
// of each target's sockets, sends its share of the rate, and counts what arrives with the
// current tag. Several processes, so no one generator's core is what fails.
import { connectMany, readStamp, stampBody, type Connection, type System } from './clients'
import { nonce, pace, setRunTag, subscribeAll } from './load'
import { Histogram, nowMs, sleep } from './stats'

export type WorkerCommand =
  | { cmd: 'open'; target: number; system: System; baseUrl: string; tokens: string[]; rooms: string[] }
  | { cmd: 'reset'; target: number; tag: number }
  | { cmd: 'send'; target: number; tag: number; rate: number; seconds: number; senders: number[] }
  | { cmd: 'count'; target: number }
  | { cmd: 'quiet'; target: number }
  | { cmd: 'collect'; target: number }
  | { cmd: 'close'; target: number }
  | { cmd: 'durable'; system: System; baseUrl: string; tokens: string[]; roomIds: string[]; connections: number; window: number; warmupSeconds: number; seconds: number }

export interface Collected {
  delivered: number
  sendErrors: number
  sparse: [number, number][]
  sum: number
}

export interface DurableShare {
  acked: number
  errors: number
  firstError?: string
  sparse: [number, number][]
  sum: number
}

/** A target's sockets in this process and what they received, counted only for the current tag. */
class Receivers {
  tag = -1
  histogram = new Histogram()
  delivered = 0
  conns: Connection[] = []
  rooms: string[] = []
  sendErrors = 0
  /** When the last message arrived, whatever its tag (a backlog from an earlier step still drains). */
  lastMessageAt = 0

  onMessage = (text: string) => {
    this.lastMessageAt = performance.now()
    const stamp = readStamp(text)
    if (!stamp || stamp.tag !== this.tag) return
    this.histogram.record(nowMs() - stamp.sentAt)
    this.delivered++
  }
}

const targets = new Map<number, Receivers>()
const receivers = (target: number) => targets.get(target) ?? targets.set(target, new Receivers()).get(target)!

async function handle(c: WorkerCommand): Promise<unknown> {
  switch (c.cmd) {
    case 'open': {
      const r = receivers(c.target)
      r.rooms = c.rooms
      r.conns = await connectMany(c.system, c.baseUrl, c.tokens, c.rooms.length, r.onMessage, c.system === 'ejabberd' ? 50 : 200)
      await subscribeAll(r.conns, (i) => c.rooms[i]!, c.system === 'ejabberd' || c.system === 'nats' ? 100 : 500)
      return { opened: r.conns.length }
    }
    case 'reset': {
      const r = receivers(c.target)
      r.tag = c.tag
      r.histogram = new Histogram()
      r.delivered = 0
      return {}
    }
    case 'send': {
      const r = receivers(c.target)
      if (c.rate <= 0 || c.senders.length === 0) return { sent: 0 }
      const sent = await pace(c.rate, c.seconds, (i) => {
        const k = c.senders[i % c.senders.length]!
        r.conns[k]!.send(r.rooms[k]!, stampBody(c.tag), nonce()).catch(() => r.sendErrors++)
      })
      return { sent }
    }
    case 'count':
      return { delivered: receivers(c.target).delivered }
    case 'quiet':
      return { quietMs: performance.now() - receivers(c.target).lastMessageAt }
    case 'collect': {
      const r = receivers(c.target)
      return { delivered: r.delivered, sendErrors: r.sendErrors, sparse: r.histogram.toSparse(), sum: r.histogram.total } satisfies Collected
    }
    case 'close': {
      for (const conn of receivers(c.target).conns) conn.close()
      targets.delete(c.target)
      return {}
    }
    case 'durable':
      return durable(c)
  }
}

/** Keeps `window` sends in flight on each of this process's connections; counts the acks of the measured window. */
async function durable(job: Extract<WorkerCommand, { cmd: 'durable' }>): Promise<DurableShare> {
  const conns = await connectMany(job.system, job.baseUrl, job.tokens, job.connections, () => {})
  const histogram = new Histogram()
  let measuring = false
  let stop = false
  let acked = 0
  let errors = 0
  let firstError: string | undefined
  let turn = 0
  const loop = async (conn: Connection) => {
    while (!stop) {
      const roomId = job.roomIds[turn++ % job.roomIds.length]!
      const started = nowMs()
      try {
        await conn.send(roomId, stampBody(0), nonce())
        if (measuring && !stop) {
          acked++
          histogram.record(nowMs() - started)
        }
      } catch (err) {
        errors++
        firstError ??= String(err)
        if (errors > 1000) return
        await sleep(10)
      }
    }
  }
  // Report ready, then run: the coordinator times the window from its own clock.
  process.send!({ ready: true })
  const loops = conns.flatMap((c) => Array.from({ length: job.window }, () => loop(c)))
  await sleep(job.warmupSeconds * 1000)
  measuring = true
  await sleep(job.seconds * 1000)
  measuring = false
  stop = true
  await Promise.race([Promise.all(loops), sleep(5000)])
  for (const c of conns) c.close()
  return { acked, errors, firstError, sparse: histogram.toSparse(), sum: histogram.total }
}

process.on('message', (message: { id: number; command: WorkerCommand; runTag: string }) => {
  setRunTag(message.runTag)
  handle(message.command).then(
    (result) => process.send!({ id: message.id, result }),
    (err: unknown) => process.send!({ id: message.id, error: err instanceof Error ? `${err.name}: ${err.message} ${err.stack?.split('\n')[1]?.trim() ?? ''}` : String(err) }),
  )
})
process.send!({ started: true })
