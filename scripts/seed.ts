// `bun run seed [baseUrl]`: fills a running Hearth (default http://localhost:3000, or
// HEARTH_URL) with demo data through the client package — users, a community with nested
// groups and rooms (one private), a DM, chat history with replies, reactions, an edit and a
// pin, a poll with votes, a weekly event with RSVPs, follows, posts, likes and comments — and
// prints how to sign in. Running it again signs the same users in and adds nothing twice.
import { HearthClient, HearthError, unwrap, type Message } from '../client/src'

export const DEMO_PASSWORD = 'hearth-demo-password'
export const COMMUNITY_NAME = 'Hearth Commons'

const PEOPLE = [
  { username: 'ada', about: 'owner of Hearth Commons' },
  { username: 'grace', about: 'moderator' },
  { username: 'linus', about: 'member' },
  { username: 'margaret', about: 'member' },
] as const
type Name = (typeof PEOPLE)[number]['username']

export interface SeedResult {
  baseUrl: string
  communityId: string
  created: boolean
  users: Record<Name, string>
  rooms: Record<string, string>
}

/** Signs in every demo user (registering those that do not exist yet). */
async function people(baseUrl: string): Promise<Record<Name, HearthClient>> {
  const clients = {} as Record<Name, HearthClient>
  for (const { username } of PEOPLE) {
    const client = new HearthClient({ baseUrl })
    try {
      await client.auth.register({ username, email: `${username}@example.com`, password: DEMO_PASSWORD })
    } catch (err) {
      if (!(err instanceof HearthError) || (err.code !== 'username_taken' && err.code !== 'email_taken')) throw err
      await client.auth.login({ login: username, password: DEMO_PASSWORD })
    }
    clients[username] = client
  }
  return clients
}

