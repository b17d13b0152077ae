// Reading the served OpenAPI document, so suites that must cover every route (the fuzz
// test, the security cases) cover the routes added after them without anyone remembering.

export interface Operation {
  method: string
  /** OpenAPI form: `/v1/rooms/{id}/messages`. */
  path: string
  pathParams: { name: string; schema: any }[]
  query: { name: string; schema: any; required: boolean }[]
  body: any | undefined
  security: boolean
}

type Doc = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, any> } }

/** Every operation of the document, in a stable order. */
export function operationsOf(doc: Doc): Operation[] {
  const ops: Operation[] = []
  for (const [path, byMethod] of Object.entries(doc.paths).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [method, op] of Object.entries(byMethod)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue
      const params = (op.parameters ?? []) as { name: string; in: string; schema: any; required?: boolean }[]
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
          name: m[1]!,
          schema: resolve(doc, params.find((p) => p.in === 'path' && p.name === m[1])?.schema),
        })),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: resolve(doc, p.schema), required: !!p.required })),
        body: resolve(doc, op.requestBody?.content?.['application/json']?.schema),
        security: Array.isArray(op.security) && op.security.length > 0,
      })
    }
  }
  return ops
}

/** Follows `$ref`s into components (one level at a time, as sampling needs them). */
export function resolve(doc: Doc, schema: any): any {
  let s = schema
  for (let i = 0; s?.$ref && i < 10; i++) s = doc.components?.schemas?.[String(s.$ref).split('/').pop()!]
  return s
}

/**
 * A plausible value for a schema: what a well-meaning client would send. `idFor` gives an
 * id for a field name (`roomId`, `userId`, ...) so samples reach past the 404s.
 */
export function sample(doc: Doc, schema: any, idFor: (field: string) => string, field = '', depth = 0): unknown {
  const s = resolve(doc, schema)
  if (!s || depth > 6) return null
  if ('const' in s) return s.const
  if (Array.isArray(s.enum)) return s.enum[0]
  const union = s.anyOf ?? s.oneOf
  if (Array.isArray(union)) {
    // Prefer what is not a string (a number written as `string | integer` is sent as a number).
    const kinds = union.map((u: any) => resolve(doc, u)?.type)
    const choice = union[kinds.findIndex((k: unknown) => k !== 'null' && k !== 'string')] ?? union.find((u: any) => resolve(doc, u)?.type !== 'null') ?? union[0]
    return sample(doc, choice, idFor, field, depth + 1)
  }
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {}
      for (const [key, prop] of Object.entries(s.properties ?? {})) out[key] = sample(doc, prop, idFor, key, depth + 1)
      return out
    }
    case 'array':
      if (s.minItems === 0 && depth > 0) return []
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => sample(doc, s.items, idFor, field.replace(/s$/, ''), depth + 1))
    case 'integer':
    case 'number':
      return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1)
    case 'boolean':
      return true
    case 'string': {
      if (s.format === 'uuid' || /uuid|\[0-9a-f\]\{8\}/i.test(String(s.pattern ?? '')) || /Id$|^id$/.test(field)) return idFor(field)
      if (s.format === 'date-time') return new Date(Date.now() + 3_600_000).toISOString()
      if (s.format === 'email') return 'fuzz@example.test'
      const length = Math.max(s.minLength ?? 1, Math.min(8, s.maxLength ?? 8))
      return 'fuzzvalue'.repeat(2).slice(0, length)
    }
    default:
      return null
  }
}
