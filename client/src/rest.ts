import createClient, { type Client } from 'openapi-fetch'
import { HearthError } from './errors'
import type { components, paths } from './openapi'

export type ApiPaths = paths
export type ApiComponents = components
export type Api = Client<paths>

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
type Operation<P extends keyof paths, M extends Method> = paths[P][M] extends infer O ? (O extends { responses: unknown } ? O : never) : never
type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never
type SuccessStatus = 200 | 201 | 202

/** The JSON answer (2xx) of an operation, e.g. `Data<'/v1/users/me', 'get'>`. */
export type Data<P extends keyof paths, M extends Method> = Json<Operation<P, M>['responses'][SuccessStatus & keyof Operation<P, M>['responses']]>
/** The JSON body an operation takes, e.g. `Body<'/v1/communities', 'post'>`. */
export type Body<P extends keyof paths, M extends Method> = Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never

/** Every error answer: `{ error: { code, message, requestId, details? } }`. */
export type ApiError = components['schemas']['Error']

/** A message as history (`GET /v1/rooms/:id/messages`) answers it; live events are filled out to this shape. */
export type Message = Data<'/v1/rooms/{id}/messages', 'get'>['messages'][number]
export type Session = Data<'/v1/auth/login', 'post'>
export type SelfUser = Session['user']
export type TokenPair = Data<'/v1/auth/refresh', 'post'>

/** What a fetch-style call answered: its data, or its typed error body. */
interface Result<D, E> {
  data?: D
  error?: E
  response: Response
}

/** The data of a call, or a HearthError carrying the error body's code, status and request id. */
export function unwrap<D, E>(result: Result<D, E>): D {
  if (result.error !== undefined || !result.response.ok) throw toHearthError(result.response, result.error)
  return result.data as D
}

export function toHearthError(response: Response, body: unknown): HearthError {
  const error = (body as Partial<ApiError> | undefined)?.error
  const retryAfter = Number(response.headers.get('retry-after'))
  return new HearthError({
    code: error?.code ?? `http_${response.status}`,
    message: error?.message ?? response.statusText,
    status: response.status,
    requestId: error?.requestId ?? response.headers.get('x-request-id') ?? undefined,
    details: error?.details,
    retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  })
}

/** Something that can give the current access token and force a new one (the client's Auth). */
export interface TokenSource {
  readonly signedIn: boolean
  accessToken(): Promise<string>
  refresh(opts: { force: true }): Promise<unknown>
}

/**
 * The typed REST client. Each request carries the access token (refreshed first when close
 * to expiry); a 401 is answered by one forced refresh and one retry of the same request.
 */
export function createApi(opts: { baseUrl: string; fetch: (request: Request) => Promise<Response>; tokens?: TokenSource }): Api {
  const { tokens } = opts
  const authed = async (request: Request): Promise<Response> => {
    if (!tokens?.signedIn) return opts.fetch(request)
    // (Typed as the global Request: under Node's types clone() names undici's.)
    const again = request.clone() as Request
    const first = await opts.fetch(withToken(request, await tokens.accessToken()))
    if (first.status !== 401 || !tokens.signedIn) return first
    try {
      await tokens.refresh({ force: true })
    } catch {
      return first // signed out, or the server is unreachable: the caller sees the 401
    }
    return opts.fetch(withToken(again, await tokens.accessToken()))
  }
  return createClient<paths>({ baseUrl: opts.baseUrl, fetch: authed })
}

function withToken(request: Request, token: string): Request {
  const headers = new Headers(request.headers)
  headers.set('authorization', `Bearer ${token}`)
  return new Request(request, { headers })
}