export async function seed(opts: { baseUrl: string; log?: (line: string) => void }): Promise<SeedResult> {
  const log = opts.log ?? (() => {})
  const baseUrl = opts.baseUrl.replace(/\/+$/, '')
  const health = await fetch(`${baseUrl}/health`).catch(() => undefined)
  if (!health?.ok) throw new Error(`nothing answers at ${baseUrl}/health — start Hearth first (bun start), or pass its URL`)

  const c = await people(baseUrl)
  const users = Object.fromEntries(PEOPLE.map(({ username }) => [username, c[username].auth.session!.userId])) as Record<Name, string>
  const { ada, grace, linus, margaret } = c
  const result = (communityId: string, created: boolean, rooms: Record<string, string>) => {
    for (const client of Object.values(c)) client.dispose()
    return { baseUrl, communityId, created, users, rooms }
  }

  const existing = unwrap(await ada.api.GET('/v1/communities')).find((community) => community.name === COMMUNITY_NAME)
  if (existing) {
    log(`${COMMUNITY_NAME} is already there: nothing added`)
    return result(existing.id, false, {})
  }

  // The community, its members, and a tree: groups inside groups, rooms at every level.
  const community = unwrap(await ada.api.POST('/v1/communities', { body: { name: COMMUNITY_NAME } }))
  const id = community.id
  const invite = unwrap(await ada.api.POST('/v1/communities/{id}/invites', { params: { path: { id } }, body: { maxUses: 50 } }))
  for (const member of [grace, linus, margaret]) unwrap(await member.api.POST('/v1/invites/{code}/accept', { params: { path: { code: invite.code } } }))
  unwrap(await ada.api.POST('/v1/communities/{id}/owners', { params: { path: { id } }, body: { userId: users.grace } }))

  const group = async (name: string, parentId?: string) =>
    unwrap(await ada.api.POST('/v1/communities/{id}/groups', { params: { path: { id } }, body: { name, ...(parentId ? { parentId } : {}) } })).id
  const room = async (name: string, groupId?: string, isPrivate = false) =>
    unwrap(
      await ada.api.POST('/v1/communities/{id}/rooms', {
        params: { path: { id } },
        body: { name, ...(groupId ? { groupId } : {}), ...(isPrivate ? { private: true } : {}) },
      }),
    ).id
  const townSquare = await group('Town square')
  const projects = await group('Projects')
  const web = await group('Web', projects)
  const server = await group('Server', projects)
  const clubs = await group('Clubs')
  const books = await group('Books', clubs)
  const scifi = await group('Science fiction', books)
  const rooms = {
    announcements: await room('announcements'),
    welcome: await room('welcome', townSquare),
    random: await room('random', townSquare),
    frontend: await room('frontend', web),
    backend: await room('backend', server),
    'reading-list': await room('reading-list', scifi),
    moderators: await room('moderators', undefined, true),
  }
  unwrap(await ada.api.POST('/v1/rooms/{id}/members', { params: { path: { id: rooms.moderators } }, body: { userId: users.grace } }))
  log(`community ${COMMUNITY_NAME}: 7 groups (3 levels deep), ${Object.keys(rooms).length} rooms (moderators is private)`)

  // History: a conversation with replies, reactions, an edit and a pin.
  let n = 0
  const say = async (who: HearthClient, roomId: string, body: string, replyTo?: string): Promise<Message> =>
    unwrap(
      await who.api.POST('/v1/rooms/{id}/messages', {
        params: { path: { id: roomId } },
        body: { body, nonce: `seed-${n++}`, ...(replyTo ? { replyTo } : {}) },
      }),
    )
  const hello = await say(ada, rooms.welcome, `Welcome to ${COMMUNITY_NAME}! Say hello and tell us what you are building.`)
  const lines: [HearthClient, string][] = [
    [grace, 'Hello everyone! I look after the moderation queue, ping me if something looks off.'],
    [linus, 'Hi! I mostly hang out in #backend.'],
    [margaret, 'Hey all, first time here. Is there a reading club?'],
    [grace, 'There is: Clubs → Books → Science fiction, room #reading-list.'],
    [margaret, 'Perfect, thanks!'],
    [ada, 'We have a weekly call on Thursdays, it is in the calendar.'],
    [linus, 'Will the call be recorded?'],
    [ada, 'Notes go into #announcements afterwards.'],
  ]
  for (let i = 0; i < 30; i++) {
    const [who, line] = lines[i % lines.length]!
    await say(who, rooms.welcome, i < lines.length ? line : `${line} (${Math.floor(i / lines.length) + 1})`)
  }
  const reply = await say(linus, rooms.welcome, 'Hello Ada 👋', hello.id)
  for (const [who, emoji] of [
    [grace, '👋'],
    [linus, '🎉'],
    [margaret, '👋'],
  ] as const) {
    unwrap(await who.api.PUT('/v1/messages/{id}/reactions/{emoji}', { params: { path: { id: hello.id, emoji } } }))
  }
  unwrap(await ada.api.PUT('/v1/messages/{id}/reactions/{emoji}', { params: { path: { id: reply.id, emoji: '❤️' } } }))
  unwrap(await ada.api.PUT('/v1/rooms/{id}/pins/{messageId}', { params: { path: { id: rooms.welcome, messageId: hello.id } } }))
  const typo = await say(margaret, rooms.random, 'Has anyone tried the new calender page?')
  unwrap(await margaret.api.PATCH('/v1/messages/{id}', { params: { path: { id: typo.id } }, body: { body: 'Has anyone tried the new calendar page?' } }))
  await say(linus, rooms.backend, 'The room actors group-commit sends: one transaction for many messages.')
  await say(grace, rooms.backend, 'And a retried send with the same nonce is the same message.')
  await say(ada, rooms.announcements, 'Hearth Commons is open. Be kind, stay curious.')
  await say(ada, rooms.moderators, 'Only owners and moderators see this room.')
  await say(margaret, rooms['reading-list'], 'Starting with "The Dispossessed" by Ursula K. Le Guin.')
  await say(linus, rooms['reading-list'], 'Good pick. Next: "A Memory Called Empire"?')
  // A few sends through the realtime session's outbox, as the web app sends them.
  grace.realtime.connect()
  const outbox = ['Anyone up for a game night on Friday?', 'I can host.'].map((body) => grace.realtime.send(rooms.random, { body }))
  for (const entry of outbox) {
    const settled = await grace.realtime.settled(entry.nonce)
    if (settled?.state !== 'sent') throw new Error(`a realtime send failed: ${settled?.error?.code}`)
  }
  grace.realtime.close()
  const dm = unwrap(await grace.api.POST('/v1/dms', { body: { userIds: [users.linus] } }))
  await say(grace, dm.id, 'Could you review the backend notes before Thursday?')
  await say(linus, dm.id, 'Sure, tonight.')
  unwrap(await ada.api.POST('/v1/rooms/{id}/read', { params: { path: { id: rooms.welcome } }, body: { seq: 10 } }))
  log(`history: ${n + outbox.length} messages, replies, reactions, an edit, a pin, a DM`)

  // A poll in #welcome, with votes.
  const { poll } = unwrap(
    await ada.api.POST('/v1/rooms/{id}/polls', {
      params: { path: { id: rooms.welcome } },
      body: { question: 'What should we build next?', options: ['A mobile app', 'Voice rooms', 'Better search', 'Dark mode'] },
    }),
  )
  const option = (i: number) => poll.options[i]!.id
  for (const [who, i] of [
    [grace, 2],
    [linus, 1],
    [margaret, 2],
  ] as const) {
    unwrap(await who.api.PUT('/v1/polls/{id}/vote', { params: { path: { id: poll.id } }, body: { choices: [option(i)] } }))
  }

  // A weekly event (Thursdays 17:00 London time) with RSVPs on its next occurrence.
  const event = unwrap(
    await ada.api.POST('/v1/communities/{id}/events', {
      params: { path: { id } },
      body: {
        title: 'Weekly community call',
        description: 'What shipped, what is next, open questions.',
        roomId: rooms.announcements,
        start: `${nextThursday()}T17:00`,
        durationMinutes: 45,
        timeZone: 'Europe/London',
        rrule: 'FREQ=WEEKLY;BYDAY=TH',
        location: '#announcements',
      },
    }),
  )
  const upcoming = unwrap(
    await ada.api.GET('/v1/communities/{id}/occurrences', {
      params: { path: { id }, query: { from: new Date().toISOString(), to: new Date(Date.now() + 30 * 86_400_000).toISOString() } },
    }),
  ).occurrences.filter((o) => o.eventId === event.id)
  const first = upcoming[0]
  if (first) {
    for (const [who, status] of [
      [ada, 'going'],
      [grace, 'going'],
      [linus, 'maybe'],
    ] as const) {
      unwrap(
        await who.api.PUT('/v1/events/{id}/occurrences/{originalStart}/rsvp', {
          params: { path: { id: event.id, originalStart: first.originalStart } },
          body: { status },
        }),
      )
    }
  }
  log(`a poll with 3 votes; a weekly event (${upcoming.length} occurrences in the next 30 days)`)

  // The social side: follows, posts, likes, comments.
  const follows: [HearthClient, Name][] = [
    [grace, 'ada'],
    [linus, 'ada'],
    [margaret, 'ada'],
    [ada, 'grace'],
    [margaret, 'grace'],
    [grace, 'linus'],
    [ada, 'margaret'],
  ]
  for (const [who, whom] of follows) unwrap(await who.api.PUT('/v1/users/{id}/follow', { params: { path: { id: users[whom] } } }))
  const post = async (who: HearthClient, body: string) => unwrap(await who.api.POST('/v1/posts', { body: { body } }))
  const launch = await post(ada, `${COMMUNITY_NAME} is live! Come say hello in #welcome.`)
  const notes = await post(linus, 'Wrote up how the gap fill in the client works: resume from the last seq, fill holes over REST.')
  await post(margaret, 'Reading club starts this week 📚')
  for (const [who, p] of [
    [grace, launch],
    [linus, launch],
    [margaret, launch],
    [ada, notes],
  ] as const) {
    unwrap(await who.api.PUT('/v1/posts/{id}/like', { params: { path: { id: p.id } } }))
  }
  unwrap(await grace.api.POST('/v1/posts/{id}/comments', { params: { path: { id: launch.id } }, body: { body: 'Congratulations!' } }))
  unwrap(await margaret.api.POST('/v1/posts/{id}/comments', { params: { path: { id: notes.id } }, body: { body: 'Very clear, thank you.' } }))
  log(`${follows.length} follows, 3 posts, likes and comments`)

  return result(id, true, rooms)
}

/** The next Thursday after today (YYYY-MM-DD), as the series' first local date. */
function nextThursday(): string {
  const day = new Date()
  day.setUTCDate(day.getUTCDate() + (((4 - day.getUTCDay() + 7) % 7) || 7))
  return day.toISOString().slice(0, 10)
}

if (import.meta.main) {
  const baseUrl = process.argv[2] ?? process.env.HEARTH_URL ?? 'http://localhost:3000'
  try {
    const result = await seed({ baseUrl, log: (line) => console.log(`  ${line}`) })
    console.log(`\n${result.created ? 'Seeded' : 'Already seeded:'} ${baseUrl}
Open ${baseUrl}/app and sign in with one of these (password: ${DEMO_PASSWORD}):
${PEOPLE.map((p) => `  ${p.username.padEnd(9)} ${p.about}`).join('\n')}
Two browsers side by side (or a private window) can be two of them at once.`)
    process.exit(0)
  } catch (err) {
    console.error(`seed: ${err instanceof HearthError ? `${err.code} (${err.status}): ${err.message}` : (err as Error).message}`)
    process.exit(1)
  }
}
