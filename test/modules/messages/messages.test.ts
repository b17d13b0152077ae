import { describe, expect, setDefaultTimeout, test } from 'bun:test'
import { eq } from 'drizzle-orm'
import { messageEdits, messages } from '../../../src/db/schema'
import { startTestApp } from '../../helpers/app'
import { newCommunity, ok } from '../../helpers/community'

// Integration tests start servers; Bun's 5 s default is too tight on a loaded machine.
setDefaultTimeout(20_000)

const app = await startTestApp()
const { http } = app

async function roomWithMessages(n: number) {
  const w = await newCommunity(http)
  const room = await w.room('general')
  const member = await w.join()
  const sent = []
  for (let i = 1; i <= n; i++) {
    sent.push(ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: `message ${i}`, nonce: `n${i}` }, w.as(w.owner)), 201).body)
  }
  return { w, room, member, sent }
}

const seqs = (res: { body: any }) => res.body.messages.map((m: any) => m.seq)

describe('history', () => {
  test('newest page, before, after and around, always ascending', async () => {
    const { w, room, member } = await roomWithMessages(12)
    const get = (q: string) => http.get(`/v1/rooms/${room.id}/messages${q}`, w.as(member))
    expect(seqs(ok(await get('?limit=5')))).toEqual([8, 9, 10, 11, 12])
    expect(seqs(ok(await get('?before=8&limit=3')))).toEqual([5, 6, 7])
    expect(seqs(ok(await get('?after=9')))).toEqual([10, 11, 12])
    expect(seqs(ok(await get('?around=6&limit=4')))).toEqual([4, 5, 6, 7])
    expect(seqs(ok(await get('')))).toHaveLength(12)
  })

  test.each([
    ['limit 0', '?limit=0'],
    ['limit 101', '?limit=101'],
    ['two cursors', '?before=5&after=2'],
    ['a negative seq', '?before=-1'],
    ['not a number', '?after=abc'],
    ['a seq no bigint holds', '?before=100000000000000000000'],
    ['a fraction', '?after=1.5'],
  ])('%s -> 422', async (_n, q) => {
    const { w, room } = await roomWithMessages(1)
    expect((await http.get(`/v1/rooms/${room.id}/messages${q}`, w.as(w.owner))).status).toBe(422)
  })

  test('reactions in the path are decoded once: an emoji works, a percent sign is a 422, not a 500', async () => {
    const { w, room, member, sent } = await roomWithMessages(1)
    const percent = await http.put(`/v1/messages/${sent[0].id}/reactions/${encodeURIComponent('%')}`, undefined, w.as(member))
    expect([percent.status, percent.body.error.code]).toEqual([422, 'validation_failed'])
    ok(await http.put(`/v1/messages/${sent[0].id}/reactions/${encodeURIComponent('👍')}`, undefined, w.as(member)), 204)
    const [message] = ok(await http.get(`/v1/rooms/${room.id}/messages`, w.as(member))).body.messages
    expect(message.reactions).toEqual([{ emoji: '👍', count: 1, me: true }])
  })

  test.each([
    ['a digit', '1', 422],
    ['a hash sign', '#', 422],
    ['a zero-width joiner alone', '\u200d', 422],
    ['a variation selector alone', '\ufe0f', 422],
    ['a keycap', '1\ufe0f\u20e3', 204],
    ['a flag', '🇫🇷', 204],
    ['a family (joined)', '👨\u200d👩\u200d👧', 204],
    ['a named one', ':party:', 204],
  ])('reacting with %s: %p answers %d', async (_n, emoji, status) => {
    const { w, member, sent } = await roomWithMessages(1)
    expect((await http.put(`/v1/messages/${sent[0].id}/reactions/${encodeURIComponent(emoji)}`, undefined, w.as(member))).status).toBe(status)
  })

  test('cached pages never hide an edit, a delete, a reaction or a new message', async () => {
    const { w, room, member, sent } = await roomWithMessages(3)
    const page = () => http.get(`/v1/rooms/${room.id}/messages?before=3`, w.as(member))
    const head = () => http.get(`/v1/rooms/${room.id}/messages`, w.as(member))
    expect(ok(await page()).body.messages[0].body).toBe('message 1')
    await head()
    expect(ok(await page()).body.messages[0].body).toBe('message 1') // from the cache now
    ok(await http.patch(`/v1/messages/${sent[0].id}`, { body: 'edited' }, w.as(w.owner)))
    expect(ok(await page()).body.messages[0]).toMatchObject({ body: 'edited', editedAt: expect.any(String) })
    ok(await http.put(`/v1/messages/${sent[1].id}/reactions/${encodeURIComponent('🔥')}`, undefined, w.as(member)), 204)
    expect(ok(await page()).body.messages[1].reactions).toEqual([{ emoji: '🔥', count: 1, me: true }])
    ok(await http.delete(`/v1/messages/${sent[0].id}`, w.as(w.owner)), 204)
    expect(ok(await page()).body.messages[0]).toMatchObject({ body: '', deletedAt: expect.any(String) })
    ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'fresh', nonce: 'fresh' }, w.as(member)), 201)
    expect(ok(await head()).body.messages.at(-1).body).toBe('fresh')
  })

  test('a page before a seq past the newest message is not cached past the next message', async () => {
    const { w, room, member } = await roomWithMessages(2)
    const page = () => http.get(`/v1/rooms/${room.id}/messages?before=1000`, w.as(member))
    expect(ok(await page()).body.messages.map((m: any) => m.body)).toEqual(['message 1', 'message 2'])
    ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'fresh', nonce: 'fresh' }, w.as(member)), 201)
    expect(ok(await page()).body.messages.map((m: any) => m.body)).toEqual(['message 1', 'message 2', 'fresh'])
  })

  test('edits keep the earlier bodies', async () => {
    const { w, sent } = await roomWithMessages(1)
    ok(await http.patch(`/v1/messages/${sent[0].id}`, { body: 'second' }, w.as(w.owner)))
    ok(await http.patch(`/v1/messages/${sent[0].id}`, { body: 'third' }, w.as(w.owner)))
    const earlier = await app.res.db.select().from(messageEdits).where(eq(messageEdits.messageId, sent[0].id))
    expect(earlier.map((e) => e.body)).toEqual(['message 1', 'second'])
  })
})

