import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import S3rver from 's3rver'

export interface TestS3 {
  endpoint: string
  bucket: string
  /** The environment that points Hearth's media at this server. */
  env: Record<string, string>
  stop(): Promise<void>
}

/**
 * A real S3-protocol server (s3rver) on a free port, with one bucket, in a temporary
 * directory. It checks expiry but not signatures: tests of what is signed look at the URL.
 */
export async function startS3(): Promise<TestS3> {
  const directory = await mkdtemp(`${tmpdir()}/hearth-s3-`)
  const bucket = 'hearth-media'
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] })
  const { port } = (await server.run()) as { port: number }
  // No keep-alive idle timer on its node:http sockets: Bun 1.4.5's (onSocketTimeoutTimerExpired)
  // once fired without its socket and threw in the test process, failing whichever test ran
  // (CI, media on s3: 3 tests). Idle connections stay open until the client or stop() closes them.
  ;(server as unknown as { httpServer: { keepAliveTimeout: number } }).httpServer.keepAliveTimeout = 0
  const endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    bucket,
    env: {
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    },
    async stop() {
      await server.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}
