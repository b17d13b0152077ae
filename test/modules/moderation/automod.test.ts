import { beforeAll, describe, expect, test } from 'bun:test'
import { newCommunity, ok, type TestUser, type World } from '../../helpers/community'
import { registerUser } from '../../helpers/http'
import { WsClient } from '../../helpers/ws'
import { automodRules } from '../../../src/db/schema'
import { startModeration } from './helpers'

const m = await startModeration()
const http = m.http

/** A fresh community (rules are per community), a room, and a plain member. */
async function place() {
  const w = await newCommunity(http)
  const room = await w.room('general')
  const member = await w.join()
  return { w, room, member }
}

async function addRule(w: World, body: Record<string, unknown>, by?: TestUser) {
  return ok(await http.post(`/v1/communities/${w.id}/automod/rules`, body, w.as(by ?? w.owner)), 201).body
}

const keywords = (terms: string[], extra: Record<string, unknown> = {}) => ({ kind: 'keywords', terms, ...extra })
const block = { kind: 'block' }

async function auditActions(w: World) {
  const log = ok(await http.get(`/v1/communities/${w.id}/audit-log`, w.as(w.owner))).body
  return log.entries as { action: string; actorId: string | null; after: any }[]
}

describe('rules CRUD', () => {
  let p: Awaited<ReturnType<typeof place>>
  beforeAll(async () => {
    p = await place()
  })

  test('a community holds at most 20 rules, even when 24 are made at once (422 for the rest)', async () => {
    const q = await place()
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        http.post(`/v1/communities/${q.w.id}/automod/rules`, { name: `rule ${i}`, trigger: keywords([`word${i}`]), action: block }, q.w.as(q.w.owner)),
      ),
    )
    expect(answers.filter((a) => a.status === 201).length).toBe(20)
    expect(answers.filter((a) => a.status === 422).length).toBe(4)
    const listed = ok(await http.get(`/v1/communities/${q.w.id}/automod/rules`, q.w.as(q.w.owner))).body
    expect((listed.rules ?? listed).length).toBe(20)
  })

  describe('the patterns of the enabled rules must fit one program together', () => {
    // Five patterns of about 700 instructions each (of the 5000 a community's program may hold): one such rule fits, two do not.
    const large = (c: string) => ({ kind: 'regex', patterns: ['a', 'b', 'c', 'd', 'e'].map((x) => `(?:${c}${x}1|${c}${x}2){100}`) })
    const rules = async (q: Awaited<ReturnType<typeof place>>) => {
      const listed = ok(await http.get(`/v1/communities/${q.w.id}/automod/rules`, q.w.as(q.w.owner))).body
      return (listed.rules ?? listed) as { name: string; enabled: boolean }[]
    }

    test('a rule that does not fit beside the others: 422 invalid_pattern, and it is not made', async () => {
      const q = await place()
      await addRule(q.w, { name: 'First', trigger: large('q'), action: block })
      const res = await http.post(`/v1/communities/${q.w.id}/automod/rules`, { name: 'Second', trigger: large('r'), action: block }, q.w.as(q.w.owner))
      expect(res.status).toBe(422)
      expect(res.body.error).toMatchObject({ code: 'invalid_pattern', details: { field: 'trigger.patterns' } })
      expect((await rules(q)).map((r) => r.name)).toEqual(['First'])
    })

    test('enabling a rule that does not fit: 422 invalid_pattern, and it stays disabled', async () => {
      const q = await place()
      await addRule(q.w, { name: 'First', trigger: large('q'), action: block })
      const off = await addRule(q.w, { name: 'Second', trigger: large('r'), action: block, enabled: false })
      const res = await http.patch(`/v1/automod/rules/${off.id}`, { enabled: true }, q.w.as(q.w.owner))
      expect(res.status).toBe(422)
      expect(res.body.error.code).toBe('invalid_pattern')
      expect((await rules(q)).find((r) => r.name === 'Second')?.enabled).toBe(false)
    })

    test('rules made at once fit together: of eight that fit three at a time, three are made and five get 422', async () => {
      const q = await place()
      // Two patterns of about 700 instructions each: three such rules fit (about 4200), a fourth does not.
      const medium = (c: string) => ({ kind: 'regex', patterns: ['a', 'b'].map((x) => `(?:${c}${x}1|${c}${x}2){100}`) })
      const answers = await Promise.all(
        ['k', 'l', 'm', 'n', 'o', 'p', 'q', 'r'].map((c) =>
          http.post(`/v1/communities/${q.w.id}/automod/rules`, { name: `rule ${c}`, trigger: medium(c), action: block }, q.w.as(q.w.owner)),
        ),
      )
      expect(answers.filter((a) => a.status === 201).length).toBe(3)
      expect(answers.filter((a) => a.status === 422).length).toBe(5)
      expect((await rules(q)).length).toBe(3)
      // The rules still compile: the community's messages are screened, not refused.
      expect((await http.post(`/v1/rooms/${q.room.id}/messages`, { body: 'hello there', nonce: 'fits-1' }, q.w.as(q.member))).status).toBe(201)
    })
  })

  test('create, read, list, change and delete a rule', async () => {
    const created = await addRule(p.w, { name: 'Slurs', trigger: keywords(['badword']), action: block })
    expect(created).toMatchObject({ name: 'Slurs', enabled: true, dryRun: false, exemptRoles: [], trigger: { kind: 'keywords' } })
    expect(ok(await http.get(`/v1/automod/rules/${created.id}`, p.w.as(p.w.owner))).body.id).toBe(created.id)
    expect(ok(await http.get(`/v1/communities/${p.w.id}/automod/rules`, p.w.as(p.w.owner))).body.map((r: any) => r.id)).toContain(created.id)
    const changed = ok(await http.patch(`/v1/automod/rules/${created.id}`, { dryRun: true }, p.w.as(p.w.owner))).body
    expect(changed.dryRun).toBe(true)
    expect((await http.delete(`/v1/automod/rules/${created.id}`, p.w.as(p.w.owner))).status).toBe(204)
    expect((await http.get(`/v1/automod/rules/${created.id}`, p.w.as(p.w.owner))).status).toBe(404)
  })

  test('a name of spaces only: 422 naming /name, on create and on change', async () => {
    const blank = await http.post(`/v1/communities/${p.w.id}/automod/rules`, { name: '   ', trigger: keywords(['zz']), action: block }, p.w.as(p.w.owner))
    expect([blank.status, blank.body.error.details[0].path]).toEqual([422, '/name'])
    const created = await addRule(p.w, { name: '  Padded  ', trigger: keywords(['zz9']), action: block })
    expect(created.name).toBe('Padded')
    const renamed = await http.patch(`/v1/automod/rules/${created.id}`, { name: ' ' }, p.w.as(p.w.owner))
    expect(renamed.status).toBe(422)
    expect(ok(await http.get(`/v1/automod/rules/${created.id}`, p.w.as(p.w.owner))).body.name).toBe('Padded')
  })

  test('rule changes are in the audit log with who made them', async () => {
    const created = await addRule(p.w, { name: 'Audited', trigger: keywords(['x1y2']), action: block })
    const entry = (await auditActions(p.w)).find((e) => e.action === 'insert' && e.after?.id === created.id)
    expect(entry?.actorId).toBe(p.w.owner.id)
  })

  test('no token: 401', async () => {
    expect((await http.post(`/v1/communities/${p.w.id}/automod/rules`, { name: 'x', trigger: keywords(['a']), action: block })).status).toBe(401)
  })

  test('a bad token: 401', async () => {
    const res = await http.get(`/v1/communities/${p.w.id}/automod/rules`, { token: 'nope' })
    expect(res.status).toBe(401)
  })

  test('a member without manage_community: 403', async () => {
    const res = await http.post(`/v1/communities/${p.w.id}/automod/rules`, { name: 'x', trigger: keywords(['a']), action: block }, p.w.as(p.member))
    expect(res.status).toBe(403)
  })

  test('a member without manage_community cannot read, change or delete a rule: 403', async () => {
    const created = await addRule(p.w, { name: 'Guarded', trigger: keywords(['qq7']), action: block })
    const as = p.w.as(p.member)
    expect((await http.get(`/v1/automod/rules/${created.id}`, as)).status).toBe(403)
    expect((await http.patch(`/v1/automod/rules/${created.id}`, { enabled: false }, as)).status).toBe(403)
    expect((await http.delete(`/v1/automod/rules/${created.id}`, as)).status).toBe(403)
    expect((await http.get(`/v1/communities/${p.w.id}/automod/rules`, as)).status).toBe(403)
  })

  test("another community's user cannot see a rule: 404", async () => {
    const created = await addRule(p.w, { name: 'Hidden', trigger: keywords(['zz9']), action: block })
    const stranger = await registerUser(http)
    expect((await http.get(`/v1/automod/rules/${created.id}`, { token: stranger.accessToken })).status).toBe(404)
    expect((await http.get(`/v1/communities/${p.w.id}/automod/rules`, { token: stranger.accessToken })).status).toBe(404)
  })

  test('a catastrophic-backtracking pattern is refused at save: 422', async () => {
    const res = await http.post(
      `/v1/communities/${p.w.id}/automod/rules`,
      { name: 'Evil', trigger: { kind: 'regex', patterns: ['(a+)+$'] }, action: block },
      p.w.as(p.w.owner),
    )
    expect(res.status).toBe(422)
    expect(res.body.error.code).toBe('invalid_pattern')
    expect(res.body.error.details.field).toBe('trigger.patterns.0')
  })

  test('a pattern with a backreference is refused at save: 422', async () => {
    const res = await http.post(
      `/v1/communities/${p.w.id}/automod/rules`,
      { name: 'Backref', trigger: { kind: 'regex', patterns: ['ok', '(\\w)\\1'] }, action: block },
      p.w.as(p.w.owner),
    )
    expect(res.body.error).toMatchObject({ code: 'invalid_pattern', details: { field: 'trigger.patterns.1' } })
  })

  test('a pattern with lookaround is refused when a rule is changed too', async () => {
    const created = await addRule(p.w, { name: 'Fine', trigger: { kind: 'regex', patterns: ['fine'] }, action: block })
    const res = await http.patch(`/v1/automod/rules/${created.id}`, { trigger: { kind: 'regex', patterns: ['a(?=b)'] } }, p.w.as(p.w.owner))
    expect(res.status).toBe(422)
  })

  test('more than 10 patterns: 422', async () => {
    const patterns = Array.from({ length: 11 }, (_, i) => `p${i}`)
    const res = await http.post(`/v1/communities/${p.w.id}/automod/rules`, { name: 'Many', trigger: { kind: 'regex', patterns }, action: block }, p.w.as(p.w.owner))
    expect(res.status).toBe(422)
  })

  test('a term with nothing to match: 422', async () => {
    const res = await http.post(`/v1/communities/${p.w.id}/automod/rules`, { name: 'Empty', trigger: keywords(['!!!']), action: block }, p.w.as(p.w.owner))
    expect(res.status).toBe(422)
  })

  test('an exempt role of another community: 422', async () => {
    const other = await newCommunity(http)
    const foreign = await other.defaultRoleId()
    const res = await http.post(
      `/v1/communities/${p.w.id}/automod/rules`,
      { name: 'Bad exempt', trigger: keywords(['a1']), action: block, exemptRoles: [foreign] },
      p.w.as(p.w.owner),
    )
    expect(res.body.error.code).toBe('invalid_target')
  })

  test('a timeout action longer than 28 days: 422', async () => {
    const res = await http.post(
      `/v1/communities/${p.w.id}/automod/rules`,
      { name: 'Long', trigger: keywords(['a2']), action: { kind: 'timeout', seconds: 28 * 86400 + 1 } },
      p.w.as(p.w.owner),
    )
    expect(res.status).toBe(422)
  })
})

