import { AppError } from './errors'
import { isUuid } from './ids'

/** A cursor a list did not give out (tampered, truncated, out of range): 422 naming the field. */
export const badCursor = () =>
  new AppError('validation_failed', 'cursor is not one this list gave out', { details: [{ path: '/cursor', message: 'not a cursor of this list' }] })

// Times a cursor may carry: what Postgres and a JS Date both hold exactly (not year 0, not year 275760).
const EARLIEST = Date.UTC(1970, 0, 1)
const LATEST = Date.UTC(9999, 11, 31)

/**
 * An opaque keyset cursor of (time, id), for lists ordered by a time with the id as the
 * tie-break. Decoding checks shape and range, so nothing a client makes up reaches SQL.
 */
export const timeIdCursor = {
  encode(at: Date, id: string): string {
    return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url')
  },
  decode(cursor: string): { at: Date; id: string } {
    const [time, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|')
    const at = new Date(time ?? '')
    const ms = at.getTime()
    if (rest.length || !id || !isUuid(id) || Number.isNaN(ms) || ms < EARLIEST || ms > LATEST) throw badCursor()
    return { at, id }
  },
}
