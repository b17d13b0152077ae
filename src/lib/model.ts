import { t } from 'elysia'
import { AppError } from './errors'

/** Ids as Hearth writes them: lower case, so one room is never two actors (or two cache keys). */
export const UUID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'

/** An id in a path or body. */
export const Id = t.String({ pattern: UUID_PATTERN, description: 'id' })

/** The `:id` of a path. */
export const IdParams = t.Object({ id: Id })

/** A display name: trimmed by the service, 1..100 characters. */
export const Name = t.String({ minLength: 1, maxLength: 100 })

/** A `Name` (or a title: `field`) as stored: trimmed; one of spaces only is refused (422 naming its field), never stored empty. */
export function trimmedName(name: string, field?: string): string
export function trimmedName(name: string | undefined, field?: string): string | undefined
export function trimmedName(name: string | undefined, field = 'name'): string | undefined {
  if (name === undefined) return undefined
  const trimmed = name.trim()
  if (trimmed === '') throw new AppError('validation_failed', `${field} is blank`, { details: [{ path: `/${field}`, message: 'must not be blank' }] })
  return trimmed
}

/** A whole number in a query string, named (a query parameter's error has no path of its own). */
export const QueryInt = (name: string, opts: { minimum: number; maximum: number; description?: string }) => t.Integer({ title: name, ...opts })

export const Paging = t.Object({
  cursor: t.Optional(t.String({ maxLength: 200 })),
  limit: t.Optional(QueryInt('limit', { minimum: 1, maximum: 100, description: 'page size; default 50' })),
})

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null)

/** The answer of a route that answers 204: nothing. */
export const NoContent = t.Void({ description: 'Done; no content' })
