import { useEffect } from 'preact/hooks'
import { hearth, unwrap } from './session'
import { Store, useStore } from './store'

export type Status = 'online' | 'idle' | 'dnd' | 'offline'

/** Presence of the people on screen: asked once, then kept by `presence.updated`. */
export const presence = new Store<ReadonlyMap<string, Status>>(new Map())
const asked = new Set<string>()
let queue: string[] = []
let timer: ReturnType<typeof setTimeout> | undefined

function ask(ids: string[]) {
  queue.push(...ids.filter((id) => !asked.has(id)))
  for (const id of ids) asked.add(id)
  if (!queue.length || timer) return
  // Many avatars appear at once: one request for them all.
  timer = setTimeout(async () => {
    const batch = queue.splice(0, 100)
    timer = undefined
    if (queue.length) ask([])
    try {
      const list = unwrap(await hearth.api.GET('/v1/presence', { params: { query: { userIds: batch.join(',') } } }))
      presence.set((all) => {
        const next = new Map(all)
        for (const p of list) next.set(p.userId, p.status as Status)
        return next
      })
    } catch {
      for (const id of batch) asked.delete(id)
    }
  }, 50)
}

hearth.realtime.onEvent('presence.updated', ({ userId, status }) => presence.set((all) => new Map(all).set(userId, status)))
hearth.realtime.onState((state) => {
  // After a reconnect the events missed meanwhile are gone: ask again.
  if (state === 'open' && asked.size) {
    const again = [...asked]
    asked.clear()
    ask(again)
  }
})

export function usePresence(userId: string): Status {
  const all = useStore(presence)
  useEffect(() => ask([userId]), [userId])
  return all.get(userId) ?? 'offline'
}

export function PresenceDot({ userId }: { userId: string }) {
  const status = usePresence(userId)
  const label = { online: 'online', idle: 'away', dnd: 'do not disturb', offline: 'offline' }[status]
  return <span class={`presence ${status}`} role="img" aria-label={label} title={label} />
}
