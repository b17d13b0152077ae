import { and, asc, eq, gt, or, sql } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { blocks, communityMembers, consumedEvents } from '../../db/schema'
import type { DomainEvent } from '../../domain-events/types'
import type { JobContext } from '../../jobs/processors'
import { onlineAmong } from '../../realtime/presence'
import { EVERYONE } from '../messages/service'
import { canView, type CommunityAcl } from '../permissions/engine'
import type { PermissionService } from '../permissions/service'
import type { MuteService } from './mutes'
import { pushNotification } from './processor'
import { storeForMany } from './store'
import { UnreadCounter } from './unread-count'

export type EveryoneMention = 'everyone' | 'here'

const MEMBER_SCAN_CHUNK = 1000
/** Recipients stored (and their locks held) per transaction. */
const STORE_CHUNK = 500
const CONSUMER = 'notifications.everyone'

/** What a message calls: `@everyone` (when it says both), `@here`, or neither (null). */
export function everyoneMentionIn(body: string): EveryoneMention | null {
  let found: EveryoneMention | null = null
  for (const m of body.matchAll(new RegExp(EVERYONE.source, 'g'))) {
    if (m[2] === 'everyone') return 'everyone'
    found = 'here'
  }
  return found
}

/**
 * `@everyone` notifies every member who may view the room now, `@here` those of them online
 * now; never the author, anyone who blocks the author or whom the author blocks, anyone who
 * muted the room (or above it), nor `notified` (named, replied to: they have their own).
 * One notification each, of type `everyone` (grouped per room like the others). The author
 * could only send it holding `mention_everyone` (checked at the send). DMs have no
 * `@everyone` notifications: each member of one already gets a `dm`.
 *
 * A room may have thousands of viewers: they are found from one ACL and the member list read
 * in chunks, and stored in transactions of up to STORE_CHUNK. Each transaction claims the
 * parts of the id space (the last two hex digits of the id) its users fall in, so a retried
 * job stores nothing twice and finishes what a failed run left, whoever joined or left meanwhile.
 */
export async function notifyEveryone(
  event: DomainEvent<'message.created'>,
  ctx: JobContext,
  services: { permissions: PermissionService; mutes: MuteService; notified: Set<string> },
): Promise<void> {
  const { message } = event.data
  const mention = everyoneMentionIn(message.body)
  if (!message.mentionEveryone || !mention) return
  const place = await services.permissions.placement(message.roomId)
  if (!place?.communityId) return
  const { acl } = await services.permissions.context(place.communityId, message.authorId)
  if (!acl) return

  const hidden = await blockedWith(ctx.db, message.authorId)
  let audience = (await viewersOf(ctx.db, acl, message.roomId)).filter(
    (id) => id !== message.authorId && !services.notified.has(id) && !hidden.has(id),
  )
  if (mention === 'here') {
    const online = await onlineAmong(ctx.redis, audience)
    audience = audience.filter((id) => online.has(id))
  }

  const data = { roomId: message.roomId, messageId: message.id, seq: message.seq, preview: message.body.slice(0, 140), mention }
  const unread = new UnreadCounter(ctx)
  for (const parts of batchesOf(audience)) {
    const candidates = [...parts.values()].flat()
    const muted = await services.mutes.mutedIn(message.roomId, candidates)
    let stored: Awaited<ReturnType<typeof storeForMany>> = []
    try {
      stored = await ctx.db.transaction(async (tx) => {
        const claimed = await claimParts(tx as unknown as Database, event.id, [...parts.keys()])
        const userIds = [...parts].flatMap(([part, ids]) => (claimed.has(part) ? ids : [])).filter((id) => !muted.has(id))
        return storeForMany(
          tx,
          { userIds, type: 'everyone', targetType: 'room', targetId: message.roomId, actorId: message.authorId, data },
          { windowSeconds: ctx.config.jobs.notificationGroupWindowSeconds, unread },
        )
      })
    } catch (err) {
      // The counts may have been incremented for rows that did not commit: rebuilt on the next read.
      await Promise.all(candidates.map((id) => unread.forget(id)))
      throw err
    }
    await Promise.all(stored.map((row) => pushNotification(ctx, row)))
  }
}