describe('replies and threads', () => {
  test('replies form a thread under the root, listed in order', async () => {
    const { w, room, member, sent } = await roomWithMessages(1)
    const root = sent[0]
    const r1 = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'reply 1', nonce: 'r1', replyTo: root.id }, w.as(member)), 201).body
    const r2 = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'reply to reply', nonce: 'r2', replyTo: r1.id }, w.as(w.owner)), 201).body
    expect(r1).toMatchObject({ replyTo: root.id, threadRootId: root.id })
    expect(r2).toMatchObject({ replyTo: r1.id, threadRootId: root.id })
    const thread = ok(await http.get(`/v1/messages/${root.id}/thread`, w.as(member))).body
    expect(thread.root.id).toBe(root.id)
    expect(thread.replies.map((m: any) => m.body)).toEqual(['reply 1', 'reply to reply'])
  })
})

describe('pins', () => {
  test('pin_messages (or manage_messages) pins; members see the list', async () => {
    const { w, room, member, sent } = await roomWithMessages(2)
    const denied = await http.put(`/v1/rooms/${room.id}/pins/${sent[0].id}`, undefined, w.as(member))
    expect(denied.status).toBe(403)
    ok(await http.put(`/v1/rooms/${room.id}/pins/${sent[0].id}`, undefined, w.as(w.owner)), 204)
    const pins = ok(await http.get(`/v1/rooms/${room.id}/pins`, w.as(member))).body
    expect(pins).toEqual([{ messageId: sent[0].id, pinnedBy: w.owner.id, pinnedAt: expect.any(String) }])
    ok(await http.delete(`/v1/rooms/${room.id}/pins/${sent[0].id}`, w.as(w.owner)), 204)
    expect(ok(await http.get(`/v1/rooms/${room.id}/pins`, w.as(member))).body).toEqual([])
  })

  test('a room holds at most 50 pins, even when 56 are made at once (409 for the rest); pinning one already pinned is fine', async () => {
    const { w, room, sent } = await roomWithMessages(56)
    const answers = await Promise.all(sent.map((m) => http.put(`/v1/rooms/${room.id}/pins/${m.id}`, undefined, w.as(w.owner))))
    expect(answers.filter((a) => a.status === 204).length).toBe(50)
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.error.code)).toEqual(Array(6).fill('conflict'))
    const pins = ok(await http.get(`/v1/rooms/${room.id}/pins`, w.as(w.owner))).body
    expect(pins.length).toBe(50)
    ok(await http.put(`/v1/rooms/${room.id}/pins/${pins[0].messageId}`, undefined, w.as(w.owner)), 204)
  })
})

describe('deleting a room', () => {
  test('takes its messages along', async () => {
    const { w, room, sent } = await roomWithMessages(2)
    ok(await http.delete(`/v1/rooms/${room.id}`, w.as(w.owner)), 204)
    expect((await http.get(`/v1/messages/${sent[0].id}`, w.as(w.owner))).status).toBe(404)
    const left = await app.res.db.select().from(messages).where(eq(messages.roomId, room.id))
    expect(left).toEqual([])
  })
})

