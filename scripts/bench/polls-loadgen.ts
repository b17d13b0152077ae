// The HTTP load generator of scripts/bench/polls.ts, on its own thread: every lane votes
// again as soon as its last vote is answered, switching between two options.
declare const self: Worker

self.onmessage = async (event: MessageEvent) => {
  const { base, pollId, options, tokens, seconds, inFlight, origin } = event.data as {
    base: string
    pollId: string
    options: string[]
    tokens: string[]
    seconds: number
    inFlight: number
    origin: number
  }
  // Times in the parent's clock, so they compare with the subscriber's arrivals.
  const now = () => performance.timeOrigin + performance.now() - origin
  const sent: { at: number; version: number }[] = []
  let votes = 0
  let errors = 0
  const started = performance.now()
  const deadline = started + seconds * 1000
  await Promise.all(
    Array.from({ length: inFlight }, async (_, lane) => {
      const headers = { authorization: `Bearer ${tokens[lane % tokens.length]}`, 'content-type': 'application/json' }
      for (let k = lane; performance.now() < deadline; k++) {
        const at = now()
        const res = await fetch(`${base}/v1/polls/${pollId}/vote`, {
          method: 'PUT',
          headers,
          body: JSON.stringify({ choices: [options[k % 2]] }),
        })
        const body = (await res.json()) as { version?: number }
        if (res.status === 200) {
          votes++
          sent.push({ at, version: body.version! })
        } else errors++
      }
    }),
  )
  self.postMessage({ votes, errors, seconds: (performance.now() - started) / 1000, sent })
}
