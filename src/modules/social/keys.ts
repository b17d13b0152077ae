import { timeIdCursor } from '../../lib/cursor'

/**
 * Where a row sits in a newest-first list: its time (whole milliseconds, as Hearth writes
 * it) and its id, which breaks ties. Feeds, Redis feed scores and every cursor use it.
 */
export interface Key {
  at: number
  id: string
}

/** a before b in newest-first order (a is newer). */
export const newer = (a: Key, b: Key): boolean => a.at > b.at || (a.at === b.at && a.id > b.id)

export const compareNewestFirst = (a: Key, b: Key): number => (newer(a, b) ? -1 : newer(b, a) ? 1 : 0)

/** Opaque to clients: the shared (time, id) keyset cursor. */
export const encodeCursor = (key: Key): string => timeIdCursor.encode(new Date(key.at), key.id)

export function decodeCursor(cursor: string): Key {
  const { at, id } = timeIdCursor.decode(cursor)
  return { at: at.getTime(), id }
}

/** The page and the cursor after it: `rows` holds up to limit + 1 items, the extra one meaning "there is more". */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => Key): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null }
}
