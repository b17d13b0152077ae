import { expect, test } from 'bun:test'
import { OpBudget } from '../../src/realtime/op-budget'

test('the op budget forgets only buckets that have refilled: pruning never hands a spent user a fresh burst', () => {
  const budget = new OpBudget({ limit: 2, windowSeconds: 10 })
  const t0 = 1_000_000
  expect([budget.take('spent', t0), budget.take('spent', t0), budget.take('spent', t0)]).toEqual([true, true, false])
  expect(budget.take('idle', t0)).toBe(true)
  budget.prune(0, t0 + 1000) // over the limit of 0 buckets: still, neither has refilled
  expect(budget.take('spent', t0 + 1000)).toBe(false)
  budget.prune(0, t0 + 20_000) // both refilled by now: forgetting them changes nothing
  expect([budget.take('spent', t0 + 20_000), budget.take('spent', t0 + 20_000), budget.take('spent', t0 + 20_000)]).toEqual([true, true, false])
})
