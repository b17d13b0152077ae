import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { incomingWebhooks } from '../../db/schema'
import { sha256 } from '../../lib/ids'
import type { IncomingJob } from './incoming'
import { clip, githubMessage, jsonMessage, stripeMessage } from './render'

/**
 * Posts a message into a room as an incoming hook (the room actor, wired by the app).
 * Idempotent by `nonce`: posting one event twice shows one message.
 */
export type PostMessage = (input: { roomId: string; hookId: string; name: string; body: string; nonce: string }) => Promise<void>

export interface HookPosterDeps {
  db: Database
  postMessage: PostMessage
}

/** The `incoming` job: a verified event becomes a message in the hook's room. */
export class HookPoster {
  constructor(private readonly deps: HookPosterDeps) {}

  async post(job: IncomingJob): Promise<'posted' | 'dropped'> {
    const [hook] = await this.deps.db.select().from(incomingWebhooks).where(eq(incomingWebhooks.id, job.hookId))
    // Deleted or turned off after it was queued: its events go nowhere.
    if (!hook?.enabled) return 'dropped'
    const { name, body } = render(job, hook.name)
    await this.deps.postMessage({ roomId: hook.roomId, hookId: hook.id, name, body, nonce: nonceOf(job.eventId) })
    return 'posted'
  }
}

/** Message nonces are at most 64 characters; longer sender ids are hashed. */
export const nonceOf = (eventId: string) => (eventId.length <= 64 ? eventId : sha256(eventId).slice(0, 64))

function render(job: IncomingJob, hookName: string): { name: string; body: string } {
  if (job.verify === 'token') {
    const parsed = JSON.parse(job.body) as { body: string; username?: string }
    return { name: parsed.username?.trim() || hookName, body: clip(parsed.body) }
  }
  const payload = parsePayload(job.body)
  if (payload === undefined) return { name: hookName, body: clip(job.body) }
  if (job.verify === 'github') return { name: hookName, body: githubMessage(job.eventType, payload as Record<string, unknown>) }
  if (job.verify === 'stripe') return { name: hookName, body: stripeMessage(payload as Record<string, unknown>) }
  return { name: hookName, body: jsonMessage(payload) }
}

/** JSON, or GitHub's form encoding (`payload=<json>`); undefined when it is neither. */
function parsePayload(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    const form = body.startsWith('payload=') ? new URLSearchParams(body).get('payload') : null
    if (form === null) return undefined
    try {
      return JSON.parse(form)
    } catch {
      return undefined
    }
  }
}