describe('message security', () => {
  test('no token 401; other community 404; another member cannot edit; bad emoji 422; oversized body 422', async () => {
    const { w, room, sent } = await roomWithMessages(1)
    const other = await newCommunity(http)
    expect((await http.get(`/v1/rooms/${room.id}/messages`)).status).toBe(401)
    expect((await http.get(`/v1/rooms/${room.id}/messages`, other.as(other.owner))).status).toBe(404)
    expect((await http.get(`/v1/messages/${sent[0].id}`, other.as(other.owner))).status).toBe(404)
    expect((await http.post(`/v1/rooms/${room.id}/messages`, { body: 'x', nonce: 'y' }, other.as(other.owner))).status).toBe(404)
    const member = await w.join()
    expect((await http.patch(`/v1/messages/${sent[0].id}`, { body: 'mine' }, w.as(member))).status).toBe(403)
    expect((await http.put(`/v1/messages/${sent[0].id}/reactions/notanemoji`, undefined, w.as(member))).status).toBe(422)
    expect((await http.post(`/v1/rooms/${room.id}/messages`, { body: 'x'.repeat(4001), nonce: 'big' }, w.as(member))).status).toBe(422)
    expect((await http.post(`/v1/rooms/${room.id}/messages`, { body: '', nonce: 'empty' }, w.as(member))).status).toBe(422)
  })
})

describe('mentions', () => {
  test('a <@...> of 36 hex digits and dashes that is not an id is plain text, not a 500', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const member = await w.join()
    for (const token of ['-'.repeat(36), 'a'.repeat(36), '01234567-89ab-cdef-0123-456789abcdef'.replaceAll('-', '0')]) {
      const res = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: `hi <@${token}>`, nonce: token }, w.as(w.owner)), 201)
      expect(res.body.mentions).toEqual([])
    }
    const res = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: `hi <@${member.id.toUpperCase()}>`, nonce: 'real' }, w.as(w.owner)), 201)
    expect(res.body.mentions).toEqual([member.id])
  })

  test("an edit's mentions follow its new body: one added shows in the message and its history, one taken out is gone, @everyone is flagged", async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const [ann, bob] = [await w.join(), await w.join()]
    const sent = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: `hi <@${ann.id}>`, nonce: 'm1' }, w.as(w.owner)), 201).body
    expect(sent.mentions).toEqual([ann.id])
    const edited = ok(await http.patch(`/v1/messages/${sent.id}`, { body: `hi <@${bob.id}>, and @everyone` }, w.as(w.owner))).body
    expect([edited.mentions, edited.mentionEveryone]).toEqual([[bob.id], true])
    const [inHistory] = ok(await http.get(`/v1/rooms/${room.id}/messages`, w.as(ann))).body.messages
    expect([inHistory.body, inHistory.mentions, inHistory.mentionEveryone]).toEqual([`hi <@${bob.id}>, and @everyone`, [bob.id], true])
    const plain = ok(await http.patch(`/v1/messages/${sent.id}`, { body: 'hi all' }, w.as(w.owner))).body
    expect([plain.mentions, plain.mentionEveryone ?? false]).toEqual([[], false])
  })

  test('an edit that adds @everyone by one without mention_everyone is refused (403) and changes nothing', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const member = await w.join()
    const sent = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'hello', nonce: 'e1' }, w.as(member)), 201).body
    const res = await http.patch(`/v1/messages/${sent.id}`, { body: '@everyone hello' }, w.as(member))
    expect([res.status, res.body.error?.code]).toEqual([403, 'missing_permission'])
    const [kept] = ok(await http.get(`/v1/rooms/${room.id}/messages`, w.as(member))).body.messages
    expect([kept.body, kept.editedAt ?? null]).toEqual(['hello', null])
  })
})

describe('what a user noticed', () => {
  test('a REST send retried with its nonce answers duplicate: true, as the WebSocket ack does', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const first = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'once', nonce: 'dup-1' }, w.as(w.owner)), 201).body
    const again = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'once', nonce: 'dup-1' }, w.as(w.owner)), 201).body
    expect([first.duplicate, again.duplicate, again.id]).toEqual([false, true, first.id])
  })

  test('reactions say whether the reader is among who reacted (me)', async () => {
    const w = await newCommunity(http)
    const room = await w.room('general')
    const other = await w.join()
    const sent = ok(await http.post(`/v1/rooms/${room.id}/messages`, { body: 'react to me', nonce: 'me-1' }, w.as(w.owner)), 201).body
    ok(await http.put(`/v1/messages/${sent.id}/reactions/${encodeURIComponent('👍')}`, undefined, w.as(w.owner)), 204)
    const mine = ok(await http.get(`/v1/messages/${sent.id}`, w.as(w.owner))).body.reactions
    const theirs = ok(await http.get(`/v1/rooms/${room.id}/messages`, w.as(other))).body.messages[0].reactions
    expect(mine).toEqual([{ emoji: '👍', count: 1, me: true }])
    expect(theirs).toEqual([{ emoji: '👍', count: 1, me: false }])
  })
})

