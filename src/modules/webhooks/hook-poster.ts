import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { incomingWebhooks } from '../../db/schema'
import { AppError } from '../../lib/errors'
import { sha256 } from '../../lib/ids'
import type { Logger } from '../../lib/log'
import { RESERVED_NONCE } from '../messages/model'
import type { MessageService } from '../messages/service'
import type { IncomingJob } from './incoming'
import { clip, githubMessage, jsonMessage, stripeMessage } from './render'

export interface HookPosterDeps {
  db: Database
  log: Logger
  messages: Pick<MessageService, 'send'>
}

/**
 * Refusals that a retry cannot change: the bot was removed, or may no longer send there, or
 * the community's automod refuses the text (a retry would only be refused, and audited, again).
 */
const PERMANENT = new Set(['not_found', 'missing_permission', 'forbidden', 'banned', 'validation_failed', 'automod_blocked'])

/**
 * The `webhooks.incoming` job of the `api` queue: a verified event becomes a message in the
 * hook's room, sent by the hook's bot through the messages api (permission check, room
 * actor) with the event's id as the nonce — the room actor's (room, author, nonce)
 * uniqueness makes a redelivered event one message.
 */
export class HookPoster {
  constructor(private readonly deps: HookPosterDeps) {}

  async post(job: IncomingJob): Promise<'posted' | 'dropped'> {
    const [hook] = await this.deps.db.select().from(incomingWebhooks).where(eq(incomingWebhooks.id, job.hookId))
    // Deleted or turned off after it was queued: its events go nowhere.
    if (!hook?.enabled) return 'dropped'
    try {
      await this.deps.messages.send(hook.botUserId, hook.roomId, { nonce: nonceOf(job.eventId), body: render(job) })
    } catch (err) {
      if (!(err instanceof AppError) || !PERMANENT.has(err.code)) throw err
      this.deps.log.warn('an incoming hook could not post into its room', { hookId: hook.id, roomId: hook.roomId, code: err.code })
      return 'dropped'
    }
    return 'posted'
  }
}

/** Message nonces are at most 64 characters and may not look like a poll's or survey's: such sender ids are hashed. */
export const nonceOf = (eventId: string) => (eventId.length <= 64 && !RESERVED_NONCE.test(eventId) ? eventId : sha256(eventId).slice(0, 64))

/**
 * The message text. A hook never mentions everyone (`@everyone`, `@here` are defused);
 * a provider's text (GitHub logins, JSON) mentions nobody, since its names are not this
 * community's. A token hook's own `@name` mentions stay.
 */
function render(job: IncomingJob): string {
  if (job.verify === 'token') {
    const parsed = JSON.parse(job.body) as { body: string }
    return defuse(clip(parsed.body), /(^|\s)@(?=(everyone|here)\b)/g)
  }
  const payload = parsePayload(job.body)
  let text: string
  if (payload === undefined) text = clip(job.body)
  else if (job.verify === 'github') text = githubMessage(job.eventType, payload as Record<string, unknown>)
  else if (job.verify === 'stripe') text = stripeMessage(payload as Record<string, unknown>)
  else text = jsonMessage(payload)
  return defuse(text.replace(/<@(?=[0-9a-f-]{36}>)/gi, '<@\u200b'), /(^|\s)@(?=[A-Za-z0-9_])/g)
}

/** A zero-width space after the `@` of each match: shown the same, parsed as no mention. */
const defuse = (text: string, at: RegExp) => clip(text.replace(at, '$1@\u200b'))

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
