import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { AppError } from '../../src/lib/errors'
import { newId } from '../../src/lib/ids'
import type { RoomEvent, Router } from '../../rooms'

export interface RouterFixture {
  router: Router
  /** Users that exist in the router's database. */
  users: string[]
  close(): Promise<void>
}

/**
 * What every Router must do, whatever carries the commands (in-process, Redis, ...).
 * Run it with a factory: `routerContract('LocalRouter', makeLocalRouter)`.
 */
export function routerContract(name: string, makeRouter: () => Promise<RouterFixture>) {
  describe(`Router contract: ${name}`, () => {
    let fx: RouterFixture
    beforeAll(async () => {
      fx = await makeRouter()
    })
    afterAll(() => fx.close())

    const send = (roomId: string, nonce: string, authorId = fx.users[0]!) =>
      fx.router.send({ type: 'send', roomId, authorId, nonce, body: `text ${nonce}` })

    test('send resolves with the committed ack; a retry returns the same ack', async () => {
      const roomId = newId()
      const ack = await send(roomId, 'x')
      expect(ack).toMatchObject({ seq: 1, duplicate: false })
      expect(typeof ack.messageId).toBe('string')
      expect(await send(roomId, 'x')).toEqual({ ...ack, duplicate: true })
    })

    test('subscribers get every event of their room in seq order, and nothing of other rooms', async () => {
      const roomId = newId()
      const otherRoom = newId()
      const first: RoomEvent[] = []
      const second: RoomEvent[] = []
      const offFirst = fx.router.subscribe(roomId, (e) => first.push(e))
      const offSecond = fx.router.subscribe(roomId, (e) => second.push(e))
      await Promise.all([
        ...Array.from({ length: 50 }, (_, i) => send(roomId, `s${i}`, fx.users[i % fx.users.length])),
        send(otherRoom, 'elsewhere'),
      ])
      await waitFor(() => first.length >= 50 && second.length >= 50)
      expect(first.map((e) => e.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
      expect(second).toEqual(first)
      expect(first.every((e) => e.roomId === roomId && e.type === 'message.created')).toBe(true)
      offFirst()
      offSecond()
    })

    test('after unsubscribe a listener hears nothing more', async () => {
      const roomId = newId()
      const heard: RoomEvent[] = []
      const off = fx.router.subscribe(roomId, (e) => heard.push(e))
      await send(roomId, 'before')
      await waitFor(() => heard.length === 1)
      off()
      await send(roomId, 'after')
      await Bun.sleep(50)
      expect(heard.map((e) => e.seq)).toEqual([1])
    })

    test('a subscriber resuming from sinceSeq gets exactly what it missed, then live events', async () => {
      const roomId = newId()
      for (let i = 0; i < 5; i++) await send(roomId, `r${i}`)
      const live: RoomEvent[] = []
      const off = fx.router.subscribe(roomId, (e) => live.push(e))
      const missed = await fx.router.eventsSince({ roomId, sinceSeq: 2 })
      await send(roomId, 'r5')
      await waitFor(() => live.length === 1)
      expect([...missed, ...live].map((e) => e.seq)).toEqual([3, 4, 5, 6])
      off()
    })

    test('edits, deletes and reactions go through the router and are heard', async () => {
      const roomId = newId()
      const { messageId } = await send(roomId, 'm')
      const heard: RoomEvent[] = []
      const off = fx.router.subscribe(roomId, (e) => heard.push(e))
      const edited = await fx.router.send({ type: 'edit', roomId, messageId, actorId: fx.users[0]!, body: 'changed' })
      expect(edited.body).toBe('changed')
      expect(await fx.router.send({ type: 'react', roomId, messageId, userId: fx.users[1]!, emoji: '✅', on: true })).toEqual({
        changed: true,
        count: 1,
      })
      await fx.router.send({ type: 'delete', roomId, messageId })
      await waitFor(() => heard.length === 3)
      expect(heard.map((e) => e.type)).toEqual(['message.updated', 'reaction.added', 'message.deleted'])
      off()
    })

    test('failures arrive as typed errors', async () => {
      const roomId = newId()
      const missing = await fx.router
        .send({ type: 'edit', roomId, messageId: newId(), actorId: fx.users[0]!, body: 'x' })
        .catch((e) => e)
      expect(missing).toBeInstanceOf(AppError)
      expect(missing).toMatchObject({ code: 'not_found' })
      const tooLong = await fx.router
        .send({ type: 'send', roomId, authorId: fx.users[0]!, nonce: 'n', body: 'x'.repeat(4001) })
        .catch((e) => e)
      expect(tooLong).toMatchObject({ code: 'validation_failed' })
    })
  })
}

async function waitFor(check: () => boolean, timeoutMs = 2000) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for room events')
    await Bun.sleep(5)
  }
}
