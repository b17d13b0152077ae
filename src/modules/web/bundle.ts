import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** The web app's sources (web/) and the client they are built on (client/). */
const ROOT = new URL('../../../', import.meta.url).pathname
const ENTRY = join(ROOT, 'web/index.html')
const SOURCES = [join(ROOT, 'web'), join(ROOT, 'client')]

export interface WebAsset {
  body: Uint8Array
  /** The same bytes gzipped once at build time (Bun.serve does not compress). */
  gzip: Uint8Array
  type: string
}

export interface WebBuild {
  /** index.html: every path under /app that is not a file gets it (the app routes in the browser). */
  index: WebAsset
  /** Hashed files by name (`main-1a2b3c4d.js`): cacheable forever. */
  files: Map<string, WebAsset>
  /** Gzipped bytes of all the JavaScript a page loads. */
  scriptGzipBytes: number
  ms: number
}

/**
 * Bundles web/index.html with Bun's HTML bundler (the scripts and styles it references,
 * preact and client/ included) into memory. Nothing is fetched from anywhere at run time.
 */
export async function buildWebApp(): Promise<WebBuild> {
  const started = performance.now()
  const result = await Bun.build({
    entrypoints: [ENTRY],
    target: 'browser',
    minify: true,
    sourcemap: 'linked',
    publicPath: '/app/',
    naming: { entry: '[name]-[hash].[ext]', chunk: '[name]-[hash].[ext]', asset: '[name]-[hash].[ext]' },
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  if (!result.success) throw new Error(`the web app does not build: ${result.logs.map(String).join('; ')}`)
  const files = new Map<string, WebAsset>()
  let index: WebAsset | undefined
  let scriptGzipBytes = 0
  for (const output of result.outputs) {
    const body = new Uint8Array(await output.arrayBuffer())
    const asset: WebAsset = { body, gzip: Bun.gzipSync(body, { level: 9 }), type: output.type }
    const name = output.path.replace(/^\.\//, '')
    if (output.type.startsWith('text/html')) index = asset
    else files.set(name, asset)
    if (name.endsWith('.js')) scriptGzipBytes += asset.gzip.byteLength
  }
  if (!index) throw new Error('the web app build has no index.html')
  return { index, files, scriptGzipBytes, ms: Math.round(performance.now() - started) }
}

/** The newest modification time under the sources, to rebuild in development when they change. */
async function sourcesChangedAt(): Promise<number> {
  let newest = 0
  for (const dir of SOURCES) {
    const entries = await readdir(dir, { recursive: true }).catch(() => [] as string[])
    for (const entry of entries) {
      const info = await stat(join(dir, entry)).catch(() => undefined)
      if (info && info.mtimeMs > newest) newest = info.mtimeMs
    }
  }
  return newest
}

/**
 * The app, built on first use (a process that never serves /app never builds it). With
 * `watch`, a request for the page rebuilds it when a source changed since the last build.
 */
export class WebBundle {
  private current: Promise<WebBuild> | undefined
  private builtFrom = 0

  constructor(private readonly deps: { watch: boolean; onBuilt?: (build: WebBuild) => void }) {}

  async get(opts: { fresh?: boolean } = {}): Promise<WebBuild> {
    if (this.current && opts.fresh && this.deps.watch) {
      const changedAt = await sourcesChangedAt()
      if (changedAt > this.builtFrom) this.current = undefined
    }
    if (!this.current) {
      this.builtFrom = this.deps.watch ? await sourcesChangedAt() : 0
      const building = buildWebApp()
      this.current = building
      building.then((build) => this.deps.onBuilt?.(build)).catch(() => {
        // A failed build is not remembered: the next request tries again (after a fix, in development).
        if (this.current === building) this.current = undefined
      })
    }
    return this.current
  }
}
