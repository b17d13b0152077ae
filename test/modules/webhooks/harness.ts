// The real app for the webhooks tests: every feature mounted, the job worker threads
// running every feature's processors and reactions, endpoint host names resolved by a DNS
// server the test plays (WEBHOOK_DNS_SERVERS), the test certificate trusted for https
// receivers (WEBHOOK_CA_CERTS).
import { afterAll, setDefaultTimeout } from 'bun:test'
import type { Server } from 'bun'
import { asc, eq, inArray } from 'drizzle-orm'
import type { WebhooksConfig } from '../../../src/config'
import { webhookAttempts, webhookDeliveries } from '../../../src/db/schema'
import { jobId } from '../../../src/jobs/queues'
import { Webhook } from 'standardwebhooks'
import { startTestApp } from '../../helpers/app'
import { newCommunity, ok } from '../../helpers/community'
import { eventually } from '../../helpers/wait'

export const HOOK_CERT = await Bun.file(new URL('./fixtures/hook.test.pem', import.meta.url)).text()
export const HOOK_KEY = await Bun.file(new URL('./fixtures/hook.test.key', import.meta.url)).text()

/**
 * A DNS server on a free UDP port: each name answers its next queued answer per record
 * type (A, AAAA), then its last one forever; an unknown name has no records. `lookups`
 * counts the A questions per name (one per resolution).
 */
export class TestDns {
  private readonly answers = new Map<string, string[][]>()
  private readonly served = new Map<string, number>()
  readonly lookups = new Map<string, number>()
  private constructor(private readonly socket: { port: number; close(): void }) {}

  static async start(): Promise<TestDns> {
    let dns!: TestDns
    const socket = await Bun.udpSocket({
      hostname: '127.0.0.1',
      socket: {
        data(s, buf, port, addr) {
          s.send(dns.answer(Buffer.from(buf)), port, addr)
        },
      },
    })
    dns = new TestDns(socket)
    afterAll(() => socket.close())
    return dns
  }

  get server(): string {
    return `127.0.0.1:${this.socket.port}`
  }

  set(name: string, ...answers: string[][]) {
    this.answers.set(name, answers)
    for (const type of ['A', 'AAAA']) this.served.delete(`${name}|${type}`)
    this.lookups.delete(name)
  }

  private answer(query: Buffer): Buffer {
    let i = 12
    const labels: string[] = []
    while (query[i]) {
      labels.push(query.subarray(i + 1, i + 1 + query[i]!).toString())
      i += query[i]! + 1
    }
    const name = labels.join('.').toLowerCase()
    const qtype = query.readUInt16BE(i + 1)
    const question = query.subarray(12, i + 5)
    const type = qtype === 1 ? 'A' : qtype === 28 ? 'AAAA' : undefined
    const records: Buffer[] = []
    const queue = this.answers.get(name)
    if (type && queue?.length) {
      if (type === 'A') this.lookups.set(name, (this.lookups.get(name) ?? 0) + 1)
      const n = this.served.get(`${name}|${type}`) ?? 0
      this.served.set(`${name}|${type}`, n + 1)
      for (const address of queue[Math.min(n, queue.length - 1)]!) {
        const bytes = type === 'A' ? ipv4Bytes(address) : ipv6Bytes(address)
        if (!bytes) continue
        const rr = Buffer.alloc(12 + bytes.length)
        rr.writeUInt16BE(0xc00c, 0) // the name: a pointer to the question's
        rr.writeUInt16BE(qtype, 2)
        rr.writeUInt16BE(1, 4) // IN
        rr.writeUInt32BE(0, 6) // TTL 0: nothing may keep it
        rr.writeUInt16BE(bytes.length, 10)
        bytes.copy(rr, 12)
        records.push(rr)
      }
    }
    const header = Buffer.alloc(12)
    header.writeUInt16BE(query.readUInt16BE(0), 0)
    header.writeUInt16BE(0x8180, 2) // a response, recursion available, no error
    header.writeUInt16BE(1, 4)
    header.writeUInt16BE(records.length, 6)
    return Buffer.concat([header, question, ...records])
  }
}

