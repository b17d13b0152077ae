/** A refusal from Hearth (REST error body or WebSocket `error` frame), or a failure of the client's own. */
export class HearthError extends Error {
  override readonly name = 'HearthError'
  readonly code: string
  /** HTTP status (REST), absent on WebSocket errors. */
  readonly status: number | undefined
  readonly requestId: string | undefined
  readonly details: unknown
  /** Seconds to wait before trying again (429, rate_limited frames). */
  readonly retryAfter: number | undefined

  constructor(init: { code: string; message: string; status?: number; requestId?: string; details?: unknown; retryAfter?: number }) {
    super(init.message)
    this.code = init.code
    this.status = init.status
    this.requestId = init.requestId
    this.details = init.details
    this.retryAfter = init.retryAfter
  }
}

/** Codes the client itself uses (never sent by the server). */
export const ClientErrorCode = {
  /** The socket closed before the op was answered. */
  disconnected: 'disconnected',
  /** No session, or it ended. */
  signedOut: 'signed_out',
  /** The server could not be reached. */
  network: 'network_error',
} as const
