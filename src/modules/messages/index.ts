import { Elysia, t } from 'elysia'
import { AppError } from '../../lib/errors'
import { UUID_PATTERN } from '../../lib/model'
import type { Services } from '../../services'
import { IdParams } from '../rooms/model'
import { EditBody, HistoryQueryT, MessageT, PinParams, ReactionParams, ReadBody, SendBody, UnreadRoomT } from './model'

export const messagesModule = (s: Services) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['messages'], security: [{ bearer: [] }] } })
    .use(s.signedIn())
    .post('/rooms/:id/messages', async ({ user, params, body, status }) => {
      const ack = await s.messages.send(user.id, params.id, body)
      return status(201, await s.messages.acknowledged(ack.messageId))
    }, {
      params: IdParams,
      body: SendBody,
      response: { 201: MessageT },
      detail: { summary: 'Send a message (acknowledged once committed); the same nonce again returns the same message' },
    })
    .get('/rooms/:id/messages', async ({ user, params, query }) => {
      const cuts = [query.before, query.after, query.around].filter((v) => v !== undefined)
      if (cuts.length > 1) throw new AppError('validation_failed', 'use at most one of before, after and around')
      return { messages: await s.messages.list(user.id, { roomId: params.id, ...query }) }
    }, {
      params: IdParams,
      query: HistoryQueryT,
      response: { 200: t.Object({ messages: t.Array(MessageT) }) },
      detail: { summary: 'History ordered by seq ascending; before/after/around are seqs' },
    })
    .get('/messages/:id', ({ user, params }) => s.messages.get(user.id, params.id), { params: IdParams, response: { 200: MessageT } })
    .get('/messages/:id/thread', ({ user, params }) => s.messages.thread(user.id, params.id), {
      params: IdParams,
      response: { 200: t.Object({ root: MessageT, replies: t.Array(MessageT) }) },
      detail: { summary: 'A message and the replies in its thread' },
    })
    .patch('/messages/:id', ({ user, params, body }) => s.messages.edit(user.id, params.id, body.body), {
      params: IdParams,
      body: EditBody,
      response: { 200: MessageT },
      detail: { summary: 'Edit your message (earlier bodies are kept)' },
    })
    .delete('/messages/:id', async ({ user, params, status }) => {
      await s.messages.remove(user.id, params.id)
      return status(204, undefined)
    }, { params: IdParams, detail: { summary: 'Delete your message, or any with manage_messages (a tombstone stays)' } })
    .put('/messages/:id/reactions/:emoji', async ({ user, params, status }) => {
      await s.messages.react(user.id, params.id, params.emoji, true)
      return status(204, undefined)
    }, { params: ReactionParams })
    .delete('/messages/:id/reactions/:emoji', async ({ user, params, status }) => {
      await s.messages.react(user.id, params.id, params.emoji, false)
      return status(204, undefined)
    }, { params: ReactionParams })
    .post('/rooms/:id/read', async ({ user, params, body, status }) => {
      await s.receipts.markRead(user.id, params.id, body.seq)
      return status(204, undefined)
    }, { params: IdParams, body: ReadBody })
    .get('/me/unread', async ({ user }) => ({ rooms: await s.receipts.unread(user.id) }), {
      response: { 200: t.Object({ rooms: t.Array(UnreadRoomT) }) },
      detail: { summary: 'Exact unread and mention counts for every room you can see' },
    })
    .get('/rooms/:id/pins', ({ user, params }) => s.pins.list(user.id, params.id), {
      params: IdParams,
      response: { 200: t.Array(t.Object({ messageId: t.String(), pinnedBy: t.Nullable(t.String()), pinnedAt: t.String() })) },
    })
    .put('/rooms/:id/pins/:messageId', async ({ user, params, status }) => {
      await s.pins.set(user.id, params.id, params.messageId, true)
      return status(204, undefined)
    }, { params: PinParams })
    .delete('/rooms/:id/pins/:messageId', async ({ user, params, status }) => {
      await s.pins.set(user.id, params.id, params.messageId, false)
      return status(204, undefined)
    }, { params: PinParams })
    .get('/presence', ({ user, query }) => s.presence.lookup(user.id, query.userIds.split(',').slice(0, 100)), {
      query: t.Object({ userIds: t.String({ pattern: `^${UUID_PATTERN.slice(1, -1)}(,${UUID_PATTERN.slice(1, -1)})*$`, maxLength: 3800 }) }),
      response: {
        200: t.Array(t.Object({ userId: t.String(), status: t.String(), lastSeenAt: t.Nullable(t.String()) })),
      },
      detail: { summary: 'Presence of people who share a community or a DM with you (others are left out)' },
    })
