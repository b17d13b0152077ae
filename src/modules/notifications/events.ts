import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { consumeOnce } from '../../db/outbox'
import { messages, roomMembers } from '../../db/schema'
import type { DomainEvent, Reactions } from '../../domain-events/types'
import type { JobContext } from '../../jobs/processors'
import { has, Perm } from '../permissions/bits'
import { permissionsFor } from '../permissions/service'
import type { NotifyInput } from './model'
import { blockedWith, notifyEveryone } from './everyone'
import { MuteService } from './mutes'
import { pushNotification } from './processor'
import { storeNotification } from './store'
import { UnreadCounter } from './unread-count'

const CONSUMER = 'notifications'
const isDm = (kind: string) => kind === 'dm' || kind === 'group_dm'

function servicesFor(ctx: JobContext) {
  const permissions = permissionsFor(ctx)
  return { permissions, mutes: new MuteService({ db: ctx.db, permissions }) }
}

/**
 * Mentions, replies and DMs notify whoever they concern (not the author, not who muted
 * the room, not who blocks the author or whom the author blocks): all of a message's notifications are stored in one transaction with the
 * claim of the event, so a redelivered event stores nothing twice. Then `@everyone` and
 * `@here` notify the rest of the room (everyone.ts), claimed apart: a redelivery after
 * the first transaction committed still finishes them.
 */
async function notifyForMessage(event: DomainEvent<'message.created'>, ctx: JobContext): Promise<void> {
  const { message, roomKind } = event.data
  const { permissions, mutes } = servicesFor(ctx)
  const recipients = new Map<string, string>()
  const add = (userId: string, type: string) => {
    if (userId !== message.authorId && !recipients.has(userId)) recipients.set(userId, type)
  }
  for (const id of message.mentions) add(id, 'mention')
  if (message.replyTo) {
    const [parent] = await ctx.db.select({ authorId: messages.authorId }).from(messages).where(eq(messages.id, message.replyTo))
    if (parent) add(parent.authorId, 'reply')
  }
  if (isDm(roomKind)) {
    const members = await ctx.db.select({ userId: roomMembers.userId }).from(roomMembers).where(eq(roomMembers.roomId, message.roomId))
    for (const m of members) add(m.userId, 'dm')
  }
  // Who may view the room now, not when the message was sent: a mentioned member removed
  // from a private room meanwhile gets no notification (and no preview of what was said there).
  const candidates = [...recipients.keys()]
  const viewing = await Promise.all(candidates.map(async (userId) => has(await permissions.inRoom(userId, message.roomId), Perm.view)))
  const [muted, blind] = [await mutes.mutedIn(message.roomId, candidates), new Set(candidates.filter((_, i) => !viewing[i]))]
  // A block hides the author's messages from the other either way: no mention or reply of theirs reaches them.
  const blocked = candidates.length ? await blockedWith(ctx.db, message.authorId) : new Set<string>()
  const inputs: NotifyInput[] = [...recipients]
    .filter(([userId]) => !muted.has(userId) && !blind.has(userId) && !blocked.has(userId))
    .sort(([a], [b]) => a.localeCompare(b)) // one lock order for every transaction that stores several
    .map(([userId, type]) => ({
      userId,
      type,
      targetType: 'room',
      targetId: message.roomId,
      actorId: message.authorId,
      data: { roomId: message.roomId, messageId: message.id, seq: message.seq, preview: message.body.slice(0, 140) },
    }))
  const unread = new UnreadCounter(ctx)
  const windowSeconds = ctx.config.jobs.notificationGroupWindowSeconds
  let stored: Awaited<ReturnType<typeof storeNotification>>[] = []
  try {
    stored = await ctx.db.transaction(async (tx) => {
      if (!(await consumeOnce(tx, CONSUMER, event.id))) return []
      const rows = []
      for (const input of inputs) rows.push(await storeNotification(tx as unknown as Database, input, { windowSeconds, unread }))
      return rows
    })
  } catch (err) {
    for (const input of inputs) await unread.forget(input.userId)
    throw err
  }
  for (const { row } of stored) await pushNotification(ctx, row)
  // After the named: whoever they concern has a notification of this message already.
  await notifyEveryone(event, ctx, { permissions, mutes, notified: new Set(recipients.keys()) })
}

export const notificationReactions: Reactions<JobContext> = {
  'message.created': {
    // Most messages concern nobody: only those are queued for this consumer.
    wants: (event) =>
      event.data.message.mentions.length > 0 ||
      event.data.message.mentionEveryone ||
      event.data.message.replyTo !== null ||
      isDm(event.data.roomKind),
    handle: notifyForMessage,
  },
}
