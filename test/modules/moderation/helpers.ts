import { afterAll } from 'bun:test'
import { createApp } from '../../../src/app'
import { AppError } from '../../../src/lib/errors'
import { moderationRoutes } from '../../../src/modules/moderation'
import type { RecordEvent } from '../../../src/modules/moderation/ports'
import { Reports } from '../../../src/modules/moderation/reports'
import { AutomodRules } from '../../../src/modules/moderation/rules'
import { Automod, type CheckInput } from '../../../src/modules/moderation/screen'
import { messageTargets } from '../../../src/modules/moderation/targets'
import { startTestApp } from '../../helpers/app'
import { HttpClient } from '../../helpers/http'

/**
 * A test app with the moderation routes mounted (until the lead wires them into src/app.ts),
 * its ports wired to the real services, and the events and notifications it produced.
 */
export async function startModeration(env: Record<string, string> = {}) {
  const app = await startTestApp(env)
  const { db, redis, log, rateLimiter, config } = app.res
  const { permissions, communities, messages } = app.services
  const events: { type: string; data: Record<string, unknown>; communityId?: string | null }[] = []
  const notified: { userId: string; type: string; actorId?: string | null; data?: Record<string, unknown> }[] = []
  const recordEvent: RecordEvent = async (_tx, event) => {
    events.push(event)
  }
  const automod = new Automod({ db, redis, log, permissions, recordEvent })
  const rules = new AutomodRules({ db, permissions, recordEvent, compiledRules: automod })
  const reports = new Reports({
    db,
    log,
    permissions,
    rateLimiter,
    reportLimit: config.rateLimits.reportsPerUser,
    targets: { message: messageTargets({ db, permissions, remove: (actorId, id) => messages.remove(actorId, id) }) },
    sanctions: {
      timeout: (i) => communities.timeout(i.actorId, i.communityId, i.userId, i.seconds, i.reason),
      ban: (i) => communities.ban(i.actorId, i.communityId, i.userId, i.reason),
    },
    notify: {
      notifyMany: async (inputs) => {
        notified.push(...inputs)
      },
    },
    recordEvent,
  })
  const server = createApp(app.res, app.services)
    .use(moderationRoutes({ rules, reports, signedIn: app.services.signedIn }))
    .listen({ port: 0, hostname: '127.0.0.1' })
  afterAll(() => server.stop(true))
  const http = new HttpClient(`http://127.0.0.1:${server.server!.port}`)

  let nonce = 0
  /** A send as the message paths will run it once wired: screen, commit, then tell automod what committed. */
  async function send(input: { communityId: string; roomId: string; authorId: string; text: string; mentions?: string[] }) {
    const screening = await automod.screen(input)
    const ack = await messages.send(input.authorId, input.roomId, { nonce: `n${nonce++}`, body: input.text })
    await screening.committed({ kind: 'message', id: ack.messageId })
    return ack
  }
  /** The error a screen answers with (what the author sees), or undefined when the text passes. */
  async function refusal(input: CheckInput): Promise<AppError | undefined> {
    try {
      await automod.screen(input)
      return undefined
    } catch (err) {
      if (err instanceof AppError) return err
      throw err
    }
  }
  return { app, http, rules, automod, reports, events, notified, send, refusal }
}
