import { h, type AnchorHTMLAttributes, type ComponentChildren, type TargetedMouseEvent } from 'preact'
import { Store } from './store'

/** Where the app is: every page has a URL under /app, so a link or a reload lands on it. */
export type Route =
  | { page: 'home' }
  | { page: 'signin' }
  | { page: 'signup' }
  | { page: 'invite'; code: string }
  | { page: 'community'; communityId: string }
  | { page: 'room'; roomId: string; threadId?: string }
  | { page: 'events'; communityId: string }
  | { page: 'moderation'; communityId: string }
  | { page: 'surveys'; communityId: string }
  | { page: 'survey'; communityId: string; surveyId: string }
  | { page: 'settings'; communityId: string }
  | { page: 'profile'; userId: string }
  | { page: 'feed' }
  | { page: 'notifications' }
  | { page: 'ops' }
  | { page: 'missing' }

const BASE = '/app'
const id = '([0-9a-f-]{36})'
const patterns: [RegExp, (m: RegExpExecArray) => Route][] = [
  [/^\/?$/, () => ({ page: 'home' })],
  [/^\/signin$/, () => ({ page: 'signin' })],
  [/^\/signup$/, () => ({ page: 'signup' })],
  [/^\/invite\/([\w-]{1,64})$/, (m) => ({ page: 'invite', code: m[1]! })],
  [new RegExp(`^/c/${id}$`), (m) => ({ page: 'community', communityId: m[1]! })],
  [new RegExp(`^/c/${id}/events$`), (m) => ({ page: 'events', communityId: m[1]! })],
  [new RegExp(`^/c/${id}/moderation$`), (m) => ({ page: 'moderation', communityId: m[1]! })],
  [new RegExp(`^/c/${id}/surveys$`), (m) => ({ page: 'surveys', communityId: m[1]! })],
  [new RegExp(`^/c/${id}/surveys/${id}$`), (m) => ({ page: 'survey', communityId: m[1]!, surveyId: m[2]! })],
  [new RegExp(`^/c/${id}/settings$`), (m) => ({ page: 'settings', communityId: m[1]! })],
  [new RegExp(`^/u/${id}$`), (m) => ({ page: 'profile', userId: m[1]! })],
  [new RegExp(`^/r/${id}$`), (m) => ({ page: 'room', roomId: m[1]! })],
  [new RegExp(`^/r/${id}/thread/${id}$`), (m) => ({ page: 'room', roomId: m[1]!, threadId: m[2]! })],
  [/^\/feed$/, () => ({ page: 'feed' })],
  [/^\/notifications$/, () => ({ page: 'notifications' })],
  [/^\/ops$/, () => ({ page: 'ops' })],
]

export function parseRoute(pathname: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname
  for (const [pattern, make] of patterns) {
    const m = pattern.exec(path)
    if (m) return make(m)
  }
  return { page: 'missing' }
}

export const href = {
  home: () => BASE,
  signin: () => `${BASE}/signin`,
  signup: () => `${BASE}/signup`,
  community: (communityId: string) => `${BASE}/c/${communityId}`,
  events: (communityId: string) => `${BASE}/c/${communityId}/events`,
  moderation: (communityId: string) => `${BASE}/c/${communityId}/moderation`,
  surveys: (communityId: string) => `${BASE}/c/${communityId}/surveys`,
  survey: (communityId: string, surveyId: string) => `${BASE}/c/${communityId}/surveys/${surveyId}`,
  settings: (communityId: string) => `${BASE}/c/${communityId}/settings`,
  profile: (userId: string) => `${BASE}/u/${userId}`,
  room: (roomId: string) => `${BASE}/r/${roomId}`,
  thread: (roomId: string, messageId: string) => `${BASE}/r/${roomId}/thread/${messageId}`,
  feed: () => `${BASE}/feed`,
  notifications: () => `${BASE}/notifications`,
  ops: () => `${BASE}/ops`,
}

export const route = new Store<Route>(parseRoute(location.pathname))

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (path === location.pathname) return
  if (opts.replace) history.replaceState(null, '', path)
  else history.pushState(null, '', path)
  route.set(parseRoute(location.pathname))
}

addEventListener('popstate', () => route.set(parseRoute(location.pathname)))

type LinkProps = Omit<AnchorHTMLAttributes, 'href'> & { href: string; children?: ComponentChildren }

/** An ordinary link (it opens in a new tab, copies, works with the keyboard) that routes inside the page. */
export function Link({ href: to, children, onClick, ...rest }: LinkProps) {
  return h(
    'a',
    {
      ...rest,
      href: to,
      onClick: (e: TargetedMouseEvent<HTMLAnchorElement>) => {
        if (typeof onClick === 'function') onClick(e)
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
        e.preventDefault()
        navigate(to)
      },
    },
    children,
  )
}
