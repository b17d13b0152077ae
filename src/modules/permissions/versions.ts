import type { Redis } from '../../lib/redis'

/**
 * Per-scope permission versions in Redis (a scope is a community, or a DM room). A
 * version is a random token, never a counter, so a version lost with Redis can never be
 * confused with an old one. Reads are coalesced: callers that arrive in the same
 * event-loop turn, or while a read is in flight, share the next one, which is issued
 * after they arrived, so a check never sees a version older than the last bump that
 * finished before the check began.
 */
export class PermissionVersions {
  private waiting = new Map<string, { resolve(v: string): void; reject(e: unknown): void }[]>()
  private inFlight: Promise<void> | null = null

  constructor(private readonly redis: Redis) {}

  key(scope: string) {
    return this.redis.key('perm', 'v', scope)
  }

  read(scope: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(scope)
      if (list) list.push({ resolve, reject })
      else this.waiting.set(scope, [{ resolve, reject }])
      if (!this.inFlight) this.inFlight = this.flushSoon()
    })
  }

  async bump(scopes: string[]): Promise<void> {
    if (scopes.length === 0) return
    await this.redis.client.mSet(scopes.map((s) => [this.key(s), crypto.randomUUID()] as [string, string]))
  }

  private async flushSoon(): Promise<void> {
    // At the end of this event-loop turn: every frame read in it shares one MGET.
    await new Promise((resolve) => setImmediate(resolve))
    while (this.waiting.size > 0) {
      const batch = this.waiting
      this.waiting = new Map()
      const scopes = [...batch.keys()]
      try {
        const values = await this.readMany(scopes)
        scopes.forEach((s, i) => batch.get(s)!.forEach((w) => w.resolve(values[i]!)))
      } catch (err) {
        for (const list of batch.values()) list.forEach((w) => w.reject(err))
      }
    }
    this.inFlight = null
  }

  private async readMany(scopes: string[]): Promise<string[]> {
    const keys = scopes.map((s) => this.key(s))
    const values = await this.redis.client.mGet(keys)
    const result: string[] = []
    for (let i = 0; i < scopes.length; i++) {
      let v = values[i]
      if (v == null) {
        await this.redis.client.set(keys[i]!, crypto.randomUUID(), { condition: 'NX' })
        v = (await this.redis.client.get(keys[i]!)) ?? ''
      }
      result.push(v)
    }
    return result
  }
}
