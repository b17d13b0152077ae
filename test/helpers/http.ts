export interface HttpResponse<T = any> {
  status: number
  headers: Headers
  body: T
}

export interface RequestOptions {
  token?: string
  headers?: Record<string, string>
  /** Sent as-is instead of JSON-encoding `body`. */
  raw?: string
}

/** A small JSON client for tests: never throws on a status, returns what a client would see. */
export class HttpClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`
    let payload: string | undefined = opts.raw
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body)
    if (payload !== undefined) headers['content-type'] ??= 'application/json'
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload })
    const text = await res.text()
    let parsed: unknown = text
    if (res.headers.get('content-type')?.includes('json') && text) parsed = JSON.parse(text)
    return { status: res.status, headers: res.headers, body: parsed as T }
  }

  get = <T = any>(path: string, opts?: RequestOptions) => this.request<T>('GET', path, undefined, opts)
  post = <T = any>(path: string, body?: unknown, opts?: RequestOptions) => this.request<T>('POST', path, body, opts)
  put = <T = any>(path: string, body?: unknown, opts?: RequestOptions) => this.request<T>('PUT', path, body, opts)
  patch = <T = any>(path: string, body?: unknown, opts?: RequestOptions) => this.request<T>('PATCH', path, body, opts)
  delete = <T = any>(path: string, opts?: RequestOptions) => this.request<T>('DELETE', path, undefined, opts)
}

let counter = 0
/** A new user through the public API; returns its tokens and id. */
export async function registerUser(http: HttpClient, name?: string) {
  const username = name ?? `user_${Date.now().toString(36)}_${(counter++).toString(36)}`
  const res = await http.post('/v1/auth/register', {
    username,
    email: `${username.toLowerCase()}@example.test`,
    password: 'correct horse battery',
  })
  if (res.status !== 201) throw new Error(`register ${username} failed: ${res.status} ${JSON.stringify(res.body)}`)
  return {
    id: res.body.user.id as string,
    username,
    password: 'correct horse battery',
    accessToken: res.body.accessToken as string,
    refreshToken: res.body.refreshToken as string,
  }
}
