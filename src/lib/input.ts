// The one boundary every client input crosses before any schema, service or SQL sees it:
// REST bodies (read here, bounded in bytes and depth) and WebSocket frames alike. What is
// refused here is refused with the error shape, never with a 500 from deeper down.
import { AppError } from './errors'

/** JSON nesting deeper than this is refused before it is parsed (no body of ours needs more than a few levels). */
export const MAX_JSON_DEPTH = 32

/**
 * Object keys that name members of Object.prototype. A body that carries one as data
 * (`{"login": {"toString": 1}}`) breaks any code that formats or coerces the value, the
 * validator's own error messages included; no field of the API is named like this.
 */
const inheritedNames = new Set(Object.getOwnPropertyNames(Object.prototype))

/** The first refusal found in a parsed value: NUL, lone surrogates, inherited key names. */
export interface InputProblem {
  path: string
  message: string
}

/** Checks one string: NUL (Postgres cannot store it) and lone surrogates (not text) are refused. */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character'
  if (!value.isWellFormed()) return 'contains a lone surrogate (not valid Unicode text)'
  return undefined
}

/** Walks a parsed JSON value once; answers the first problem, with a JSON-pointer path to it. */
export function inputProblem(value: unknown, path = ''): InputProblem | undefined {
  if (typeof value === 'string') {
    const message = textProblem(value)
    return message ? { path: path || '/', message } : undefined
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = inputProblem(value[i], `${path}/${i}`)
      if (problem) return problem
    }
    return undefined
  }
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const where = `${path}/${escapePointer(key)}`
      if (inheritedNames.has(key)) return { path: where, message: `a field may not be named ${JSON.stringify(key)}` }
      const keyMessage = textProblem(key)
      if (keyMessage) return { path: where, message: `field name ${keyMessage}` }
      const problem = inputProblem((value as Record<string, unknown>)[key], where)
      if (problem) return problem
    }
  }
  return undefined
}

const escapePointer = (key: string) => key.slice(0, 64).replaceAll('~', '~0').replaceAll('/', '~1')

/** True when the JSON text nests deeper than `max` (scanned without parsing; strings skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      if (++depth > max) return true
    } else if (c === 93 || c === 125) depth--
  }
  return false
}

/** JSON text to a value, refusing deep nesting before parsing: `malformed_body` (400) or `validation_failed` (422). */
export function parseBoundedJson(text: string, what: string): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new AppError('validation_failed', `${what} nests deeper than ${MAX_JSON_DEPTH} levels`, {
      details: [{ path: '/', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }],
    })
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new AppError('malformed_body', `${what} is not valid JSON`)
  }
}

/** Throws `validation_failed` (422, naming the field) for the first refused piece of a parsed value. */
export function assertCleanInput(value: unknown, what: string): void {
  const problem = inputProblem(value)
  if (problem) {
    throw new AppError('validation_failed', `${what} is not valid: ${problem.path} ${problem.message}`, { details: [problem] })
  }
}

/** Parses client JSON: bounded depth, then checked text (see parseBoundedJson, assertCleanInput). */
export function parseClientJson(text: string, opts: { what: string } = { what: 'request body' }): unknown {
  const value = parseBoundedJson(text, opts.what)
  assertCleanInput(value, opts.what)
  return value
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Reads a request body, counting the bytes actually read (a chunked body has no
 * Content-Length to trust): past `limit` it stops reading and throws 413. Bytes that are
 * not UTF-8 are a 400.
 */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  if (Number(request.headers.get('content-length') ?? 0) > limit) {
    throw new AppError('payload_too_large', `request body is over ${limit} bytes`)
  }
  const body = request.body
  if (!body) return ''
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw new AppError('payload_too_large', `request body is over ${limit} bytes`)
    }
    chunks.push(value)
  }
  try {
    return utf8.decode(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))
  } catch {
    throw new AppError('malformed_body', 'request body is not UTF-8 text')
  }
}
