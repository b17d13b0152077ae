import { t } from 'elysia'

export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

/** An id in a path or body. */
export const Id = t.String({ pattern: UUID_PATTERN, description: 'id' })

/** A display name: trimmed by the service, 1..100 characters. */
export const Name = t.String({ minLength: 1, maxLength: 100 })

export const Paging = t.Object({
  cursor: t.Optional(t.String({ maxLength: 200 })),
  limit: t.Optional(t.Numeric({ minimum: 1, maximum: 100 })),
})

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null)
