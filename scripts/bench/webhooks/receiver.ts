// A Bun Worker serving a webhook receiver that answers 200 at once and counts what it got.
export {}
declare const self: Worker

let received = 0
const server = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(req) {
    await req.arrayBuffer()
    received++
    return new Response('ok')
  },
})
self.onmessage = (event: MessageEvent<string>) => {
  if (event.data === 'count') self.postMessage({ received })
  if (event.data === 'stop') server.stop(true).then(() => process.exit(0))
}
self.postMessage({ port: server.port })
