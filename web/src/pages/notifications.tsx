import type { Data } from '../../../client/src/index.ts'
import { useEffect, useState } from 'preact/hooks'
import { nameOf, people, meet } from '../people'
import { href, Link } from '../router'
import { describe, hearth, unwrap } from '../session'
import { Store, useStore } from '../store'
import { ErrorNote, Loading, Time } from '../ui'

type Notification = Data<'/v1/notifications', 'get'>['notifications'][number]

/** Unread notifications: the bell's badge. */
export const notificationCount = new Store(0)
const arrived = new Store<Notification[]>([])

export async function loadNotificationCount(): Promise<void> {
  notificationCount.set(unwrap(await hearth.api.GET('/v1/notifications', { params: { query: { limit: 1 } } })).unreadCount)
}

hearth.realtime.onEvent('notification.created', (n) => {
  notificationCount.set((c) => c + 1)
  arrived.set((list) => [n, ...list.filter((x) => x.id !== n.id)])
})

const verbs: Record<string, string> = {
  mention: 'mentioned you',
  reply: 'replied to you',
  dm: 'sent you a message',
  follow: 'followed you',
  like: 'liked your post',
  comment: 'commented on your post',
  'report.resolved': 'A report you made was resolved',
  'event.reminder': 'An event is starting soon',
  'event.rsvp_promoted': 'You have a seat: you moved off the waitlist',
  'event.waitlist.promoted': 'You have a seat: you moved off the waitlist',
  webhook_disabled: 'A webhook was turned off after failing',
}

function linkOf(n: Notification): string | undefined {
  const data = (n.data ?? {}) as { roomId?: string; postId?: string }
  if (n.targetType === 'room' || data.roomId) return href.room(data.roomId ?? n.targetId)
  if (n.targetType === 'post' || data.postId) return href.feed()
  return undefined
}

function Line({ n }: { n: Notification }) {
  const everyone = useStore(people)
  useEffect(() => meet(n.actors), [n.id])
  const actors = n.actors.map((id) => nameOf(everyone.get(id)))
  const others = n.count - actors.length
  const who = actors.length ? `${actors.slice(0, 2).join(' and ')}${others > 0 ? ` and ${others} more` : ''}` : ''
  const verb = n.type === 'everyone' ? `mentioned you with @${(n.data as { mention?: string } | null)?.mention ?? 'everyone'}` : (verbs[n.type] ?? n.type.replace(/[._]/g, ' '))
  const preview = (n.data as { preview?: string } | null)?.preview
  const to = linkOf(n)
  const text = (
    <>
      {verb.includes('you') || !who ? (
        <>
          {who && <strong>{who} </strong>}
          {verb}
        </>
      ) : (
        verb
      )}
      {preview && <span class="muted"> — “{preview}”</span>}
    </>
  )
  return (
    <li class={n.read ? 'notification' : 'notification unread'}>
      {to ? <Link href={to}>{text}</Link> : <span>{text}</span>}
      <Time iso={n.latestAt} />
    </li>
  )
}

/** Everything that happened to me, newest first; grouped rows say how many. */
export function NotificationsPage() {
  const [list, setList] = useState<Notification[]>()
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string>()
  const live = useStore(arrived)
  const load = async (after?: string) => {
    try {
      const page = unwrap(await hearth.api.GET('/v1/notifications', { params: { query: { limit: 30, ...(after ? { cursor: after } : {}) } } }))
      setList((l) => [...(after ? (l ?? []) : []), ...page.notifications])
      setCursor(page.nextCursor)
      notificationCount.set(page.unreadCount)
    } catch (err) {
      setError(describe(err))
    }
  }
  useEffect(() => {
    document.title = 'Notifications · Hearth'
    arrived.set([])
    load()
  }, [])
  const readAll = async () => {
    try {
      unwrap(await hearth.api.POST('/v1/notifications/read', { body: {} }))
      notificationCount.set(0)
      setList((l) => l?.map((n) => ({ ...n, read: true })))
    } catch (err) {
      setError(describe(err))
    }
  }
  const shown = [...live.filter((n) => !list?.some((x) => x.id === n.id)), ...(list ?? [])]
  return (
    <section class="page" aria-labelledby="notifications-title">
      <div class="row spread">
        <h1 id="notifications-title">Notifications</h1>
        <button type="button" onClick={readAll}>
          Mark all read
        </button>
      </div>
      <ErrorNote error={error} />
      {!list ? (
        <Loading what="notifications" />
      ) : shown.length === 0 ? (
        <p class="muted">Nothing yet.</p>
      ) : (
        <ul class="plain list">
          {shown.map((n) => (
            <Line key={n.id} n={n} />
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" onClick={() => load(cursor)}>
          Older notifications
        </button>
      )}
    </section>
  )
}