describe('triggers', () => {
  test('keywords: the send is refused naming the rule', async () => {
    const { w, room, member } = await place()
    await addRule(w, { name: 'No swearing', trigger: keywords(['fuck']), action: { kind: 'block', message: 'Keep it civil.' } })
    const refused = await m.refusal({ roomId: room.id, author: member, text: 'ｆ.u.u.c.k this' })
    expect(refused?.code).toBe('automod_blocked')
    expect(refused?.status).toBe(422)
    expect(refused?.message).toContain('No swearing')
    expect(refused?.message).toContain('Keep it civil.')
    expect(refused?.details).toMatchObject({ rule: { name: 'No swearing' }, action: 'block' })
  })

  test('keywords: an innocent text passes', async () => {
    const { w, room, member } = await place()
    await addRule(w, { name: 'Words', trigger: keywords(['ass'], { allow: ['assassin*'] }), action: block })
    expect(await m.refusal({ roomId: room.id, author: member, text: 'the assassin passed the class' })).toBeUndefined()
  })

  test('regex: a matching text is refused', async () => {
    const { w, room, member } = await place()
    await addRule(w, { name: 'Phone numbers', trigger: { kind: 'regex', patterns: ['\\b\\d{3}-\\d{3}-\\d{4}\\b'] }, action: block })
    expect((await m.refusal({ roomId: room.id, author: member, text: 'call 555-123-4567' }))?.code).toBe('automod_blocked')
    expect(await m.refusal({ roomId: room.id, author: member, text: 'call me maybe' })).toBeUndefined()
  })

  describe('links', () => {
    let p: Awaited<ReturnType<typeof place>>
    let ownCode: string
    let otherCode: string
    beforeAll(async () => {
      p = await place()
      await addRule(p.w, { name: 'Links', trigger: { kind: 'links', allowDomains: ['example.com'], blockInvites: true }, action: block })
      ownCode = ok(await http.post(`/v1/communities/${p.w.id}/invites`, {}, p.w.as(p.w.owner)), 201).body.code
      const other = await newCommunity(http)
      otherCode = ok(await http.post(`/v1/communities/${other.id}/invites`, {}, other.as(other.owner)), 201).body.code
    })
    const check = (text: string) => m.refusal({ roomId: p.room.id, author: p.member, text })

    test('a link to another domain is refused', async () => {
      expect((await check('look at https://evil.test/x and www.spam.com'))?.code).toBe('automod_blocked')
    })
    test('a link to an allowed domain or its subdomain passes', async () => {
      expect(await check('docs at https://docs.example.com/guide')).toBeUndefined()
    })
    test("an invite to another service's community is refused", async () => {
      expect((await check('join discord.gg/abcdef'))?.code).toBe('automod_blocked')
    })
    test('an invite to another Hearth community is refused', async () => {
      expect((await check(`come over: https://example.com/invite/${otherCode}`))?.code).toBe('automod_blocked')
    })
    test("this community's own invite passes", async () => {
      expect(await check(`invite your friends: https://example.com/invite/${ownCode}`)).toBeUndefined()
    })
  })

  test('mention spam: more than the limit of distinct mentions is refused', async () => {
    const { w, room, member } = await place()
    await addRule(w, { name: 'Mentions', trigger: { kind: 'mention_spam', maxMentions: 3 }, action: block })
    const check = (text: string) => m.refusal({ roomId: room.id, author: member, text })
    expect(await check('@ann @bob @cat hello')).toBeUndefined()
    expect((await check('@ann @bob @cat @dan hello'))?.code).toBe('automod_blocked')
  })

  test('flood: the same text across rooms, near-same spelling included, fires after the allowed repeats', async () => {
    const { w, room, member } = await place()
    const other = await w.room('random')
    await addRule(w, { name: 'Flood', trigger: { kind: 'flood', maxRepeats: 2, windowSeconds: 60 }, action: block })
    await m.send({ roomId: room.id, author: member, text: 'Buy my stuff' })
    await m.send({ roomId: other.id, author: member, text: 'buy my stuff' })
    const third = await m.refusal({ roomId: room.id, author: member, text: 'BUY   my stuuuff!!!' })
    expect(third?.code).toBe('automod_blocked')
    expect(await m.refusal({ roomId: room.id, author: member, text: 'something else' })).toBeUndefined()
  })
})

