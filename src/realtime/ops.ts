import type { ClientOp, OpName } from './protocol'

/** The ops a session answers itself; every other op is a feature's (src/feature.ts `ops`). */
export const sessionOps = ['subscribe', 'unsubscribe', 'auth', 'ping'] as const
export type SessionOpName = (typeof sessionOps)[number]
export type FeatureOpName = Exclude<OpName, SessionOpName>

/** Who sent an op: the user, and the order of their socket's sends. */
export interface OpCaller {
  readonly userId: string
  /** See SocketSession.ordered: prepared in the order sent, committed overlapping. */
  ordered<T>(prepare: () => Promise<() => Promise<T>>): Promise<T>
}

/** Answers an op: the fields of its ack, or nothing when no ack is due (a typing without an id). */
export type OpHandler<N extends FeatureOpName> = (op: ClientOp<N>, caller: OpCaller) => Promise<Record<string, unknown> | undefined>

export type OpHandlers = { [N in FeatureOpName]?: OpHandler<N> }

/** Merges the features' handlers; two features answering one op is a wiring mistake. */
export function mergeOpHandlers(tables: (OpHandlers | undefined)[]): OpHandlers {
  const merged: Record<string, unknown> = {}
  for (const table of tables) {
    for (const [name, handler] of Object.entries(table ?? {})) {
      if (merged[name]) throw new Error(`two features answer the WebSocket op ${name}`)
      merged[name] = handler
    }
  }
  return merged as OpHandlers
}
