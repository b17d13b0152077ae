import { useEffect, useState } from 'preact/hooks'
import { hearth, unwrap } from './session'
import { Store, useStore } from './store'

/** Where my permissions are read: a community, or one of its groups (roles scoped there, its overwrites). */
export interface Place {
  communityId: string
  groupId?: string
}

/** A permission's name as Hearth spells it (docs/api.md, "Communities and permissions"). */
export type Permission = string

const keyOf = ({ communityId, groupId }: Place) => (groupId ? `${communityId}/${groupId}` : communityId)

/** My permissions at each place, as the server last answered. */
export const permissions = new Store<ReadonlyMap<string, ReadonlySet<Permission>>>(new Map())

const asking = new Map<string, Promise<ReadonlySet<Permission>>>()

/**
 * Asks the server what I may do at a place. No event says that my roles or a community's
 * permissions changed, so this is asked again whenever a page that depends on it opens (and
 * after a reconnect); asks of one place at the same time share one request.
 */
export function loadPermissions(place: Place): Promise<ReadonlySet<Permission>> {
  const key = keyOf(place)
  const pending = asking.get(key)
  if (pending) return pending
  const ask = (async () => {
    try {
      const answer = unwrap(
        await hearth.api.GET('/v1/communities/{id}/permissions', {
          params: { path: { id: place.communityId }, query: place.groupId ? { groupId: place.groupId } : {} },
        }),
      )
      const found: ReadonlySet<Permission> = new Set(answer.permissions)
      permissions.set((all) => new Map(all).set(key, found))
      return found
    } finally {
      asking.delete(key)
    }
  })()
  asking.set(key, ask)
  return ask
}

/** Asks again for every place already known (the socket came back: roles may have changed meanwhile). */
export function reloadPermissions(): void {
  for (const key of permissions.get().keys()) {
    const [communityId = key, groupId] = key.split('/')
    loadPermissions({ communityId, groupId }).catch(() => undefined)
  }
}

/**
 * My permissions at a place: undefined until the server answered; asked again each time the
 * place changes or the component using it mounts (a page opened).
 */
export function usePermissions(place: Place | undefined): ReadonlySet<Permission> | undefined {
  const key = place && keyOf(place)
  const known = useStore(permissions)
  useEffect(() => {
    if (place) loadPermissions(place).catch(() => undefined)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key])
  return key ? known.get(key) : undefined
}

/** Whether I may do `what` at a place: undefined until known. */
export function useMay(place: Place | undefined, what: Permission): boolean | undefined {
  return usePermissions(place)?.has(what)
}

/** My permissions in a room (its overwrites, or a DM's fixed set): undefined until the server answered, asked when the room changes. */
export function useRoomPermissions(roomId: string): ReadonlySet<Permission> | undefined {
  const [mine, setMine] = useState<{ roomId: string; names: ReadonlySet<Permission> }>()
  useEffect(() => {
    let live = true
    hearth.api.GET('/v1/rooms/{id}/permissions', { params: { path: { id: roomId } } }).then(
      (answer) => live && setMine({ roomId, names: new Set(unwrap(answer).permissions) }),
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [roomId])
  return mine?.roomId === roomId ? mine.names : undefined
}

/** The settings page's sections: automod rules (`manage_community`), webhooks out and in (`manage_webhooks`). */
export const settingsOf = (mine: ReadonlySet<Permission> | undefined) => ({
  automod: !!mine?.has('manage_community'),
  webhooks: !!mine?.has('manage_webhooks'),
})

export const mayOpenSettings = (mine: ReadonlySet<Permission> | undefined) => {
  const s = settingsOf(mine)
  return s.automod || s.webhooks
}
