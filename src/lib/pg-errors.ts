// Postgres errors reach us wrapped (DrizzleQueryError -> postgres.js or PGlite error);
// these read through the wrapping.

function* causes(err: unknown): Generator<Record<string, unknown>> {
  let cur: unknown = err
  for (let i = 0; i < 6 && cur && typeof cur === 'object'; i++) {
    yield cur as Record<string, unknown>
    cur = (cur as { cause?: unknown }).cause
  }
}

/** The SQLSTATE of the first Postgres error in the chain. */
export function pgCode(err: unknown): string | undefined {
  for (const e of causes(err)) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code
  }
  return undefined
}

/** The name of the unique constraint an insert or update broke, if that is what failed. */
export function uniqueViolation(err: unknown): string | undefined {
  for (const e of causes(err)) {
    if (e.code === '23505') return String(e.constraint_name ?? e.constraint ?? '')
  }
  return undefined
}

const connectionCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'CONNECTION_CLOSED', 'CONNECTION_ENDED',
  'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '57P01', '57P02', '57P03', '53300',
])

/** True when the database could not be reached, as opposed to a query that failed. */
export function isDatabaseDown(err: unknown): boolean {
  for (const e of causes(err)) {
    if (typeof e.code === 'string' && connectionCodes.has(e.code)) return true
  }
  return false
}

/** The SQL text of a failed query (no parameters), to name the place of a database error in a log line. */
export function failedQuery(err: unknown): string | undefined {
  for (const e of causes(err)) {
    if (typeof e.query === 'string') return e.query.slice(0, 300)
  }
  return undefined
}