describe('actions', () => {
  test('block: refused, nothing committed, and the audit log names the rule', async () => {
    const { w, room, member } = await place()
    const rule = await addRule(w, { name: 'Blocker', trigger: keywords(['spam']), action: block })
    const refused = await m.refusal({ roomId: room.id, author: member, text: 'spam spam' })
    expect(refused).toMatchObject({ status: 422, code: 'automod_blocked', details: { rule: { id: rule.id, name: 'Blocker' }, action: 'block' } })
    const history = ok(await http.get(`/v1/rooms/${room.id}/messages`, w.as(member))).body.messages
    expect(history).toEqual([])
    const entry = (await auditActions(w)).find((e) => e.action === 'automod.block')
    expect(entry?.after).toMatchObject({ ruleId: rule.id, ruleName: 'Blocker', userId: member.id, roomId: room.id, evidence: 'keyword "spam"' })
    expect(entry?.actorId).toBeNull()
  })

  test('flag: the message is committed and a report is opened for review with the rule', async () => {
    const { w, room, member } = await place()
    await addRule(w, { name: 'Suspicious', trigger: keywords(['crypto']), action: { kind: 'flag' } })
    const ack = await m.send({ roomId: room.id, author: member, text: 'free crypto inside' })
    const queue = ok(await http.get(`/v1/communities/${w.id}/reports`, w.as(w.owner))).body.reports
    expect(queue).toHaveLength(1)
    expect(queue[0]).toMatchObject({
      status: 'open',
      reporterCount: 0,
      rule: { name: 'Suspicious' },
      target: { kind: 'message', id: ack.messageId, authorId: member.id, preview: 'free crypto inside' },
    })
    expect((await auditActions(w)).some((e) => e.action === 'automod.flag' && e.after.target.id === ack.messageId)).toBe(true)
  })

  test('timeout: refused, and the author is timed out until a time (shown on the member, enforced)', async () => {
    const { w, room, member } = await place()
    await addRule(w, { name: 'Zero tolerance', trigger: keywords(['slur']), action: { kind: 'timeout', seconds: 600 } })
    const refused = await m.refusal({ roomId: room.id, author: member, text: 'a slur' })
    expect(refused?.details).toMatchObject({ action: 'timeout' })
    const members = ok(await http.get(`/v1/communities/${w.id}/members`, w.as(w.owner))).body.members
    const until = Date.parse(members.find((x: any) => x.userId === member.id).timeoutUntil)
    expect(until).toBeGreaterThan(Date.now() + 590_000)
    const res = await http.post(`/v1/rooms/${room.id}/messages`, { body: 'hello', nonce: 'after-timeout' }, w.as(member))
    expect(res.status).toBe(403)
    expect((await auditActions(w)).some((e) => e.action === 'automod.timeout' && e.after.timeoutUntil)).toBe(true)
  })

  test('dry run: nothing happens, and what would have happened is recorded', async () => {
    const { w, room, member } = await place()
    await addRule(w, { name: 'Trial', trigger: keywords(['heck']), action: block, dryRun: true })
    const ack = await m.send({ roomId: room.id, author: member, text: 'oh heck' })
    expect(ack.messageId).toBeString()
    const entry = (await auditActions(w)).find((e) => e.action === 'automod.dry_run')
    expect(entry?.after).toMatchObject({ ruleName: 'Trial', wouldHave: { kind: 'block' }, target: { kind: 'message', id: ack.messageId } })
  })

  test('several rules: the strongest action wins, and each that fired is recorded', async () => {
    const { w, room, member } = await place()
    await addRule(w, { name: 'Flagger', trigger: keywords(['scam']), action: { kind: 'flag' } })
    await addRule(w, { name: 'Blocker', trigger: keywords(['scam']), action: block })
    const refused = await m.refusal({ roomId: room.id, author: member, text: 'a scam' })
    expect(refused?.details).toMatchObject({ rule: { name: 'Blocker' } })
    const actions = (await auditActions(w)).map((e) => e.action)
    expect(actions).toContain('automod.block')
    expect(actions).toContain('automod.flag')
  })
})

