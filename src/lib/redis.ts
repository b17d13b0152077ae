import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  createClient,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
} from 'redis'
import { ConfigError, redactUrl } from '../config'
import type { Logger } from './log'

export type RedisClient = ReturnType<typeof createClient>

/**
 * The app's one Redis connection (node-redis). At boot an unreachable server is a
 * config error; once running, a lost connection is retried forever with backoff while
 * commands fail at once (no offline queue) so requests answer 503 instead of hanging.
 */
export class Redis {
  readonly client: RedisClient
  readonly prefix: string
  private booted = false
  private lastErrorLog = 0

  constructor(private readonly resources: { url: string; prefix: string; log: Logger }) {
    this.prefix = resources.prefix
    this.client = createClient({
      url: resources.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 3000,
        reconnectStrategy: (retries, cause) => {
          if (!this.booted) return cause
          return Math.min(50 * 2 ** Math.min(retries, 6), 2000) + Math.floor(Math.random() * 100)
        },
      },
    })
    this.client.on('error', (err) => {
      const now = Date.now()
      if (this.booted && now - this.lastErrorLog > 5000) {
        this.lastErrorLog = now
        this.resources.log.warn('redis connection problem', { error: String(err) })
      }
    })
    this.client.on('ready', () => {
      if (this.booted) this.resources.log.info('redis connection restored')
    })
  }

  async connect(): Promise<this> {
    try {
      await this.client.connect()
    } catch (err) {
      throw new ConfigError(
        `REDIS_URL: nothing answers at ${redactUrl(this.resources.url)} (${(err as Error).message || err}) — start Redis or set REDIS_URL`,
      )
    }
    this.booted = true
    return this
  }

  /** True while commands can be sent. */
  get isReady(): boolean {
    return this.client.isReady
  }

  /** A key under this process's prefix: key('rl', 'login', ip) -> "hearth:rl:login:1.2.3.4". */
  key(...parts: (string | number)[]): string {
    return this.prefix + parts.join(':')
  }

  async ping(): Promise<void> {
    await this.client.ping()
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close().catch(() => this.client.destroy())
  }
}

/** True when a command failed because Redis could not be reached. */
export function isRedisDown(err: unknown): boolean {
  return (
    err instanceof ClientOfflineError ||
    err instanceof ClientClosedError ||
    err instanceof ConnectionTimeoutError ||
    err instanceof SocketClosedUnexpectedlyError ||
    err instanceof SocketTimeoutError
  )
}
