import { afterAll, expect, test } from 'bun:test'
import { HearthClient, type Message } from '../../client/src'
import { startTestApp } from '../helpers/app'
import { newCommunity } from '../helpers/community'
import { eventually } from '../helpers/wait'

const app = await startTestApp()
test('smoke', async () => {
  const world = await newCommunity(app.http)
  const room = await world.room('general')
  const c = new HearthClient({ baseUrl: app.url, session: world.owner })
  afterAll(() => c.dispose())
  const got: Message[] = []
  c.realtime.onMessage((m) => got.push(m))
  c.realtime.connect()
  expect(await c.realtime.subscribe(room.id, { sinceSeq: 0 })).toEqual({ lastSeq: 0 })
  const e = c.realtime.send(room.id, { body: 'hello' })
  expect(e.state).toBe('pending')
  const done = await c.realtime.settled(e.nonce)
  expect(done?.state).toBe('sent')
  await eventually('msg', async () => got.length === 1)
  expect(got[0]!.body).toBe('hello')
  const me = await c.api.GET('/v1/users/me')
  expect(me.data?.id).toBe(world.owner.id)
})
