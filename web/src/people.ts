import { useEffect } from 'preact/hooks'
import { hearth, unwrap } from './session'
import { Store, useStore } from './store'

export interface Person {
  id: string
  username: string
  displayName?: string | null
  /** Undefined: not known from where this person was met (a view without avatars). */
  avatarUrl?: string | null
}

/** Everyone the page has met, by id: names for authors, typists, readers and actors. */
export const people = new Store<ReadonlyMap<string, Person>>(new Map())
const asked = new Set<string>()

export function learn(list: Iterable<Person>): void {
  people.set((known) => {
    const next = new Map(known)
    for (const p of list) {
      // A view that does not carry avatars keeps the one known from another.
      const avatarUrl = p.avatarUrl === undefined ? known.get(p.id)?.avatarUrl : p.avatarUrl
      next.set(p.id, { id: p.id, username: p.username, displayName: p.displayName, avatarUrl })
    }
    return next
  })
}

/** Looks up people the page has not met (their profile), once each. */
export function meet(ids: Iterable<string>): void {
  for (const id of ids) {
    if (people.get().has(id) || asked.has(id)) continue
    asked.add(id)
    hearth.api
      .GET('/v1/users/{id}/profile', { params: { path: { id } } })
      .then((result) => learn([unwrap(result)]))
      .catch(() => learn([{ id, username: 'someone' }]))
  }
}

export const nameOf = (person: Person | undefined) => person?.displayName || person?.username || '…'

/** A person as far as the page knows them, looked up if needed. */
export function usePerson(id: string): Person | undefined {
  const known = useStore(people)
  useEffect(() => meet([id]), [id])
  return known.get(id)
}

/** A person's name, looked up if needed. */
export function useName(id: string | null | undefined): string {
  const known = useStore(people)
  useEffect(() => {
    if (id) meet([id])
  }, [id])
  return id ? nameOf(known.get(id)) : 'someone'
}

/** Members of a community, so its rooms show names at once. */
export async function learnMembers(communityId: string): Promise<void> {
  let cursor: string | undefined
  for (let page = 0; page < 5; page++) {
    const data = unwrap(await hearth.api.GET('/v1/communities/{id}/members', { params: { path: { id: communityId }, query: { limit: 100, cursor } } }))
    learn(data.members.map((m) => ({ id: m.userId, username: m.username, displayName: m.nickname ?? m.displayName, avatarUrl: m.avatarUrl })))
    if (!data.nextCursor) return
    cursor = data.nextCursor
  }
}