const ipv4Bytes = (a: string) => (a.includes(':') ? undefined : Buffer.from(a.split('.').map(Number)))
function ipv6Bytes(a: string): Buffer | undefined {
  if (!a.includes(':')) return undefined
  const [head, tail] = a.split('::') as [string, string | undefined]
  const h = head ? head.split(':') : []
  const t = tail ? tail.split(':') : []
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t]
  const out = Buffer.alloc(16)
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2))
  return out
}

/**
 * Hearth with the webhooks settings of a test file. The settings read when a request is
 * answered (registration checks, rates, the secret overlap) can be changed for a test
 * through `config`; those read by the worker threads are fixed per app (`env`).
 */
export async function startWebhooksApp(env: Record<string, string> = {}, opts: { jobs?: boolean } = {}) {
  // The calling file's tests get 20 s: bun 1.4.5 gives the preload's default to the first test
  // file only, and these wait up to 10 s for a delivery (a file may set more after this call).
  setDefaultTimeout(20_000)
  const dns = await TestDns.start()
  const app = await startTestApp(
    {
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOW_LOOPBACK: 'true',
      WEBHOOK_TIMEOUT_MS: '3000',
      WEBHOOK_RETRY_SCHEDULE: '200ms,200ms',
      WEBHOOK_ENDPOINT_CONCURRENCY: '2',
      WEBHOOK_DNS_SERVERS: dns.server,
      WEBHOOK_CA_CERTS: HOOK_CERT,
      EVENTS_RELAY_INTERVAL_MS: '100',
      RATE_WRITES_PER_USER: '100000/60',
      RATE_READS_PER_USER: '100000/60',
      ...env,
    },
    opts.jobs === false ? {} : { jobs: {} },
  )
  const config: WebhooksConfig = app.res.config.webhooks
  return { app, http: app.http, dns, config, webhooks: app.hearth.api('webhooks') }
}

export type WebhooksApp = Awaited<ReturnType<typeof startWebhooksApp>>

/** Runs `fn` with request-side settings changed (see startWebhooksApp). */
export async function withConfig<T>(h: WebhooksApp, patch: Partial<WebhooksConfig>, fn: () => Promise<T>): Promise<T> {
  const before = { ...h.config }
  Object.assign(h.config, patch)
  try {
    return await fn()
  } finally {
    Object.assign(h.config, before)
  }
}

/** The notifications a user has, once at least `count` are there. */
export async function notificationsOf(h: WebhooksApp, token: string, count = 1) {
  return eventually(
    'the notifications',
    async () => {
      const page = (await h.http.get('/v1/notifications', { token })).body
      return page.notifications?.length >= count && (page.notifications as any[])
    },
    10_000,
  )
}

/**
 * Where an endpoint's deliveries are, for a test's failure message when a receiver waited in
 * vain: each delivery's row, its attempts, and the state of the job of its next attempt (the
 * job a 'busy' endpoint re-queues is not followed). It says at which step a delivery stopped:
 * none made, made and its job never run, or its attempts failed.
 */
export async function deliveryReport(h: WebhooksApp, endpointId: string) {
  const { db, jobs } = h.app.res
  const rows = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpointId))
  const attempts = rows.length
    ? await db.select().from(webhookAttempts).where(inArray(webhookAttempts.deliveryId, rows.map((d) => d.id))).orderBy(asc(webhookAttempts.attempt))
    : []
  const deliveries = await Promise.all(
    rows.map(async (d) => {
      const job = await jobs.queues.webhooks.getJob(jobId('wh', d.id, d.attempts + 1))
      // Every job of the delivery, the re-queued and the tagged (a manager's retry) included.
      const all = (await jobs.queues.webhooks.getJobs(['active', 'waiting', 'prioritized', 'delayed', 'completed', 'failed'])).filter((j) => j?.data?.deliveryId === d.id)
      return {
        id: d.id,
        eventType: d.eventType,
        status: d.status,
        attempts: d.attempts,
        lastError: d.lastError,
        createdAt: d.createdAt,
        nextAttemptAt: d.nextAttemptAt,
        attemptLog: attempts.filter((a) => a.deliveryId === d.id).map(({ attempt, startedAt, statusCode, error, latencyMs }) => ({ attempt, startedAt, statusCode, error, latencyMs })),
        nextJob: job ? { state: await job.getState(), addedAt: job.timestamp, processedOn: job.processedOn, finishedOn: job.finishedOn, returned: job.returnvalue, failed: job.failedReason } : 'none',
        jobs: await Promise.all(
          all.map(async (j) => ({ id: j.id, state: await j.getState(), delay: j.delay, addedAt: j.timestamp, processedOn: j.processedOn, finishedOn: j.finishedOn, returned: j.returnvalue, failed: j.failedReason })),
        ),
      }
    }),
  )
  return { at: new Date(), deliveries }
}

