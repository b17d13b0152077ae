import { Type as T, type Static, type TSchema } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { AppError } from '../lib/errors'
import { assertCleanInput, parseBoundedJson, textProblem } from '../lib/input'
import { UUID_PATTERN } from '../lib/model'
import { describeError } from '../lib/validation'

// The client ops of the contract (docs/api.md), one schema each. `id` is the client's, echoed in the answer.
const Id = T.Union([T.String({ minLength: 1, maxLength: 64 }), T.Integer()])
const Uuid = T.String({ pattern: UUID_PATTERN, description: 'id' })
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

const isOpName = (name: unknown): name is OpName => typeof name === 'string' && Object.hasOwn(checkers, name)

/**
 * One client frame: JSON (bounded depth, no NUL or lone surrogates: the same boundary as
 * REST bodies, src/lib/input.ts), a known op (own names only: `toString` is not an op),
 * fields of the right shape. Never throws.
 */
export function parseFrame(raw: unknown): Parsed {
  let frame: unknown = raw
  try {
    if (typeof raw === 'string' || raw instanceof Uint8Array) {
      frame = parseBoundedJson(typeof raw === 'string' ? raw : new TextDecoder().decode(raw), 'the frame')
    }
  } catch (err) {
    return refused(undefined, err)
  }
  if (!frame || typeof frame !== 'object' || Array.isArray(frame)) {
    return { ok: false, code: 'bad_request', message: 'a frame must be one JSON object' }
  }
  const { op: name, id } = frame as { op?: unknown; id?: unknown }
  const safeId = (typeof id === 'string' && id.length <= 64 && !textProblem(id)) || Number.isSafeInteger(id) ? (id as string | number) : undefined
  try {
    assertCleanInput(frame, 'the frame')
  } catch (err) {
    return refused(safeId, err)
  }
  if (!isOpName(name)) {
    return { ok: false, id: safeId, code: 'bad_request', message: `unknown op ${typeof name === 'string' ? JSON.stringify(name.slice(0, 40)) : typeof name}` }
  }
  const checker = checkers[name]
  if (!checker.Check(frame)) {
    const first = checker.Errors(frame).First()
    const described = first ? describeError(first) : { path: '', message: 'is not valid' }
    return { ok: false, id: safeId, code: 'validation_failed', message: `${name}: ${described.path} ${described.message}`.trim() }
  }
  return { ok: true, op: frame as ClientOp<OpName> }
}

function refused(id: string | number | undefined, err: unknown): Parsed {
  const invalid = err instanceof AppError && err.code === 'validation_failed'
  return { ok: false, id, code: invalid ? 'validation_failed' : 'bad_request', message: invalid ? err.message : 'a frame must be one JSON object' }
}

export const CloseCode = {
  badToken: 4001,
  rateLimited: 4008,
  tooSlow: 4009,
  goingAway: 4012,
} as const
