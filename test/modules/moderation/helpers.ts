import { startTestApp } from '../../helpers/app'
import type { TestUser } from '../../helpers/community'

/**
 * The real app (every feature of src/features.ts mounted), and sends through its REST send
 * path, where automod screens them: what a member sees when a rule fires.
 */
export async function startModeration(env: Record<string, string> = {}, opts: Parameters<typeof startTestApp>[1] = {}) {
  const app = await startTestApp({ RATE_WRITES_PER_USER: '100000/60', RATE_READS_PER_USER: '100000/60', ...env }, opts)
  const http = app.http
  const automod = app.hearth.api('automod')

  let nonce = 0
  const post = (input: { roomId: string; author: TestUser; text: string }) =>
    http.post(`/v1/rooms/${input.roomId}/messages`, { body: input.text, nonce: `n${nonce++}` }, { token: input.author.accessToken })

  /** A send that must pass: the message as committed. */
  async function send(input: { roomId: string; author: TestUser; text: string }) {
    const res = await post(input)
    if (res.status !== 201) throw new Error(`expected the send to pass, got ${res.status}: ${JSON.stringify(res.body)}`)
    return { messageId: res.body.id as string, message: res.body }
  }

  /** The error a send answers with (status and the error body), or undefined when it passes. */
  async function refusal(input: { roomId: string; author: TestUser; text: string }) {
    const res = await post(input)
    if (res.status === 201) return undefined
    return { status: res.status, ...res.body.error } as { status: number; code: string; message: string; details?: any }
  }

  return { app, http, automod, send, refusal }
}