describe('exemptions', () => {
  test('a member holding an exempt role is not checked', async () => {
    const { w, room, member } = await place()
    const trusted = await w.role('trusted', ['view'])
    await w.grant(member, trusted.id)
    await addRule(w, { name: 'Words', trigger: keywords(['darn']), action: block, exemptRoles: [trusted.id] })
    expect(await m.refusal({ roomId: room.id, author: member, text: 'darn' })).toBeUndefined()
    const other = await w.join()
    expect((await m.refusal({ roomId: room.id, author: other, text: 'darn' }))?.code).toBe('automod_blocked')
  })

  test('an exempt group exempts the rooms under it; other rooms are checked', async () => {
    const { w, room, member } = await place()
    const group = await w.group('Off-topic')
    const inside = await w.room('memes', { groupId: group.id })
    await addRule(w, { name: 'Words', trigger: keywords(['darn']), action: block, exemptRooms: [group.id] })
    expect(await m.refusal({ roomId: inside.id, author: member, text: 'darn' })).toBeUndefined()
    expect((await m.refusal({ roomId: room.id, author: member, text: 'darn' }))?.code).toBe('automod_blocked')
  })

  test('an owner (and whoever manages the community) is never checked', async () => {
    const { w, room } = await place()
    await addRule(w, { name: 'Words', trigger: keywords(['darn']), action: block })
    expect(await m.refusal({ roomId: room.id, author: w.owner, text: 'darn' })).toBeUndefined()
    const admin = await w.join()
    const managers = await w.role('managers', ['view', 'send', 'manage_community'], { position: 3 })
    await w.grant(admin, managers.id)
    expect(await m.refusal({ roomId: room.id, author: admin, text: 'darn' })).toBeUndefined()
  })
})

