import type { CheckedTarget } from './target'

export interface SendOptions {
  target: CheckedTarget
  headers: Record<string, string>
  body: string
  timeoutMs: number
  /** Bytes of the answer read at most; the rest is never read. */
  maxResponseBytes: number
  /** Extra trusted certificate authorities (PEM): a private CA, or a test's self-signed receiver. */
  ca?: string
}

export type SendResult =
  | { ok: true; status: number; retryAfterSeconds: number | undefined; excerpt: string; latencyMs: number }
  | { ok: false; error: string; latencyMs: number }

const EXCERPT_CHARS = 1024

/**
 * One POST to the address that was checked, never to a fresh DNS answer: the URL names
 * the IP, while `Host` and TLS SNI (and certificate verification) keep the original host
 * name. Redirects are answers like any other (never followed); the whole exchange,
 * answer body included, ends at the timeout.
 */
export async function sendWebhook(opts: SendOptions): Promise<SendResult> {
  const { url, address, family } = opts.target
  const direct = new URL(url)
  direct.hostname = family === 6 ? `[${address}]` : address
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  const byName = hostname !== address
  const started = performance.now()
  const signal = AbortSignal.timeout(opts.timeoutMs)
  const elapsed = () => Math.round(performance.now() - started)
  try {
    const res = await fetch(direct, {
      method: 'POST',
      headers: { ...opts.headers, host: url.host },
      body: opts.body,
      redirect: 'manual',
      signal,
      tls: url.protocol === 'https:' ? { ...(byName ? { serverName: hostname } : {}), ...(opts.ca ? { ca: opts.ca } : {}) } : undefined,
    } as RequestInit)
    const excerpt = await readCapped(res, opts.maxResponseBytes, signal)
    return { ok: true, status: res.status, retryAfterSeconds: parseRetryAfter(res.headers.get('retry-after')), excerpt, latencyMs: elapsed() }
  } catch (err) {
    const error = signal.aborted ? `timed out after ${opts.timeoutMs} ms` : describe(err)
    return { ok: false, error, latencyMs: elapsed() }
  }
}

/** Reads at most `max` bytes of the answer and cancels the rest; returns the text's start. */
async function readCapped(res: Response, max: number, signal: AbortSignal): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  // The fetch signal should end a stalled body read; a race makes sure of it.
  const stopped = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason)
    signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
  stopped.catch(() => {})
  try {
    while (size < max) {
      const { done, value } = await Promise.race([reader.read(), stopped])
      if (done) break
      const room = max - size
      chunks.push(value.byteLength > room ? value.subarray(0, room) : value)
      size += Math.min(value.byteLength, room)
    }
  } finally {
    reader.cancel().catch(() => {})
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks))
  return text.length > EXCERPT_CHARS ? text.slice(0, EXCERPT_CHARS) : text
}

/** Retry-After as seconds from now: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim())
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000))
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string }
  const text = [e?.code, e?.message].filter(Boolean).join(': ') || String(err)
  return text.slice(0, 300)
}
