// A user's secret iCalendar feed: one URL per user, shown again on every GET (like a
// calendar app's "secret address"), replaced by rotating, gone when revoked.
import { eq, inArray } from 'drizzle-orm'
import type { RateRule } from '../../config'
import type { Database } from '../../db/client'
import { calendarFeeds, communityMembers, eventOverrides, eventSeries } from '../../db/schema'
import { notFound } from '../../lib/errors'
import { randomToken, sha256 } from '../../lib/ids'
import type { RateLimiter } from '../../lib/rate-limit'
import type { EventAccess } from './access'
import { renderCalendar } from './ical'

export interface CalendarFeedDeps {
  db: Database
  access: Pick<EventAccess, 'viewer'>
  rateLimiter: Pick<RateLimiter, 'hit'>
  limits: { feedPerToken: RateRule; feedPerIp: RateRule }
  now?: () => number
}

/** What a feed token looks like (randomToken(32)); anything else is no feed, without a lookup. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{20,64}$/

export class CalendarFeedService {
  constructor(private readonly deps: CalendarFeedDeps) {}

  /** The caller's feed token, made on first use. */
  async token(userId: string): Promise<string> {
    const [existing] = await this.deps.db.select().from(calendarFeeds).where(eq(calendarFeeds.userId, userId))
    if (existing) return existing.token
    const token = randomToken(32)
    await this.deps.db.insert(calendarFeeds).values({ userId, token }).onConflictDoNothing()
    const [row] = await this.deps.db.select().from(calendarFeeds).where(eq(calendarFeeds.userId, userId))
    return row!.token
  }

  /** A new token; the old URL stops working. */
  async rotate(userId: string): Promise<string> {
    const token = randomToken(32)
    await this.deps.db
      .insert(calendarFeeds)
      .values({ userId, token })
      .onConflictDoUpdate({ target: calendarFeeds.userId, set: { token, createdAt: new Date() } })
    return token
  }

  async revoke(userId: string): Promise<void> {
    await this.deps.db.delete(calendarFeeds).where(eq(calendarFeeds.userId, userId))
  }

  /**
   * The feed a public request asks for: counted per client IP (every request, so guessing
   * URLs is slow) and per feed (a leaked URL fetched from everywhere); 404 for a token that
   * is not (or no longer) one, 429 past a limit.
   */
  async serve(opts: { token: string; ip: string }): Promise<{ body: string; etag: string }> {
    await this.deps.rateLimiter.hit(`cal:ip:${opts.ip}`, this.deps.limits.feedPerIp)
    const userId = TOKEN_SHAPE.test(opts.token) ? await this.owner(opts.token) : undefined
    if (!userId) throw notFound('calendar')
    await this.deps.rateLimiter.hit(`cal:feed:${sha256(opts.token).slice(0, 32)}`, this.deps.limits.feedPerToken)
    return this.render(userId)
  }

  private async owner(token: string): Promise<string | undefined> {
    const [feed] = await this.deps.db.select({ userId: calendarFeeds.userId }).from(calendarFeeds).where(eq(calendarFeeds.token, token))
    return feed?.userId
  }

  /** The user's feed: every series of their communities they may see, with its overrides. */
  async render(userId: string): Promise<{ body: string; etag: string }> {
    const now = this.deps.now?.() ?? Date.now()
    const memberships = await this.deps.db
      .select({ communityId: communityMembers.communityId })
      .from(communityMembers)
      .where(eq(communityMembers.userId, userId))
    const communityIds = memberships.map((m) => m.communityId)
    const rows = communityIds.length
      ? await this.deps.db
          .select()
          .from(eventSeries)
          .where(inArray(eventSeries.communityId, communityIds))
          .orderBy(eventSeries.id)
      : []
    const viewers = new Map(await Promise.all(communityIds.map(async (id) => [id, await this.deps.access.viewer(userId, id)] as const)))
    const visible = rows.filter((r) => viewers.get(r.communityId)?.(r))
    const overrides = visible.length
      ? await this.deps.db
          .select()
          .from(eventOverrides)
          .where(
            inArray(
              eventOverrides.seriesId,
              visible.map((r) => r.id),
            ),
          )
          .orderBy(eventOverrides.seriesId, eventOverrides.originalStart)
      : []
    const body = renderCalendar({ name: 'Hearth', series: visible, overrides, now })
    return { body, etag: `"${sha256(body).slice(0, 32)}"` }
  }
}

/** Whether an If-None-Match header names this ETag (or is `*`). */
export function etagMatches(header: string | null | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((tag) => {
    const t = tag.trim()
    return t === '*' || t === etag || t === `W/${etag}`
  })
}
