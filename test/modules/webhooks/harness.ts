// A running Hearth with the webhooks routes mounted and the webhooks queue consumed on
// the test's thread, with its ports (DNS, alerts, room posting) played by the test.
import { afterAll } from 'bun:test'
import type { Server } from 'bun'
import type { WebhooksConfig } from '../../../src/config'
import { startConsumers } from '../../../src/jobs/consumers'
import { createWebhooks } from '../../../src/modules/webhooks/service'
import { webhookProcessors } from '../../../src/modules/webhooks/processors'
import { startTestApp } from '../../helpers/app'
import { HttpClient, type HttpResponse, type RequestOptions } from '../../helpers/http'
import { useWebhookProcessors, webhookJobModule } from './job-module'
import { webhooksApp } from './standalone-app'

export const HOOK_CERT = await Bun.file(new URL('./fixtures/hook.test.pem', import.meta.url)).text()
export const HOOK_KEY = await Bun.file(new URL('./fixtures/hook.test.key', import.meta.url)).text()

/** A DNS server the test controls: each name answers its next queued answer, then its last one forever. */
export class TestDns {
  private readonly answers = new Map<string, string[][]>()
  readonly asked: string[] = []

  set(name: string, ...answers: string[][]) {
    this.answers.set(name, answers)
  }

  resolve = async (name: string): Promise<string[]> => {
    this.asked.push(name)
    const queue = this.answers.get(name)
    if (!queue?.length) return []
    return queue.length > 1 ? queue.shift()! : queue[0]!
  }
}

export interface Posted {
  roomId: string
  hookId: string
  name: string
  body: string
  nonce: string
}

export async function startWebhooksApp(env: Record<string, string> = {}) {
  const app = await startTestApp({
    WEBHOOK_ALLOW_HTTP: 'true',
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    WEBHOOK_TIMEOUT_MS: '1000',
    WEBHOOK_RETRY_SCHEDULE: '200ms,200ms,200ms',
    ...env,
  })
  const dns = new TestDns()
  // One object shared by the request side and the jobs, so a test can change a rule for both.
  const config: WebhooksConfig = { ...app.res.config.webhooks }
  const posted: Posted[] = []
  const alerts: { communityId: string; endpointId: string; url: string; reason: string }[] = []
  const webhooks = createWebhooks({
    db: app.res.db,
    redis: app.res.redis,
    rateLimiter: app.res.rateLimiter,
    permissions: app.services.permissions,
    jobs: app.res.jobs,
    config,
    resolve: dns.resolve,
  })
  useWebhookProcessors(
    webhookProcessors({
      db: app.res.db,
      redis: app.res.redis,
      log: app.res.log,
      jobs: app.res.jobs,
      config,
      resolve: dns.resolve,
      ca: HOOK_CERT,
      alerts: {
        endpointDisabled: async (input) => {
          alerts.push(input)
        },
      },
      postMessage: async (input) => {
        // The room actor is idempotent by (room, author, nonce); so is this stand-in.
        if (!posted.some((p) => p.roomId === input.roomId && p.hookId === input.hookId && p.nonce === input.nonce)) posted.push(input)
      },
    }),
  )
  const consumers = await startConsumers(app.res, { modules: [webhookJobModule], report: () => {} })
  const server = webhooksApp({ log: app.res.log, routes: { signedIn: app.services.signedIn, ...webhooks } })
    .listen({ port: 0, hostname: '127.0.0.1' })
  const url = `http://127.0.0.1:${server.server!.port}`
  afterAll(async () => {
    await consumers.close()
    await server.stop(true)
  })
  return { app, webhooks, dns, config, posted, alerts, url, http: new RoutedClient({ app: app.url, webhooks: url }) }
}

const webhookPaths = /^\/(swagger|v1\/(communities\/[^/]+\/webhooks|webhooks\/|rooms\/[^/]+\/incoming-webhooks|incoming-webhooks\/|hooks\/))/

/** One client for both servers: the webhooks routes go to theirs, everything else to the app. */
class RoutedClient extends HttpClient {
  private readonly webhooks: HttpClient
  constructor(urls: { app: string; webhooks: string }) {
    super(urls.app)
    this.webhooks = new HttpClient(urls.webhooks)
  }

  override request<T = any>(method: string, path: string, body?: unknown, opts?: RequestOptions): Promise<HttpResponse<T>> {
    return webhookPaths.test(path) ? this.webhooks.request<T>(method, path, body, opts) : super.request<T>(method, path, body, opts)
  }
}

export type WebhooksApp = Awaited<ReturnType<typeof startWebhooksApp>>

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
