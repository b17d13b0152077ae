import { describe, expect, test } from 'bun:test'
import { validateCommand, type SendCommand } from '../../rooms'

const send = (extra: Partial<SendCommand>): SendCommand => ({
  type: 'send',
  roomId: '00000000-0000-4000-8000-000000000001',
  authorId: '00000000-0000-4000-8000-000000000002',
  nonce: 'n1',
  body: 'hello',
  ...extra,
})

const refusal = (command: SendCommand) => {
  try {
    validateCommand(command)
  } catch (err) {
    return { code: (err as { code: string }).code, message: (err as Error).message, details: (err as { details: unknown }).details }
  }
  return undefined
}

describe('a send names its kind', () => {
  test.each(['text', 'poll', 'survey'] as const)('%s is a kind', (kind) => {
    const ids = kind === 'poll' ? { pollId: '00000000-0000-4000-8000-000000000003' } : kind === 'survey' ? { surveyId: '00000000-0000-4000-8000-000000000004' } : {}
    expect(refusal(send({ kind, ...ids }))).toBeUndefined()
  })

  test('another kind is refused before the mailbox', () => {
    expect(refusal(send({ kind: 'image' as never }))).toEqual({
      code: 'validation_failed',
      message: 'kind must be text, poll or survey',
      details: { field: 'kind', limit: undefined },
    })
  })
})
