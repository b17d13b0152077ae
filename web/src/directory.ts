import { useEffect, useState } from 'preact/hooks'
import type { Data, Message } from '../../client/src/index.ts'
import { meet } from './people'
import { describe, hearth, selfId, unwrap } from './session'
import { Store, useStore } from './store'
import { unread } from './unread'

export type Community = Data<'/v1/communities', 'get'>[number]
export type Tree = Data<'/v1/communities/{id}/tree', 'get'>
export type TreeGroup = Tree['groups'][number]
export type Room = Tree['rooms'][number]

/** The communities I am in, their trees as I may see them, and my DMs. */
export const communities = new Store<Community[] | undefined>(undefined)
export const trees = new Store<ReadonlyMap<string, Tree>>(new Map())
export const dms = new Store<Room[] | undefined>(undefined)
/** Rooms by id, from the trees, the DMs and rooms opened by URL. */
export const rooms = new Store<ReadonlyMap<string, Room>>(new Map())
/**
 * Who is in each DM, as far as the page knows: the people I opened it with, and the authors
 * of its messages (Hearth has no route listing a room's members yet).
 */
export const dmMembers = new Store<ReadonlyMap<string, ReadonlySet<string>>>(new Map())

export function noteDmMembers(roomId: string, userIds: string[]): void {
  const known = dmMembers.get().get(roomId)
  if (userIds.every((id) => known?.has(id))) return
  dmMembers.set((all) => new Map(all).set(roomId, new Set([...(known ?? []), ...userIds])))
  meet(userIds)
}

/** The room on screen: its messages count as read. */
export const openRoom = new Store<string | undefined>(undefined)

function know(list: Room[]) {
  rooms.set((all) => {
    const next = new Map(all)
    for (const r of list) next.set(r.id, r)
    return next
  })
}

export function roomsOf(tree: Tree): Room[] {
  const out: Room[] = [...tree.rooms]
  const walk = (groups: TreeGroup[]) => {
    for (const g of groups) {
      out.push(...g.rooms)
      walk(g.groups)
    }
  }
  walk(tree.groups)
  return out
}

/** A community's groups, flattened for a select: each name indented by its depth. */
export function groupOptions(groups: TreeGroup[], depth = 0): { id: string; label: string }[] {
  return groups.flatMap((g) => [{ id: g.id, label: `${'— '.repeat(depth)}${g.name}` }, ...groupOptions(g.groups, depth + 1)])
}

export async function loadCommunities(): Promise<void> {
  communities.set(unwrap(await hearth.api.GET('/v1/communities')))
}

/** Loads in flight, by community: the sidebar and a page asking at once make one request. */
const treeLoads = new Map<string, Promise<Tree>>()
/** Loads are numbered as they start: a tree is kept only if no later-started load's tree is held. */
let treeLoadsStarted = 0
const treeHeldFrom = new Map<string, number>()
/** Loads started up to this one were the previous person's (forgetDirectory): their trees are dropped. */
let treeLoadsForgotten = 0

/**
 * Loads a community's tree, joining a load of it in flight; `fresh` after a change (a room
 * or group added) starts a new load, as one in flight may have been answered before it.
 */
export function loadTree(communityId: string, opts: { fresh?: boolean } = {}): Promise<Tree> {
  const inFlight = treeLoads.get(communityId)
  if (inFlight && !opts.fresh) return inFlight
  const n = ++treeLoadsStarted
  const load: Promise<Tree> = (async () => {
    const tree = unwrap(await hearth.api.GET('/v1/communities/{id}/tree', { params: { path: { id: communityId } } }))
    if (n > treeLoadsForgotten && n > (treeHeldFrom.get(communityId) ?? 0)) {
      treeHeldFrom.set(communityId, n)
      trees.set((all) => new Map(all).set(communityId, tree))
      know(roomsOf(tree))
      watch(roomsOf(tree).map((r) => r.id))
    }
    return tree
  })().finally(() => {
    if (treeLoads.get(communityId) === load) treeLoads.delete(communityId)
  })
  treeLoads.set(communityId, load)
  return load
}

/**
 * A community's tree for a page: the one held, refreshed when the page opens; `error` when
 * it could not be loaded and none is held (a page then says so, not "no rooms yet"). The
 * error is this community's: one another community's load left is not shown meanwhile.
 */
