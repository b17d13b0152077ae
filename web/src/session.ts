import { HearthClient, HearthError, localStorageStore, unwrap, type ConnectionState, type SelfUser } from '../../client/src/index.ts'
import { Store } from './store'

/**
 * The one client of this page: REST, tokens and the socket. The session lives in
 * localStorage, shared by the tabs of this browser (one refresh for all, sign-out everywhere).
 */
export const hearth = new HearthClient({ baseUrl: location.origin, store: localStorageStore('hearth.session') })

/** Who is signed in: undefined while it is being found out, null when nobody. */
export const me = new Store<SelfUser | null | undefined>(hearth.auth.signedIn ? undefined : null)

/** Who is signed in, by id: known from the token at once, before `me` is loaded. */
export const selfId = (): string | undefined => hearth.auth.session?.userId

/** The socket's state, to say "reconnecting…" when it is not open. */
export const connection = new Store<{ state: ConnectionState; retryInMs?: number }>({ state: hearth.realtime.state })

export { unwrap }

hearth.auth.onSession((session, reason) => {
  if (!session) return me.set(null)
  if (reason === 'signed_in' || reason === 'restored') {
    // Another person may have signed in in another tab: who this is, is asked again.
    me.set(session.user ?? (me.get()?.id === session.userId ? me.get() : undefined))
    hearth.realtime.connect()
  }
})

hearth.realtime.onState((state, info) => {
  connection.set({ state, retryInMs: info.delayMs })
  console.debug(`hearth: socket ${state} ${JSON.stringify(info)}`)
})

/** Finds out who the saved session belongs to (a restored session knows only the id). */
export async function loadMe(): Promise<void> {
  const asked = selfId()
  if (!asked) return me.set(null)
  // An answer for a session that ended (or was replaced) meanwhile is not who is signed in:
  // a sign-out while it was on the way must not be undone by it.
  const current = () => selfId() === asked
  try {
    const user = unwrap(await hearth.api.GET('/v1/users/me'))
    if (current()) me.set(user)
    else return another()
  } catch (err) {
    if (!current()) return another()
    // Signed out meanwhile (the session listener said so), or the server is away: stay on the
    // saved session and try again when asked.
    if (err instanceof HearthError && err.status === 401) me.set(null)
    else throw err
  }
}

/** Another person signed in while `loadMe` asked about the one before: who, if nobody else is asking. */
function another(): Promise<void> | undefined {
  if (selfId() && me.get() === undefined) return loadMe()
}

export async function signOut(): Promise<void> {
  hearth.realtime.close()
  await hearth.auth.logout()
}

/** What to tell a person about a failure. */
export function describe(err: unknown): string {
  if (err instanceof HearthError) return err.message || err.code
  return err instanceof Error ? err.message : String(err)
}