describe('compiled rules follow every change at once', () => {
  test('disabling, re-enabling and editing a rule take effect on the next check', async () => {
    const { w, room, member } = await place()
    const rule = await addRule(w, { name: 'Words', trigger: keywords(['darn']), action: block })
    const check = (text: string) => m.refusal({ roomId: room.id, author: member, text })
    expect((await check('darn'))?.code).toBe('automod_blocked')
    ok(await http.patch(`/v1/automod/rules/${rule.id}`, { enabled: false }, w.as(w.owner)))
    expect(await check('darn')).toBeUndefined()
    ok(await http.patch(`/v1/automod/rules/${rule.id}`, { enabled: true, trigger: keywords(['drat']) }, w.as(w.owner)))
    expect(await check('darn')).toBeUndefined()
    expect((await check('drat'))?.code).toBe('automod_blocked')
  })

  test('rules whose patterns do not fit together (saved before that was checked): those that fit, in order, go on working', async () => {
    const { w, room, member } = await place()
    // Two rules of about 3500 instructions each: the second does not fit beside the first (5000 at most).
    const large = (word: string, c: string) => ({ kind: 'regex', patterns: [word, ...['a', 'b', 'c', 'd', 'e'].map((x) => `(?:${c}${x}1|${c}${x}2){100}`)] })
    const at = (s: number) => new Date(Date.now() - 60_000 + s * 1000)
    await m.app.res.db.insert(automodRules).values(
      [
        { name: 'First', trigger: large('forbiddenone', 'q') },
        { name: 'Second', trigger: large('forbiddentwo', 'r') },
        { name: 'Words', trigger: keywords(['darn']) },
      ].map((r, i) => ({ id: crypto.randomUUID(), communityId: w.id, action: block, createdBy: w.owner.id, createdAt: at(i), ...r })),
    )
    const check = (text: string) => m.refusal({ roomId: room.id, author: member, text })
    expect(await check('hello there')).toBeUndefined()
    expect((await check('forbiddenone'))?.code).toBe('automod_blocked')
    expect((await check('darn'))?.code).toBe('automod_blocked')
    expect(await check('forbiddentwo')).toBeUndefined()
  })

  test('a community with no rules answers allow', async () => {
    const { w, room, member } = await place()
    expect((await m.automod.check({ communityId: w.id, roomId: room.id, authorId: member.id, text: 'anything' })).verdict).toBe('allow')
  })
})

