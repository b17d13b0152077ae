import { useEffect, useState } from 'preact/hooks'
import { permissions, reloadPermissions } from './access'
import { communities, forgetDirectory, loadCommunities, loadDms } from './directory'
import { CommunityPage, HomePage, InvitePage } from './pages/community'
import { EventsPage } from './pages/events'
import { FeedPage } from './pages/feed'
import { ModerationPage } from './pages/moderation'
import { NotificationsPage, notificationCount, loadNotificationCount } from './pages/notifications'
import { OpsPage } from './pages/ops'
import { ProfilePage } from './pages/profile'
import { RoomPage } from './pages/room'
import { SettingsPage } from './pages/settings'
import { Sidebar } from './pages/sidebar'
import { SignInPage } from './pages/signin'
import { SurveyPage } from './pages/survey'
import { SurveysPage } from './pages/surveys'
import { learn } from './people'
import { href, Link, navigate, route, type Route } from './router'
import { connection, describe, hearth, loadMe, me, selfId } from './session'
import { useStore } from './store'
import { Icon } from './icons'
import { Loading } from './ui'
import { loadUnread } from './unread'

export function App() {
  const user = useStore(me)
  const where = useStore(route)
  const [error, setError] = useState<string>()

  useEffect(() => {
    if (user === undefined) loadMe().catch((err) => setError(describe(err)))
    if (user) learn([user])
  }, [user])

  // A saved session is enough to start: the pages load beside `me` (first render).
  const who = user === null ? undefined : selfId()
  useEffect(() => {
    if (!who) {
      permissions.set(new Map())
      return forgetDirectory()
    }
    const load = () => Promise.all([loadCommunities(), loadDms(), loadUnread(), loadNotificationCount()]).catch((err) => setError(describe(err)))
    load()
    // Counts (and my permissions) that moved while the socket was down are read again once it is back.
    let wasOpen = true
    return hearth.realtime.onState((state) => {
      if (state === 'open' && !wasOpen) {
        load()
        reloadPermissions()
      }
      wasOpen = state === 'open'
    })
  }, [who])

  // Signed out: the sign-in page (an invite link comes back after it); signed in: not it.
  const signing = where.page === 'signin' || where.page === 'signup'
  useEffect(() => {
    if (user === null && !signing && where.page !== 'invite') navigate(href.signin(), { replace: true })
    if (user && signing) navigate(href.home(), { replace: true })
  }, [user, where])

  if (user === undefined && !who) return error ? <p role="alert" class="error page">Hearth cannot be reached: {error}</p> : <Loading what="Hearth" />
  if (user === null) return <SignInPage key={where.page} mode={where.page === 'signup' ? 'up' : 'in'} next={where.page === 'invite' ? location.pathname : undefined} />
  return <Shell where={where} />
}

function Shell({ where }: { where: Route }) {
  const [menuOpen, setMenuOpen] = useState(false)
  const link = useStore(connection)
  const count = useStore(notificationCount)
  useEffect(() => setMenuOpen(false), [where])
  return (
    <div class={menuOpen ? 'shell menu-open' : 'shell'}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <button type="button" class="icon menu-button" aria-expanded={menuOpen} aria-controls="sidebar" onClick={() => setMenuOpen(!menuOpen)}>
          <Icon name="menu" />
          <span class="visually-hidden">Menu</span>
        </button>
        <Link href={href.home()} class="brand">
          Hearth
        </Link>
        {link.state !== 'open' && (
          <span class="connection" role="status" data-state={link.state}>
            {link.state === 'connecting' || link.state === 'idle' ? 'Connecting…' : 'Reconnecting…'}
          </span>
        )}
        <Link href={href.notifications()} class="bell" aria-label={`Notifications${count ? `, ${count} unread` : ''}`}>
          <Icon name="bell" />
          {count > 0 && <span class="badge">{count > 99 ? '99+' : count}</span>}
        </Link>
      </header>
      <Sidebar where={where} />
      <main id="main" tabIndex={-1}>
        <Page where={where} />
      </main>
    </div>
  )
}

function Page({ where }: { where: Route }) {
  const list = useStore(communities)
  switch (where.page) {
    case 'room':
      return <RoomPage roomId={where.roomId} threadId={where.threadId} />
    case 'community':
      return <CommunityPage communityId={where.communityId} />
    case 'events':
      return <EventsPage communityId={where.communityId} />
    case 'moderation':
      return <ModerationPage communityId={where.communityId} />
    case 'surveys':
      return <SurveysPage communityId={where.communityId} />
    case 'survey':
      return <SurveyPage key={where.surveyId} communityId={where.communityId} surveyId={where.surveyId} />
    case 'settings':
      return <SettingsPage key={where.communityId} communityId={where.communityId} />
    case 'profile':
      return <ProfilePage key={where.userId} userId={where.userId} />
    case 'feed':
      return <FeedPage />
    case 'notifications':
      return <NotificationsPage />
    case 'ops':
      return <OpsPage />
    case 'invite':
      return <InvitePage code={where.code} />
    case 'home':
      return <HomePage communities={list} />
    default:
      return (
        <section class="page">
          <h1>Not found</h1>
          <p>
            Nothing lives at this address. <Link href={href.home()}>Go home</Link>
          </p>
        </section>
      )
  }
}