describe('a block in an existing DM', () => {
  async function dmBetween() {
    const w = await newCommunity(http)
    const [alice, bob, carol] = [await w.join(), await w.join(), await w.join()]
    const dm = ok(await http.post('/v1/dms', { userIds: [bob.id] }, w.as(alice)), 201).body
    const hello = ok(await http.post(`/v1/rooms/${dm.id}/messages`, { body: 'hello', nonce: 'b1' }, w.as(alice)), 201).body
    ok(await http.put(`/v1/messages/${hello.id}/reactions/${encodeURIComponent('👋')}`, undefined, w.as(alice)), 204)
    return { w, alice, bob, carol, dm, hello }
  }
  const refused = (res: { status: number; body: any }) => expect([res.status, res.body.error?.code]).toEqual([403, 'blocked'])

  test.each([['the blocked one', false], ['the blocker', true]])(
    'refuses sends, edits, new reactions, polls and pins of %s (403 blocked); history stays readable; an unblock lifts it',
    async (_n, byBlocker) => {
      const { w, alice, bob, dm, hello } = await dmBetween()
      ok(await http.put(`/v1/users/${alice.id}/block`, undefined, w.as(bob)), 204)
      // alice is blocked; bob blocks.
      const speaker = byBlocker ? bob : alice
      refused(await http.post(`/v1/rooms/${dm.id}/messages`, { body: 'still there?', nonce: 'b2' }, w.as(speaker)))
      refused(await http.put(`/v1/messages/${hello.id}/reactions/${encodeURIComponent('👍')}`, undefined, w.as(speaker)))
      refused(await http.post(`/v1/rooms/${dm.id}/polls`, { question: 'Friends?', options: ['yes', 'no'] }, w.as(speaker)))
      refused(await http.put(`/v1/rooms/${dm.id}/pins/${hello.id}`, undefined, w.as(speaker)))
      if (!byBlocker) refused(await http.patch(`/v1/messages/${hello.id}`, { body: 'edited' }, w.as(alice)))
      for (const reader of [alice, bob]) {
        const history = ok(await http.get(`/v1/rooms/${dm.id}/messages`, w.as(reader))).body.messages
        expect(history.map((m: any) => m.body)).toEqual(['hello'])
      }
      // What one said can still be taken back: a reaction, a message.
      if (!byBlocker) {
        ok(await http.delete(`/v1/messages/${hello.id}/reactions/${encodeURIComponent('👋')}`, w.as(alice)), 204)
        ok(await http.delete(`/v1/messages/${hello.id}`, w.as(alice)), 204)
      }
      ok(await http.delete(`/v1/users/${alice.id}/block`, w.as(bob)), 204)
      ok(await http.post(`/v1/rooms/${dm.id}/messages`, { body: 'back', nonce: 'b3' }, w.as(speaker)), 201)
    },
  )

  test('a pin made before the block can still be taken back (204), by the blocked one too', async () => {
    const { w, alice, bob, dm, hello } = await dmBetween()
    ok(await http.put(`/v1/rooms/${dm.id}/pins/${hello.id}`, undefined, w.as(alice)), 204)
    ok(await http.put(`/v1/users/${alice.id}/block`, undefined, w.as(bob)), 204)
    ok(await http.delete(`/v1/rooms/${dm.id}/pins/${hello.id}`, w.as(alice)), 204)
    expect(ok(await http.get(`/v1/rooms/${dm.id}/pins`, w.as(bob))).body).toEqual([])
  })

  test('a group DM the two share is left as it is', async () => {
    const { w, alice, bob, carol } = await dmBetween()
    const group = ok(await http.post('/v1/dms', { userIds: [bob.id, carol.id] }, w.as(alice)), 201).body
    ok(await http.put(`/v1/users/${alice.id}/block`, undefined, w.as(bob)), 204)
    ok(await http.post(`/v1/rooms/${group.id}/messages`, { body: 'group talk', nonce: 'g1' }, w.as(alice)), 201)
  })
})
