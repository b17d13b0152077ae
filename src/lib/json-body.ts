import { AppError } from './errors'
import { parseClientJson, readBodyText } from './input'

/** Set in a route's `detail` when the route reads its own body bytes (uploads, signed incoming hooks). */
export const RAW_BODY = 'x-raw-body'

/** How a route's body is read, decided once from the assembled routes (src/app.ts). */
export interface BodyRules {
  /** Runs before the body is read: a signed-in route's token check. */
  earlyCheck(method: string, route: string): ((request: Request) => Promise<unknown>) | undefined
  /** The route reads its own bytes (uploads, signed incoming hooks): the parser leaves them. */
  raw(method: string, route: string): boolean
}

const isJson = (contentType: string) => contentType === 'application/json' || contentType.endsWith('+json')

/**
 * The only body parser of the app (a global `onParse`): the route's token check first, then
 * at most `limit` bytes actually read (chunked bodies too), then bounded, checked JSON
 * (src/lib/input.ts). Anything else is refused with the error shape: 401, 413, 415, 400, 422.
 */
export function jsonBodyParser(opts: { limit: number; rules: BodyRules }) {
  // Destructured in the parameter list: Elysia fills `route` only for hooks it sees asking for it.
  return async ({ request, route }: { request: Request; route: string }, contentType: string): Promise<unknown> => {
    if (opts.rules.raw(request.method, route)) return {}
    await opts.rules.earlyCheck(request.method, route)?.(request)
    const text = await readBodyText(request, opts.limit)
    if (text.trim() === '') return {}
    if (!isJson(contentType)) {
      throw new AppError('unsupported_media_type', 'send the body as JSON with "Content-Type: application/json"')
    }
    return parseClientJson(text)
  }
}
