import { AppError, errorStatus, type ErrorCode } from '../lib/errors'

/** An error as it crosses between nodes. */
export interface WireError {
  name: string
  code: ErrorCode
  message: string
  retryAfter?: number
  details?: unknown
}

/** An error another node answered with, rebuilt as an AppError (`remoteName` says which class it was). */
export class RemoteError extends AppError {
  readonly remoteName: string
  constructor(wire: WireError) {
    const code = wire.code in errorStatus ? wire.code : 'internal_error'
    super(code, wire.message, { retryAfter: wire.retryAfter, details: wire.details })
    this.remoteName = wire.name
  }
}

export function encodeError(err: unknown): WireError {
  if (err instanceof AppError) {
    return { name: err.constructor.name, code: err.code, message: err.message, retryAfter: err.retryAfter, details: err.details }
  }
  return { name: 'Error', code: 'internal_error', message: 'something went wrong on another node' }
}

const dateFields = new Set(['createdAt', 'editedAt', 'deletedAt'])

/** JSON.parse that turns messages' timestamps back into Dates (what local callers get). */
export function parseWire<T>(text: string): T {
  return JSON.parse(text, (key, value) => (dateFields.has(key) && typeof value === 'string' ? new Date(value) : value)) as T
}