/**
 * Waits until `rx` has at least `count` requests; a wait in vain throws with where the
 * endpoint's deliveries stopped (deliveryReport), since a bare timeout tells nothing.
 */
export async function requestsAt(h: WebhooksApp, rx: { received: Received[] }, endpointId: string, count: number, what = 'the delivery') {
  await eventually(what, async () => rx.received.length >= count).catch(async (err) => {
    throw new Error(`${err.message}; the receiver has ${rx.received.length}; the endpoint's deliveries: ${JSON.stringify(await deliveryReport(h, endpointId))}`)
  })
}

/** A community with one endpoint; `send` delivers an event of that community (as the `*` reaction does). */
export async function newEndpoint(h: WebhooksApp, url: string, events = ['*']) {
  const w = await newCommunity(h.http)
  const created = ok(await h.http.post(`/v1/communities/${w.id}/webhooks`, { url, events }, w.as(w.owner)), 201).body
  let n = 0
  return {
    w,
    id: created.id as string,
    secret: created.secret as string,
    send: (type = 'message.created', data: unknown = { text: `hello ${++n}` }) =>
      h.webhooks.deliveries.deliver({ id: crypto.randomUUID(), type: type as 'message.created', at: new Date().toISOString(), data: data as never, communityId: w.id }),
    deliveries: async (query = '') => ok(await h.http.get(`/v1/webhooks/${created.id}/deliveries${query}`, w.as(w.owner))).body,
    endpoint: async () => ok(await h.http.get(`/v1/webhooks/${created.id}`, w.as(w.owner))).body,
  }
}

/** What a receiver using the standardwebhooks package makes of a request (throws if it does not verify). */
export const verify = (secret: string, r: Received) => new Webhook(secret).verify(r.body, r.headers) as any

export interface Received {
  at: number
  method: string
  path: string
  headers: Record<string, string>
  body: string
}

/**
 * A real HTTP receiver on a free port. `answer` decides each reply (by the number of the
 * request, from 1); every request is recorded with the time it arrived.
 */
export function receiver(
  answer: (req: Request, n: number) => Response | Promise<Response> = () => new Response('ok'),
  opts: { tls?: boolean; hostname?: string } = {},
) {
  const received: Received[] = []
  const server: Server<undefined> = Bun.serve({
    port: 0,
    hostname: opts.hostname ?? '127.0.0.1',
    ...(opts.tls ? { tls: { cert: HOOK_CERT, key: HOOK_KEY } } : {}),
    async fetch(req) {
      const body = await req.text()
      // A body shorter than its Content-Length never fully arrived (its connection died on the
      // way: CI saw such a request, JSON cut short, beside the delivery's complete one). It is
      // not a delivery the receiver got; it is said, and not counted.
      const declared = Number(req.headers.get('content-length') ?? Number.NaN)
      if (Number.isFinite(declared) && Buffer.byteLength(body) < declared) {
        console.warn('[webhooks test receiver] a request whose body ended early', { id: req.headers.get('webhook-id'), declared, got: Buffer.byteLength(body) })
        return new Response('the body ended early', { status: 400 })
      }
      received.push({ at: Date.now(), method: req.method, path: new URL(req.url).pathname, headers: Object.fromEntries(req.headers), body })
      return answer(req, received.length)
    },
  })
  afterAll(() => server.stop(true))
  const scheme = opts.tls ? 'https' : 'http'
  return {
    server,
    port: server.port!,
    url: `${scheme}://127.0.0.1:${server.port}/hook`,
    received,
    stop: () => server.stop(true),
  }
}
