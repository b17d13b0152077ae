// The closed set of error codes Hearth answers with, and their HTTP statuses. Services
// throw `AppError`s; one `onError` (src/app.ts) renders them. No route builds an error
// body by hand.

export const errorStatus = {
  bad_request: 400,
  malformed_body: 400,
  validation_failed: 422,
  unauthorized: 401,
  token_expired: 401,
  invalid_credentials: 401,
  refresh_token_reused: 401,
  forbidden: 403,
  missing_permission: 403,
  cannot_grant: 403,
  role_hierarchy: 403,
  member_hierarchy: 403,
  owner_protected: 403,
  owner_only: 403,
  banned: 403,
  no_shared_community: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  username_taken: 409,
  email_taken: 409,
  last_owner: 409,
  group_not_empty: 409,
  already_member: 409,
  invalid_move: 422,
  invalid_target: 422,
  automod_blocked: 422,
  invalid_pattern: 422,
  payload_too_large: 413,
  quota_exceeded: 403,
  unsupported_media_type: 415,
  media_rejected: 422,
  invalid_media: 422,
  upload_missing: 409,
  media_not_ready: 409,
  invalid_signature: 403,
  url_expired: 403,
  rate_limited: 429,
  dependency_unavailable: 503,
  internal_error: 500,
  // polls and surveys
  poll_closed: 409,
  already_voted: 409,
  survey_closed: 409,
  timed_out: 403,
  invalid_answer: 422,
  unsafe_webhook_url: 422,
  webhook_signature_invalid: 401,
  webhook_timestamp_out_of_window: 401,
  webhook_replayed: 409,
  /** A follow or a DM between users where one blocks the other. */
  blocked: 403,
  // events
  invalid_rrule: 422,
  unknown_time_zone: 422,
  window_too_large: 422,
  occurrence_cancelled: 409,
} as const

export type ErrorCode = keyof typeof errorStatus

export class AppError extends Error {
  override name = 'AppError'
  readonly code: ErrorCode
  readonly status: number
  /** Seconds after which the client may retry (429 and 503). */
  readonly retryAfter?: number
  readonly details?: unknown

  constructor(code: ErrorCode, message: string, extra: { retryAfter?: number; details?: unknown } = {}) {
    super(message)
    this.code = code
    this.status = errorStatus[code]
    this.retryAfter = extra.retryAfter
    this.details = extra.details
  }
}

export const notFound = (what = 'resource') => new AppError('not_found', `${what} not found`)
export const forbidden = (message = 'you are not allowed to do this') => new AppError('forbidden', message)

/** A dependency (Postgres, Redis) is down: the client may retry. */
export class DependencyDownError extends AppError {
  readonly dependency: string
  constructor(dependency: 'postgres' | 'redis', cause?: unknown) {
    super('dependency_unavailable', `${dependency} is unavailable, retry shortly`, { retryAfter: 2 })
    this.dependency = dependency
    this.cause = cause
  }
}

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown }
}
