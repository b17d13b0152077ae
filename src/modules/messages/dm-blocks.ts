import { eq } from 'drizzle-orm'
import type { Database } from '../../db/client'
import { rooms } from '../../db/schema'
import { AppError } from '../../lib/errors'

/** What messages asks the social layer (which owns blocks): whether either of two users blocks the other. */
export interface BlockPort {
  isBlocked(a: string, b: string): Promise<boolean>
}

const CACHED_DMS = 10_000

/**
 * A one-to-one DM between people who block each other (either way) takes nothing more
 * from either: no send, edit or new reaction (403 `blocked`), as opening it again is
 * refused. Its history stays readable. Only DMs ask: the room's two people never change
 * (they are its `dm_key`), so they are read once per room and process; whether they
 * block each other is asked on every write, so a block or an unblock holds at once on
 * every node. Group DMs are not checked here (a block keeps people from being added to
 * one together, not from a group they already share).
 */
export class DmBlocks {
  private readonly people = new Map<string, readonly string[]>()

  constructor(private readonly deps: { db: Database; social: BlockPort }) {}

  /** Throws 403 `blocked` when `roomId` is a DM (`kind`) whose other person blocks `userId` or is blocked by them. */
  async require(userId: string, roomId: string, kind: string): Promise<void> {
    if (kind !== 'dm') return
    const other = (await this.peopleOf(roomId)).find((id) => id !== userId)
    if (other && (await this.deps.social.isBlocked(userId, other))) {
      throw new AppError('blocked', 'you cannot message someone who blocks you or whom you block')
    }
  }

  private async peopleOf(roomId: string): Promise<readonly string[]> {
    const known = this.people.get(roomId)
    if (known) return known
    const [row] = await this.deps.db.select({ dmKey: rooms.dmKey }).from(rooms).where(eq(rooms.id, roomId))
    const people = row?.dmKey ? row.dmKey.split(':') : []
    if (people.length === 2) {
      if (this.people.size >= CACHED_DMS) this.people.clear()
      this.people.set(roomId, people)
    }
    return people
  }
}
