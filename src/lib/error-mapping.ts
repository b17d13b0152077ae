import { ValidationError } from 'elysia'
import { AppError, DependencyDownError } from './errors'
import type { Logger } from './log'
import { isDatabaseDown, pgCode, uniqueViolation } from './pg-errors'
import { isRedisDown } from './redis'
import { describeError, type SchemaError } from './validation'

/** What a failure means to the client: every error reaching the app's one `onError` becomes an AppError. */
export function toAppError(code: string | number, error: unknown, log: Logger): AppError {
  if (error instanceof AppError) return error
  // A hook that throws while parsing (our body parser: 401, 413, 415, 422) arrives wrapped.
  if (code === 'PARSE') {
    const cause = (error as { cause?: unknown })?.cause
    return cause instanceof AppError ? cause : new AppError('malformed_body', 'request body could not be parsed')
  }
  if (code === 'VALIDATION' && error instanceof ValidationError) return validationError(error, log)
  if (code === 'NOT_FOUND') return new AppError('route_not_found', 'no such route')
  if (isRedisDown(error)) return new DependencyDownError('redis', error)
  if (isDatabaseDown(error)) return new DependencyDownError('postgres', error)
  // Input is checked before SQL; a constraint that still refuses it is a conflict or a bad reference,
  // and any other SQL error is our bug (logged with its query by onError), never a 404.
  if (uniqueViolation(error) !== undefined) return new AppError('conflict', 'that already exists')
  if (pgCode(error) === '23503') return new AppError('invalid_target', 'something this refers to does not exist')
  return new AppError('internal_error', 'something went wrong on our side')
}

/** A 422 naming the field and what it must be; the validator's own message formatting is never trusted with hostile values. */
function validationError(error: ValidationError, log: Logger): AppError {
  const where = error.type === 'body' ? 'request body' : error.type === 'property' ? 'query' : error.type
  // A query parameter checked on its own has no path; its schema carries its name as `title`.
  const field = typeof (error.validator as { title?: unknown })?.title === 'string' ? (error.validator as { title: string }).title : undefined
  let details: { path: string; message: string }[]
  try {
    const all = ('Errors' in error.validator ? [...(error.validator as any).Errors(error.value)] : error.all) as SchemaError[]
    details = all.slice(0, 10).map((e) => describeError(e, field))
  } catch (err) {
    log.warn('a validation error could not be described', { error: err })
    details = [{ path: field ? `/${field}` : '/', message: 'is not valid' }]
  }
  const first = details[0]
  return new AppError('validation_failed', `${where} is not valid: ${first?.path ?? ''} ${first?.message ?? ''}`.trim(), { details })
}
