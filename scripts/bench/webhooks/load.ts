// A load generator process: posts signed Standard Webhooks events to an incoming hook at a
// fixed rate (open loop: a slow answer does not slow the sender) and prints each latency
// as JSON on stdout. Its own process, so the server's CPU time can be measured alone.
//   BENCH_URL=... BENCH_SECRET=whsec_... BENCH_RATE=500 BENCH_SECONDS=10 bun scripts/bench/webhooks/load.ts
import { Webhook } from 'standardwebhooks'

const url = process.env.BENCH_URL!
const signer = new Webhook(process.env.BENCH_SECRET!)
const rate = Number(process.env.BENCH_RATE ?? 500)
const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const total = rate * seconds
const latencies: number[] = []
const statuses: Record<number, number> = {}
const inFlight: Promise<void>[] = []
const start = performance.now()
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / rate
  const wait = due - performance.now()
  if (wait > 1) await Bun.sleep(wait)
  const body = JSON.stringify({ type: 'bench.event', data: { n: i, note: 'a small payload of the usual kind' } })
  const id = `msg_${i}_${Math.round(start)}_${process.pid}`
  // One instant for the header and the signature (read twice, a second could turn between).
  const now = new Date()
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signer.sign(id, now, body),
  }
  const sent = performance.now()
  inFlight.push(
    fetch(url, { method: 'POST', headers, body })
      .then(async (res) => {
        await res.arrayBuffer()
        latencies.push(performance.now() - sent)
        statuses[res.status] = (statuses[res.status] ?? 0) + 1
      })
      .catch(() => {
        statuses[0] = (statuses[0] ?? 0) + 1
      }),
  )
}
await Promise.all(inFlight)
console.log(JSON.stringify({ latencies, statuses, seconds: (performance.now() - start) / 1000 }))
