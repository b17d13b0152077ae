import { HearthError } from '../../client/src/index.ts'
import { hearth, unwrap } from './session'
import { Store } from './store'

/** What I may manage in a community, as its server answers (the settings page's sections). */
export interface CommunityAccess {
  /** Automod rules and their audit (`manage_community`). */
  automod: boolean
  /** Outgoing webhook endpoints (`manage_webhooks` on the community). */
  webhooks: boolean
}

export const access = new Store<ReadonlyMap<string, CommunityAccess>>(new Map())

/**
 * Hearth has no route that lists my permissions in a community (only in a room), so the
 * settings entry asks the two lists the settings page shows: a 403 means the section is not
 * mine. Asked again each time the community is opened, so a new role shows without a reload.
 */
export async function loadAccess(communityId: string): Promise<CommunityAccess> {
  const may = async (ask: () => Promise<unknown>) => {
    try {
      await ask()
      return true
    } catch (err) {
      if (err instanceof HearthError && (err.status === 403 || err.status === 404)) return false
      throw err
    }
  }
  const path = { params: { path: { id: communityId } } }
  const [automod, webhooks] = await Promise.all([
    may(async () => unwrap(await hearth.api.GET('/v1/communities/{id}/automod/rules', path))),
    may(async () => unwrap(await hearth.api.GET('/v1/communities/{id}/webhooks', path))),
  ])
  const found = { automod, webhooks }
  access.set((all) => new Map(all).set(communityId, found))
  return found
}

export const mayManage = (a: CommunityAccess | undefined) => !!a && (a.automod || a.webhooks)
