import { Type as T, type Static, type TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { UUID_PATTERN } from '../lib/model'

// The client ops of API.md, one schema each. `id` is the client's, echoed in the answer.
const Id = T.Union([T.String({ minLength: 1, maxLength: 64 }), T.Integer()])
const Uuid = T.String({ pattern: UUID_PATTERN })
const Seq = T.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
const op = <N extends string, P extends Record<string, TSchema>>(name: N, props: P) =>
  T.Object({ op: T.Literal(name), id: T.Optional(Id), ...props })

export const ClientOps = {
  subscribe: op('subscribe', { roomId: Uuid, sinceSeq: T.Optional(Seq) }),
  unsubscribe: op('unsubscribe', { roomId: Uuid }),
  send: op('send', {
    roomId: Uuid,
    nonce: T.String({ minLength: 1, maxLength: 64 }),
    body: T.String({ maxLength: 4000 }),
    replyTo: T.Optional(Uuid),
    attachments: T.Optional(T.Array(Uuid, { maxItems: 10 })),
  }),
  edit: op('edit', { messageId: Uuid, body: T.String({ minLength: 1, maxLength: 4000 }) }),
  delete: op('delete', { messageId: Uuid }),
  react: op('react', { messageId: Uuid, emoji: T.String({ minLength: 1, maxLength: 64 }), on: T.Boolean() }),
  typing: op('typing', { roomId: Uuid }),
  read: op('read', { roomId: Uuid, seq: Seq }),
  delivered: op('delivered', { roomId: Uuid, seq: Seq }),
  presence: op('presence', { status: T.Union([T.Literal('online'), T.Literal('idle'), T.Literal('dnd')]) }),
  ping: op('ping', {}),
  auth: op('auth', { token: T.String({ minLength: 1, maxLength: 4096 }) }),
}

export type OpName = keyof typeof ClientOps
export type ClientOp<N extends OpName> = Static<(typeof ClientOps)[N]>

const checkers = Object.fromEntries(Object.entries(ClientOps).map(([name, schema]) => [name, TypeCompiler.Compile(schema)])) as {
  [N in OpName]: ReturnType<typeof TypeCompiler.Compile<(typeof ClientOps)[N]>>
}

export type Parsed =
  | { ok: true; op: { [N in OpName]: ClientOp<N> }[OpName] }
  | { ok: false; id?: string | number; code: 'bad_request' | 'validation_failed'; message: string }

/** One client frame: JSON, a known op, fields of the right shape. */
export function parseFrame(raw: unknown): Parsed {
  let frame: unknown = raw
  if (typeof raw === 'string' || raw instanceof Uint8Array) {
    try {
      frame = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw))
    } catch {
      return { ok: false, code: 'bad_request', message: 'a frame must be one JSON object' }
    }
  }
  if (!frame || typeof frame !== 'object' || Array.isArray(frame)) {
    return { ok: false, code: 'bad_request', message: 'a frame must be one JSON object' }
  }
  const { op: name, id } = frame as { op?: unknown; id?: unknown }
  const safeId = typeof id === 'string' || typeof id === 'number' ? id : undefined
  if (typeof name !== 'string' || !(name in checkers)) {
    return { ok: false, id: safeId, code: 'bad_request', message: `unknown op ${JSON.stringify(name)?.slice(0, 40)}` }
  }
  const checker = checkers[name as OpName]
  if (!checker.Check(frame)) {
    const first = checker.Errors(frame).First()
    return { ok: false, id: safeId, code: 'validation_failed', message: `${name}: ${first?.path || ''} ${first?.message ?? 'invalid'}`.trim() }
  }
  return { ok: true, op: frame as ClientOp<OpName> }
}

export const CloseCode = {
  badToken: 4001,
  rateLimited: 4008,
  tooSlow: 4009,
  goingAway: 4012,
} as const