export function useTree(communityId: string | undefined): { tree: Tree | undefined; error: string | undefined } {
  const tree = useStore(trees).get(communityId ?? '')
  const [failed, setFailed] = useState<{ communityId: string; error: string }>()
  useEffect(() => {
    if (!communityId) return
    let live = true
    loadTree(communityId).then(
      () => live && setFailed(undefined),
      (err) => live && setFailed({ communityId, error: describe(err) }),
    )
    return () => {
      live = false
    }
  }, [communityId])
  return { tree, error: !tree && failed && failed.communityId === communityId ? failed.error : undefined }
}

export async function loadDms(): Promise<void> {
  const list = unwrap(await hearth.api.GET('/v1/dms'))
  dms.set(list)
  know(list)
  watch(list.map((r) => r.id))
  // Names for the DMs: the authors of their latest messages.
  for (const dm of list.slice(0, 30)) {
    if (dmMembers.get().has(dm.id)) continue
    hearth.api
      .GET('/v1/rooms/{id}/messages', { params: { path: { id: dm.id }, query: { limit: 20 } } })
      .then((r) => noteDmMembers(dm.id, [...new Set(unwrap(r).messages.map((m) => m.authorId))]))
      .catch(() => undefined)
  }
}

/** Opens (or finds) the DM with these people. */
export async function openDm(userIds: string[]): Promise<Room> {
  const room = unwrap(await hearth.api.POST('/v1/dms', { body: { userIds } }))
  noteDmMembers(room.id, userIds)
  know([room])
  if (!dms.get()?.some((r) => r.id === room.id)) dms.set((list) => [room, ...(list ?? [])])
  watch([room.id])
  return room
}

/** A room by id (opened by URL): 404 when it does not exist or I may not see it. */
export async function loadRoom(roomId: string): Promise<Room> {
  const room = unwrap(await hearth.api.GET('/v1/rooms/{id}', { params: { path: { id: roomId } } }))
  know([room])
  return room
}

// Rooms in the sidebar are followed live (from their current end), so their badges move as
// messages arrive; a large tree is followed in part and corrected by /v1/me/unread.
const WATCH_AT_MOST = 100
const watched = new Set<string>()

function watch(roomIds: string[]) {
  for (const roomId of roomIds) {
    if (watched.has(roomId) || watched.size >= WATCH_AT_MOST) continue
    watched.add(roomId)
    hearth.realtime.subscribe(roomId).catch((err: { code?: string }) => {
      watched.delete(roomId)
      console.warn(`hearth: not following room ${roomId}: ${err.code ?? err}`)
    })
  }
}

export const isWatched = (roomId: string) => watched.has(roomId)

function countArrival(message: Message) {
  if (rooms.get().get(message.roomId)?.communityId === null) noteDmMembers(message.roomId, [message.authorId])
  const self = selfId()
  if (!self || message.authorId === self || message.roomId === openRoom.get()) return
  const mentioned = message.mentionEveryone || message.mentions.includes(self)
  unread.set((all) => {
    const room = all.get(message.roomId)
    if (room && room.lastSeq >= message.seq) return all
    return new Map(all).set(message.roomId, {
      roomId: message.roomId,
      unread: (room?.unread ?? 0) + 1,
      mentions: (room?.mentions ?? 0) + (mentioned ? 1 : 0),
      lastSeq: message.seq,
      readSeq: room?.readSeq ?? 0,
    })
  })
}

hearth.realtime.onMessage((message) => countArrival(message))
hearth.realtime.onEvent('subscription.revoked', ({ roomId }) => {
  console.debug(`hearth: room ${roomId} is no longer followed (access lost)`)
  watched.delete(roomId)
  rooms.set((all) => {
    const next = new Map(all)
    next.delete(roomId)
    return next
  })
})

/** Forgets everything of the previous person (sign-out). */
export function forgetDirectory(): void {
  for (const roomId of watched) hearth.realtime.unsubscribe(roomId)
  watched.clear()
  communities.set(undefined)
  trees.set(new Map())
  treeLoads.clear()
  treeHeldFrom.clear()
  treeLoadsForgotten = treeLoadsStarted
  dms.set(undefined)
  rooms.set(new Map())
  dmMembers.set(new Map())
}
