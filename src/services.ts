import { AuthService } from './modules/auth/service'
import { authGuard } from './modules/auth/guard'
import { CommunityService } from './modules/communities/service'
import { InviteService } from './modules/communities/invites'
import { PermissionService } from './modules/permissions/service'
import { RoleService } from './modules/permissions/roles'
import { DmService } from './modules/rooms/dms'
import { RoomService } from './modules/rooms/service'
import type { Resources } from './resources'

/** The app's services, built once from the resources and shared by the modules. */
export function createServices(res: Resources) {
  const auth = new AuthService(res)
  const permissions = new PermissionService(res)
  const dms = new DmService(res, permissions)
  return {
    res,
    auth,
    permissions,
    communities: new CommunityService(res, permissions),
    invites: new InviteService(res, permissions),
    roles: new RoleService(res, permissions),
    rooms: new RoomService(res, permissions, dms),
    dms,
    /** The guard every signed-in module uses: token check plus the per-user write limit. */
    signedIn: () => authGuard(auth, { rateLimiter: res.rateLimiter, rule: res.config.rateLimits.writesPerUser }),
  }
}

export type Services = ReturnType<typeof createServices>
