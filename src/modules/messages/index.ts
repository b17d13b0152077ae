import { Elysia } from 'elysia'
import { defineFeature } from '../../feature'
import { AppError } from '../../lib/errors'
import { IdParams, NoContent } from '../../lib/model'
import type { Redis } from '../../lib/redis'
import type { SignedIn } from '../auth/guard'
import { expandCommittedSends, expandMessageDeleted, expandMessageUpdated } from './events'
import {
  EditBody,
  HistoryPage,
  HistoryQueryT,
  MessageT,
  PinList,
  PinParams,
  ReactionParams,
  ReadBody,
  SendBody,
  Thread,
  UnreadList,
} from './model'
import { messageOps } from './ops'
import { PinService } from './pins'
import { ReceiptService } from './receipts'
import { MessageService, type MessageDeps } from './service'

export type MessagesDeps = MessageDeps & { redis: Redis; live: import('../../realtime/fanout').Fanout; signedIn: SignedIn }

/**
 * Messages in rooms: sends (committed by the room actors), history, threads, edits,
 * deletes, reactions, pins, read and delivered receipts, unread counts — over REST and
 * the WebSocket ops alike. A room's batch of sends is one outbox row, read back into
 * `message.created` events by the relay.
 */
export const messagesFeature = defineFeature<MessagesDeps, { messages: MessageService }>({
  name: 'messages',
  expanders: { 'messages.committed': expandCommittedSends, 'message.updated': expandMessageUpdated, 'message.deleted': expandMessageDeleted },
  build: (deps) => {
    const receipts = new ReceiptService(deps)
    const messages = new MessageService(deps, receipts)
    const pins = new PinService({ ...deps, messages })
    return {
      routes: messagesRoutes({ messages, receipts, pins, signedIn: deps.signedIn }),
      ops: messageOps({ ...deps, messages, receipts }),
      api: { messages },
    }
  },
})

const messagesRoutes = (s: { messages: MessageService; receipts: ReceiptService; pins: PinService; signedIn: SignedIn }) =>
  new Elysia({ prefix: '/v1', detail: { tags: ['messages'], security: [{ bearer: [] }] } })
    .use(s.signedIn())
    .post('/rooms/:id/messages', async ({ user, params, body, status }) => {
      const ack = await s.messages.send(user.id, params.id, body)
      return status(201, { ...(await s.messages.acknowledged(user.id, ack.messageId)), duplicate: ack.duplicate })
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
      response: { 200: HistoryPage },
      detail: { summary: 'History ordered by seq ascending; before/after/around are seqs' },
    })
    .get('/messages/:id', ({ user, params }) => s.messages.get(user.id, params.id), { params: IdParams, response: { 200: MessageT }, detail: { summary: 'A message in a room you can see' } })
    .get('/messages/:id/thread', ({ user, params }) => s.messages.thread(user.id, params.id), {
      params: IdParams,
      response: { 200: Thread },
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
    }, { response: { 204: NoContent }, params: IdParams, detail: { summary: 'Delete your message, or any with manage_messages (a tombstone stays)' } })
    .put('/messages/:id/reactions/:emoji', async ({ user, params, status }) => {
      await s.messages.react(user.id, params.id, params.emoji, true)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: ReactionParams, detail: { summary: 'React (react); one reaction per user and emoji' } })
    .delete('/messages/:id/reactions/:emoji', async ({ user, params, status }) => {
      await s.messages.react(user.id, params.id, params.emoji, false)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: ReactionParams, detail: { summary: 'Take your reaction back' } })
    .post('/rooms/:id/read', async ({ user, params, body, status }) => {
      await s.receipts.markRead(user.id, params.id, body.seq)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: IdParams, body: ReadBody, detail: { summary: 'Move your read cursor (never backwards)' } })
    .get('/me/unread', async ({ user }) => ({ rooms: await s.receipts.unread(user.id) }), {
      response: { 200: UnreadList },
      detail: { summary: 'Exact unread and mention counts for every room you can see' },
    })
    .get('/rooms/:id/pins', ({ user, params }) => s.pins.list(user.id, params.id), {
      params: IdParams,
      response: { 200: PinList }, detail: { summary: 'Pinned messages of a room' } })
    .put('/rooms/:id/pins/:messageId', async ({ user, params, status }) => {
      await s.pins.set(user.id, params.id, params.messageId, true)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: PinParams, detail: { summary: 'Pin a message (pin_messages)' } })
    .delete('/rooms/:id/pins/:messageId', async ({ user, params, status }) => {
      await s.pins.set(user.id, params.id, params.messageId, false)
      return status(204, undefined)
    }, { response: { 204: NoContent }, params: PinParams, detail: { summary: 'Unpin a message (pin_messages)' } })