/** One of 256 parts of the id space, each claimed once per message: the id's last two hex digits (random in a v7 id). */
const partOf = (userId: string) => userId.slice(-2)

/** The audience in batches of whole parts (about STORE_CHUNK users each): part -> its users. */
function batchesOf(userIds: string[]): Map<string, string[]>[] {
  const byPart = new Map<string, string[]>()
  for (const id of userIds) {
    const part = partOf(id)
    const list = byPart.get(part)
    if (list) list.push(id)
    else byPart.set(part, [id])
  }
  const batches: Map<string, string[]>[] = []
  let batch = new Map<string, string[]>()
  let size = 0
  for (const part of [...byPart.keys()].sort()) {
    const ids = byPart.get(part)!
    if (size > 0 && size + ids.length > STORE_CHUNK) {
      batches.push(batch)
      batch = new Map()
      size = 0
    }
    batch.set(part, ids)
    size += ids.length
  }
  if (size > 0) batches.push(batch)
  return batches
}

/** Claims parts of a message's audience in the transaction that stores them: those claimed now (not by an earlier run). */
async function claimParts(tx: Database, eventId: string, parts: string[]): Promise<Set<string>> {
  if (parts.length === 0) return new Set()
  const rows = await tx
    .insert(consumedEvents)
    .values(parts.map((part) => ({ consumer: `${CONSUMER}.${part}`, eventId })))
    .onConflictDoNothing()
    .returning({ consumer: consumedEvents.consumer })
  return new Set(rows.map((r) => r.consumer.slice(CONSUMER.length + 1)))
}

/**
 * The community's members who may view the room now: the member list read in chunks (with
 * each member's roles and standing) and checked in memory against the room's rules, as the
 * room's member list does (rooms/service.ts), instead of one permission check per member.
 */
async function viewersOf(db: Database, acl: CommunityAcl, roomId: string): Promise<string[]> {
  const viewers: string[] = []
  const now = Date.now()
  let after: string | undefined
  for (;;) {
    const chunk = await db
      .select({
        userId: communityMembers.userId,
        timeoutUntil: communityMembers.timeoutUntil,
        // Written out with the table's name: from one table, Drizzle names the outer columns
        // bare, and inside these subqueries a bare `user_id` is the inner table's own.
        roleIds: sql<string[]>`coalesce((select array_agg(mr.role_id::text) from member_roles mr
          where mr.community_id = community_members.community_id and mr.user_id = community_members.user_id), '{}')`,
        isOwner: sql<boolean>`exists (select 1 from community_owners co
          where co.community_id = community_members.community_id and co.user_id = community_members.user_id)`,
        // Added to this room (what a private room asks); the other rooms do not matter here.
        inRoom: sql<boolean>`exists (select 1 from room_members rm where rm.room_id = ${roomId} and rm.user_id = community_members.user_id)`,
      })
      .from(communityMembers)
      .where(and(eq(communityMembers.communityId, acl.communityId), after ? gt(communityMembers.userId, after) : undefined))
      .orderBy(asc(communityMembers.userId))
      .limit(MEMBER_SCAN_CHUNK)
    for (const m of chunk) {
      const member = {
        userId: m.userId,
        isMember: true,
        isOwner: Boolean(m.isOwner),
        roleIds: m.roleIds,
        timeoutUntil: m.timeoutUntil?.getTime() ?? null,
        privateRooms: new Set(m.inRoom ? [roomId] : []),
      }
      if (canView(acl, member, { kind: 'room', id: roomId }, now)) viewers.push(m.userId)
    }
    if (chunk.length < MEMBER_SCAN_CHUNK) return viewers
    after = chunk[chunk.length - 1]!.userId
  }
}

/** Everyone who blocks the user or whom the user blocks (the social layer's table, read as it is). */
export async function blockedWith(db: Database, userId: string): Promise<Set<string>> {
  const rows = await db
    .select({ blockerId: blocks.blockerId, blockedId: blocks.blockedId })
    .from(blocks)
    .where(or(eq(blocks.blockerId, userId), eq(blocks.blockedId, userId)))
  return new Set(rows.map((r) => (r.blockerId === userId ? r.blockedId : r.blockerId)))
}
