import { t } from 'elysia'
import { UUID_PATTERN } from '../../lib/model'

const uuid = UUID_PATTERN.slice(1, -1)

export const PresenceQuery = t.Object({
  userIds: t.String({ pattern: `^${uuid}(,${uuid})*$`, maxLength: 3800, description: 'comma-separated user ids (at most 100)' }),
})

export const PresenceList = t.Array(t.Object({ userId: t.String(), status: t.String(), lastSeenAt: t.Nullable(t.String()) }))