describe('every path a message is written by is screened', () => {
  let p: Awaited<ReturnType<typeof place>>
  let rule: any
  beforeAll(async () => {
    p = await place()
    rule = await addRule(p.w, { name: 'No swearing', trigger: keywords(['fuck']), action: block })
  })
  const wsUrl = () => m.http.baseUrl.replace('http', 'ws')

  test('a send over the WebSocket: an error frame with automod_blocked naming the rule, nothing committed', async () => {
    const ws = await WsClient.open(wsUrl(), p.member.accessToken)
    try {
      const answer = await ws.request('send', { roomId: p.room.id, nonce: 'ws-blocked', body: 'what the fuck' })
      expect(answer).toMatchObject({ op: 'error', code: 'automod_blocked' })
      expect(answer.message).toContain('No swearing')
    } finally {
      ws.socket.close()
    }
    const history = ok(await http.get(`/v1/rooms/${p.room.id}/messages`, p.w.as(p.member))).body.messages
    expect(history.map((x: any) => x.body)).not.toContain('what the fuck')
  })

  test('a poll whose question or option breaks a rule: 422 automod_blocked, no poll and no message', async () => {
    // (Owners are exempt from automod: a member who may create polls asks.)
    const pollster = await p.w.join()
    await p.w.grant(pollster, (await p.w.role('pollsters', ['create_polls'])).id)
    const before = ok(await http.get(`/v1/rooms/${p.room.id}/messages`, p.w.as(p.w.owner))).body.messages.length
    const question = await http.post(`/v1/rooms/${p.room.id}/polls`, { question: 'what the fuck?', options: ['a', 'b'] }, p.w.as(pollster))
    const option = await http.post(`/v1/rooms/${p.room.id}/polls`, { question: 'Lunch?', options: ['pizza', 'fuck it'] }, p.w.as(pollster))
    const fine = await http.post(`/v1/rooms/${p.room.id}/polls`, { question: 'Lunch?', options: ['pizza', 'soup'] }, p.w.as(pollster))
    expect(fine.status).toBe(201)
    expect([question.status, question.body.error.code, option.status, option.body.error.code]).toEqual([422, 'automod_blocked', 422, 'automod_blocked'])
    expect(ok(await http.get(`/v1/rooms/${p.room.id}/messages`, p.w.as(p.w.owner))).body.messages.length).toBe(before + 1)
  })

  test('an edit over REST: 422 automod_blocked, and the message keeps its words', async () => {
    const { messageId } = await m.send({ roomId: p.room.id, author: p.member, text: 'hello there' })
    const res = await http.patch(`/v1/messages/${messageId}`, { body: 'fuck there' }, p.w.as(p.member))
    expect(res.status).toBe(422)
    expect(res.body.error).toMatchObject({ code: 'automod_blocked', details: { rule: { id: rule.id } } })
    expect(ok(await http.get(`/v1/messages/${messageId}`, p.w.as(p.member))).body.body).toBe('hello there')
  })

  test('an edit over the WebSocket: an error frame with automod_blocked', async () => {
    const { messageId } = await m.send({ roomId: p.room.id, author: p.member, text: 'fine words' })
    const ws = await WsClient.open(wsUrl(), p.member.accessToken)
    try {
      expect(await ws.request('edit', { messageId, body: 'f u c k' })).toMatchObject({ op: 'error', code: 'automod_blocked' })
    } finally {
      ws.socket.close()
    }
  })

  test('an edit that a flag rule fires on opens a report of the message', async () => {
    const q = await place()
    await addRule(q.w, { name: 'Watch', trigger: keywords(['casino']), action: { kind: 'flag' } })
    const { messageId } = await m.send({ roomId: q.room.id, author: q.member, text: 'nice evening' })
    ok(await http.patch(`/v1/messages/${messageId}`, { body: 'nice casino' }, q.w.as(q.member)))
    const queue = ok(await http.get(`/v1/communities/${q.w.id}/reports`, q.w.as(q.w.owner))).body.reports
    expect(queue.map((r: any) => [r.target.id, r.rule?.name])).toEqual([[messageId, 'Watch']])
  })

  test("a direct message is not a community's to screen", async () => {
    const dm = ok(await http.post('/v1/dms', { userIds: [p.w.owner.id] }, p.w.as(p.member)), 201).body
    expect(await m.refusal({ roomId: dm.id, author: p.member, text: 'fuck' })).toBeUndefined()
  })
})
