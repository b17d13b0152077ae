import { Elysia } from 'elysia'
import { defineFeature } from '../../feature'
import type { Presence } from '../../realtime/presence'
import type { SignedIn } from '../auth/guard'
import { PresenceList, PresenceQuery } from './model'

export interface PresenceDeps {
  presence: Presence
  signedIn: SignedIn
}

/** Who is online, idle or busy: the `presence` op sets one's own status, REST looks others up. */
export const presenceFeature = defineFeature<PresenceDeps>({
  name: 'presence',
  build: ({ presence, signedIn }) => ({
    routes: new Elysia({ prefix: '/v1', detail: { tags: ['presence'], security: [{ bearer: [] }] } })
      .use(signedIn())
      .get('/presence', ({ user, query }) => presence.lookup(user.id, query.userIds.split(',').slice(0, 100)), {
        query: PresenceQuery,
        response: { 200: PresenceList },
        detail: { summary: 'Presence of people who share a community or a DM with you (others are left out)' },
      }),
    ops: {
      presence: async (op, caller) => {
        await presence.set(caller.userId, op.status)
        return { status: op.status }
      },
    },
  }),
})
