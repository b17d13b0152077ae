// The OpenAPI document as third-party tools want it (openapi-typescript, Redocly): the
// plugin's output, made OpenAPI 3.1 throughout and given what the routes imply about
// errors. Pure: a document in, a document out.

type Json = Record<string, any>

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      properties: {
        code: { type: 'string', description: 'snake_case; one of a closed set (README: errors)', examples: ['validation_failed'] },
        message: { type: 'string' },
        requestId: { type: 'string', description: 'also in the x-request-id header' },
        details: { description: 'what was wrong, where it helps: e.g. [{path, message}] for invalid input' },
      },
    },
  },
}

/** What each error status means, for every operation that can answer it. */
const ERROR_RESPONSES: Record<string, string> = {
  '400': 'Malformed request (not JSON, not UTF-8)',
  '401': 'No access token, or a bad or expired one',
  '403': 'Not allowed (a permission, a role rank, a ban, a time-out)',
  '404': 'Not found, or not visible to you',
  '405': 'The path exists, not with this method (see Allow)',
  '409': 'Conflicts with the current state',
  '413': 'Body too large',
  '415': 'Body is not JSON',
  '422': 'Invalid input; error.details names the field',
  '429': 'Rate limited (see Retry-After)',
  '503': 'A dependency is down; retry after Retry-After',
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const

/** Makes the document tool-ready; `serverUrl` becomes its one `servers` entry. */
export function normalizeDocument(input: Json, opts: { serverUrl?: string } = {}): Json {
  const doc = structuredClone(input)
  const schemas: Json = (doc.components ??= {}).schemas ?? {}
  doc.components.schemas = schemas
  schemas.Error = ERROR_SCHEMA
  doc.components.responses = Object.fromEntries(
    Object.entries(ERROR_RESPONSES).map(([status, description]) => [
      `Error${status}`,
      { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
    ]),
  )
  doc.servers = [{ url: opts.serverUrl ?? '/', description: 'this Hearth' }]
  const usedIds = new Set<string>()
  for (const [path, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method]
      if (!op) continue
      op.operationId = uniqueId(operationId(method, path), usedIds)
      // A public operation says so (no token), rather than leaving it to a default.
      if (!Array.isArray(op.security)) op.security = []
      op.responses = { ...(op.responses ?? {}) }
      if (Object.keys(op.responses).length === 0) op.responses['200'] = { description: 'OK' }
      for (const status of errorStatuses(method, path, op)) {
        op.responses[status] ??= { $ref: `#/components/responses/Error${status}` }
      }
      for (const response of Object.values<Json>(op.responses)) {
        // A void answer (204, 101) comes out as `content: {type: 'void'}`: not a media-type map.
        if (response.content && Object.values(response.content).some((v) => typeof v !== 'object')) delete response.content
      }
    }
  }
  // Schemas the plugin emitted inline with an `$id` (recursive ones) become components.
  hoistIdentified(doc, schemas)
  walk(doc, fixSchema)
  return doc
}

/** The errors an operation can answer, from what it is: signed in, with ids, with a body. */
function errorStatuses(method: string, path: string, op: Json): string[] {
  const statuses = ['503']
  const signedIn = Array.isArray(op.security) && op.security.length > 0
  const hasInput = path.includes('{') || (op.parameters ?? []).length > 0 || op.requestBody
  if (signedIn) statuses.push('401', '403', '429')
  if (path.includes('{')) statuses.push('404')
  if (hasInput) statuses.push('422')
  if (op.requestBody) statuses.push('400', '413', '415')
  if (method !== 'get') statuses.push('409')
  return statuses.sort()
}

/** `post /v1/rooms/{id}/messages` -> `postRoomsByIdMessages`; well-known and admin paths read the same way. */
export function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/v1\//, '/')
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment)
      if (param) return ['by', param[1]!]
      return segment.split(/[^A-Za-z0-9]+/).filter(Boolean)
    })
  return method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')
}

function uniqueId(id: string, used: Set<string>): string {
  let candidate = id
  for (let i = 2; used.has(candidate); i++) candidate = `${id}${i}`
  used.add(candidate)
  return candidate
}

/** Visits every object of the document, children first. */
function walk(node: unknown, visit: (obj: Json) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit)
  } else if (node && typeof node === 'object') {
    for (const child of Object.values(node)) walk(child, visit)
    visit(node as Json)
  }
}

/**
 * One schema object, the 3.1 way: no `nullable` (3.0), numbers as numbers (the plugin
 * writes a coerced number as `string (format numeric) | number`), no bogus defaults the
 * coercion added.
 */
function fixSchema(schema: Json): void {
  if (schema.nullable === true) {
    delete schema.nullable
    if (typeof schema.type === 'string') schema.type = [schema.type, 'null']
    else if (Array.isArray(schema.type) && !schema.type.includes('null')) schema.type.push('null')
  } else if ('nullable' in schema && typeof schema.nullable === 'boolean') delete schema.nullable
  const union: Json[] | undefined = schema.anyOf
  if (Array.isArray(union)) {
    const numeric = union.find((s) => s?.type === 'integer' || s?.type === 'number')
    const coerced = union.find((s) => s?.type === 'string' && ['numeric', 'integer', 'number'].includes(s?.format))
    if (numeric && coerced && union.length === 2) {
      delete schema.anyOf
      Object.assign(schema, numeric)
    }
    // `(T | null) | null`: one null is enough.
    const nulls = union.filter((s) => s?.type === 'null')
    if (nulls.length > 1 && schema.anyOf) schema.anyOf = union.filter((s, i) => s?.type !== 'null' || i === union.indexOf(nulls[0]!))
  }
  if (Array.isArray(schema.type)) schema.type = [...new Set(schema.type)]
}

/** Moves `$id`-named inline schemas into components and points their `$ref`s there. */
function hoistIdentified(doc: Json, schemas: Json): void {
  const names = new Map<string, string>()
  walk(doc.paths, (obj) => {
    if (typeof obj.$id !== 'string' || obj.$id.startsWith('#')) return
    const name = obj.title && /^[A-Za-z][A-Za-z0-9]*$/.test(obj.title) ? obj.title : `Schema${obj.$id.replace(/[^A-Za-z0-9]/g, '')}`
    if (!names.has(obj.$id)) {
      names.set(obj.$id, name)
      const { $id: _id, ...rest } = obj
      schemas[name] = rest
    }
  })
  if (names.size === 0) return
  const rewrite = (obj: Json) => {
    if (typeof obj.$ref === 'string' && names.has(obj.$ref)) obj.$ref = `#/components/schemas/${names.get(obj.$ref)}`
    if (typeof obj.$id === 'string' && names.has(obj.$id)) {
      const name = names.get(obj.$id)!
      for (const key of Object.keys(obj)) delete obj[key]
      obj.$ref = `#/components/schemas/${name}`
    }
  }
  walk(doc.paths, rewrite)
  walk(schemas, (obj) => {
    if (typeof obj.$ref === 'string' && names.has(obj.$ref)) obj.$ref = `#/components/schemas/${names.get(obj.$ref)}`
  })
}
