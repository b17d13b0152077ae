import type { Logger } from '../../lib/log'
import type { PollUserState } from './model'
import type { Fanout } from '../../realtime/fanout'
import { roomSeesCounts, toPollView, toRoomState, type PollRecord, type PollState } from './rules'

export interface PollLiveDeps {
  live: Pick<Fanout, 'toRoom' | 'toUser'>
  log: Logger
  /** Least time between two pushes of one poll's state. */
  intervalMs: number
  /** Per-voter pushes one poll may cause per second (sets the pace of `after_vote` polls with many voters). */
  userPushesPerSecond: number
  /** The poll's ballots, read when its voters must each get their own counts. */
  ballots(pollId: string): Promise<{ userId: string; optionIds: string[] }[]>
  /** Whether a voter may still see the room (one who left it, or lost `view`, hears no more of its poll). */
  canSee(userId: string, roomId: string): Promise<boolean>
  now?: () => number
}

interface Entry {
  poll: PollRecord
  latest: PollState
  sentVersion: number
  lastPushAt: number
  timer: ReturnType<typeof setTimeout> | undefined
}

/**
 * `poll.updated`, coalesced: a poll's state goes out at most once per interval (the first
 * change at once, then the newest state at the end of each interval, so the last state is
 * always sent). The room gets it only while every reader may see the counts: a poll whose
 * counts are hidden is silent to the room until it closes, since a push per vote would
 * tell that someone voted. In an `after_vote` poll each voter gets the state on their own
 * channel instead, at a pace that keeps those pushes within `userPushesPerSecond`.
 */
export class PollLiveUpdates {
  private readonly entries = new Map<string, Entry>()
  private readonly now: () => number

  constructor(private readonly deps: PollLiveDeps) {
    this.now = deps.now ?? Date.now
  }

  /** A committed change: pushed now or at the end of the poll's interval, whichever the pace allows. */
  changed(poll: PollRecord, state: PollState) {
    const entry = this.entries.get(poll.id)
    if (!entry) {
      this.entries.set(poll.id, { poll, latest: state, sentVersion: -1, lastPushAt: 0, timer: undefined })
      this.schedule(poll.id)
      return
    }
    if (state.version <= entry.latest.version) return
    entry.latest = state
    this.schedule(poll.id)
  }

  /** A change every reader must hear about at once (a close): sent now, the pace notwithstanding. */
  immediate(poll: PollRecord, state: PollState) {
    this.changed(poll, state)
    const entry = this.entries.get(poll.id)!
    if (entry.timer) clearTimeout(entry.timer)
    entry.timer = undefined
    void this.push(poll.id)
  }

  /** The voter's own view, on their own channel, right after their vote. */
  toVoter(poll: PollRecord, state: PollState, userId: string, choices: string[]) {
    const data: PollUserState = { ...toPollView(poll, state, choices, this.now()), audience: 'you' }
    this.deps.live.toUser(userId, { type: 'poll.updated', data })
  }

  /** The poll is gone (its message deleted): nothing more is pushed for it. */
  forget(pollId: string) {
    const entry = this.entries.get(pollId)
    if (entry?.timer) clearTimeout(entry.timer)
    this.entries.delete(pollId)
  }

  /** Stops every pending push (shutdown). */
  stop() {
    for (const entry of this.entries.values()) if (entry.timer) clearTimeout(entry.timer)
    this.entries.clear()
  }

  private interval(entry: Entry): number {
    if (!this.perVoter(entry)) return this.deps.intervalMs
    return Math.max(this.deps.intervalMs, Math.ceil((entry.latest.voterCount * 1000) / this.deps.userPushesPerSecond))
  }

  /** Counts that only voters may see go to each voter (an `after_vote` poll still open). */
  private perVoter(entry: Entry): boolean {
    const state = entry.latest
    if (entry.poll.resultsVisibility !== 'after_vote' || state.closedAt || state.deletedAt) return false
    return !(entry.poll.closesAt && entry.poll.closesAt.getTime() <= this.now())
  }

  private schedule(pollId: string) {
    const entry = this.entries.get(pollId)
    if (!entry || entry.timer) return
    const delay = Math.max(0, entry.lastPushAt + this.interval(entry) - this.now())
    entry.timer = setTimeout(() => {
      entry.timer = undefined
      void this.push(pollId)
    }, delay)
  }

  private async push(pollId: string) {
    const entry = this.entries.get(pollId)
    if (!entry || entry.latest.version <= entry.sentVersion) return
    const { poll, latest } = entry
    entry.sentVersion = latest.version
    entry.lastPushAt = this.now()
    try {
      if (roomSeesCounts(poll, latest, this.now())) {
        this.deps.live.toRoom(poll.roomId, { type: 'poll.updated', data: toRoomState(poll, latest, this.now()) })
      }
      if (this.perVoter(entry)) {
        const ballots = await this.deps.ballots(pollId)
        const seeing = await Promise.all(ballots.map((b) => this.deps.canSee(b.userId, poll.roomId)))
        for (const [i, ballot] of ballots.entries()) {
          if (!seeing[i]) continue
          const data: PollUserState = { ...toPollView(poll, latest, ballot.optionIds, this.now()), audience: 'you' }
          this.deps.live.toUser(ballot.userId, { type: 'poll.updated', data })
        }
      }
    } catch (err) {
      this.deps.log.warn('poll update push failed', { pollId, error: err })
    }
    // Forget a quiet poll once its interval has passed (a later change starts afresh, pushed at once).
    const quiet = setTimeout(() => {
      const current = this.entries.get(pollId)
      if (current === entry && !entry.timer && entry.latest.version <= entry.sentVersion) this.entries.delete(pollId)
    }, this.interval(entry))
    ;(quiet as { unref?: () => void }).unref?.()
  }
}
