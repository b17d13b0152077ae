// Typed configuration from the environment. Every setting has a local default so
// `bun start` runs with no environment at all; a bad value stops the process with one
// line that says what is wrong and how to fix it.

import { isIP } from 'node:net'

export type Role = 'all' | 'api' | 'worker'
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export interface RateRule {
  limit: number
  windowSeconds: number
}

export interface Config {
  role: Role
  port: number
  host: string
  nodeId: string
  /** Postgres URL; undefined means the embedded PGlite database under `dataDir`. */
  databaseUrl: string | undefined
  redisUrl: string
  /** REDIS_URL was left unset: with nothing on the default address, Hearth may start a private redis-server. */
  redisDefaulted: boolean
  /** Prefix of every Redis key this process writes (lets tests and tenants share a server). */
  redisPrefix: string
  dataDir: string
  logLevel: LogLevel
  jwt: {
    /** PKCS#8 PEM or JWK JSON of an Ed25519 private key; undefined = generate and keep in dataDir. */
    privateKey: string | undefined
    issuer: string
    audience: string
    accessTtlSeconds: number
    refreshTtlSeconds: number
  }
  passwordMemoryKib: number
  /** Communities larger than this get no presence broadcasts (clients ask for what they show). */
  presenceBroadcastMaxMembers: number
  ws: {
    /** Ops per user: `limit` per `windowSeconds`, as a token bucket (burst = limit). */
    ops: RateRule
    /** Refused ops within 10 s before the socket is closed with 4008. */
    maxViolations: number
    maxFrameBytes: number
    /** Bytes queued for a socket before it is closed with 4009. */
    maxBufferedBytes: number
    /** Opens after which the node runs one full garbage collection once they stop (0: never). */
    gcAfterOpens: number
    /** Open sockets one user may have on one node; the next is closed with 4008. */
    maxSocketsPerUser: number
  }
  bodyLimitBytes: number
  trustProxy: boolean
  rateLimits: {
    authPerIp: RateRule
    loginFailuresPerAccount: RateRule
    writesPerUser: RateRule
    readsPerUser: RateRule
    /** Reports (POST /v1/reports) one user may file per window. */
    reportsPerUser: RateRule
  }
  s3: {
    /** True when S3_BUCKET or S3_ENDPOINT is set: media go to S3; otherwise to the disk store under `dataDir`. */
    enabled: boolean
    endpoint: string | undefined
    region: string
    bucket: string
    accessKeyId: string | undefined
    secretAccessKey: string | undefined
    forcePathStyle: boolean
  }
  flyMachineId: string | undefined
  /** Usernames (lower case) that are platform admins whatever the database says: HEARTH_ADMINS=alice,bob. */
  admins: string[]
  production: boolean
  /** A room actor with nothing to do for this long is evicted (rebuilt from Postgres on demand). */
  roomIdleSeconds: number
  cluster: ClusterConfig
  jobs: JobsConfig
  media: MediaConfig
  events: {
    /** How often the outbox relay looks for events committed elsewhere (it is woken by this process's commits); 0: never relay. */
    relayIntervalMs: number
    /**
     * How long a commit's wake waits before the relay's pass, so the commits of that time
     * share one (the relay's cost is per pass: a transaction and a queue round trip).
     */
    relayDelayMs: number
  }
  /** Calendar events (src/modules/events). */
  calendar: {
    /** How far ahead reminder jobs are queued; the hourly sweep queues what enters it. */
    reminderHorizonHours: number
    /** 28-day blocks of expanded occurrences each process keeps (0: no cache). */
    expansionCacheEntries: number
    /** Requests to one secret feed URL, and from one client IP to any feed URL. */
    feedPerToken: RateRule
    feedPerIp: RateRule
  }
  polls: PollsConfig
  webhooks: WebhooksConfig
  feed: FeedConfig
}

export interface PollsConfig {
  /** Options a poll may have (2..this; at most 20). */
  maxOptions: number
  /** Votes of one poll written in one transaction at most (1: a transaction per vote). */
  voteBatchMax: number
  /** Least time between two `poll.updated` pushes of one poll from one node. */
  liveIntervalMs: number
  /** Per-voter pushes (counts of `after_vote` polls) one poll may cause per second; more voters, rarer pushes. */
  liveUserPushesPerSecond: number
}

export interface MediaConfig {
  /** Where clients reach this server (e.g. https://chat.example.com); the disk store's URLs and avatar URLs start with it. Unset: paths only. */
  publicUrl: string | undefined
  /** HMAC key of the disk store's URLs (32+ characters); unset: generated once and kept in `dataDir`. */
  signingKey: string | undefined
  /** Largest upload per purpose, in bytes. */
  maxBytes: { attachment: number; post: number; avatar: number; community_icon: number }
  /** Bytes one user may hold (pending, processing and ready media). */
  quotaBytes: number
  /** Images with more pixels than this (read from the header) are refused before any decoding. */
  maxPixels: number
  uploadTtlSeconds: number
  downloadTtlSeconds: number
  /** Media never attached to anything are deleted this long after their upload began. */
  orphanSeconds: number
  /** One attempt at processing an image gives up after this long (and is retried). */
  processTimeoutMs: number
  /** Media still `processing` this long (its job lost) end `failed`. */
  staleProcessingSeconds: number
  /** How often the sweep (orphans, stale processing, released media) runs. */
  sweepEverySeconds: number
  /** Images processed at once per process, shared among its job worker threads (each image takes up to one core). */
  jobConcurrency: number
  /** Niceness (0-19) of the threads that decode and resize images (Linux): higher yields the CPU to chat sooner; 0 = as chat. */
  nice: number
}

export interface ClusterConfig {
  /** `off`: one node, rooms in process. `redis`: nodes share Redis leases, a hash ring and room channels. */
  mode: 'off' | 'redis'
  /** A node missing heartbeats this long is dead; its rooms move. */
  leaseMs: number
  heartbeatMs: number
  /** How often live members are read (how fast a death is noticed after its lease expires). */
  pollMs: number
  /** One attempt at a command on another node waits this long for its answer. */
  requestTimeoutMs: number
  /** A command is retried (owner dead, ring changing) for this long before it fails. */
  sendDeadlineMs: number
  /** Points per node on the hash ring. */
  vnodes: number
}

export interface JobsConfig {
  /** Bun Worker threads that consume the queues (ROLE all and worker). */
  workers: number
  /** Base delay of the exponential retry backoff (jitter is added on top). */
  backoffMs: number
  /** How long a job's lock lasts without renewal; a dead consumer's job is retried after this. */
  lockMs: number
  /** How often consumers look for jobs whose lock expired (stalled jobs). */
  stalledIntervalMs: number
  /** Same (user, type, target) notifications within this window, still unread, share one row. */
  notificationGroupWindowSeconds: number
}

export interface WebhooksConfig {
  /** One outgoing delivery attempt (connect, send, read the answer) may take this long. */
  timeoutMs: number
  /** Bytes of a receiver's answer read at most (the rest is dropped unread). */
  maxResponseBytes: number
  /** Delays between the attempts of one delivery, in order; their count + 1 is the number of attempts. */
  retryScheduleMs: number[]
  /** An endpoint that has not succeeded since its first failure this long ago is disabled. */
  disableAfterSeconds: number
  /** Deliveries to one endpoint in flight at once, across all nodes. */
  endpointConcurrency: number
  /** After a secret rotation the old secret keeps signing beside the new one this long. */
  secretOverlapSeconds: number
  /** http:// endpoint URLs are accepted (local development; refused in production). */
  allowHttp: boolean
  /** Endpoints on loopback addresses are accepted (tests; refused in production). */
  allowLoopback: boolean
  /** Base URL of incoming hook URLs; unset: the origin the creating request came to. */
  publicUrl: string | undefined
  /** Requests per incoming hook per window. */
  incomingRate: RateRule
  /** Largest incoming hook body (also bounded by BODY_LIMIT_BYTES). */
  incomingMaxBytes: number
  /** Signed incoming hooks whose timestamp is further than this from now are refused. */
  incomingToleranceSeconds: number
  /** How long an incoming event id is remembered to refuse a replay. */
  incomingReplaySeconds: number
  /** DNS servers (`ip` or `ip:port`) that resolve endpoint host names; empty: the system's resolver. */
  dnsServers: string[]
  /** Certificate authorities (PEM) trusted for https endpoints besides the system's (a private CA). */
  caCerts: string | undefined
}

export interface FeedConfig {
  /** Entries kept in one home feed in Redis; older pages are read from Postgres. */
  maxEntries: number
  /** A home feed nobody read for this many days expires from Redis and gets no fan-out (rebuilt on the next read). */
  activeDays: number
  /** Authors with at least this many followers are not fanned out: their posts are merged into feeds at read time. */
  pullThreshold: number
  /** `feed.updated` pushes to one user are coalesced into one per this many milliseconds. */
  updateCoalesceMs: number
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name}: "${raw}" is not a whole number from ${min} to ${max} — fix or unset ${name}`)
  }
  return n
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false
  throw new ConfigError(`${name}: "${raw}" is not true or false — fix or unset ${name}`)
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name}: "${raw}" is not one of ${allowed.join(', ')} — fix or unset ${name}`)
  }
  return raw as T
}

function url(env: Env, name: string, protocols: string[], fallback?: string): string | undefined {
  const raw = env[name] || fallback
  if (raw === undefined) return undefined
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    throw new ConfigError(`${name}: "${raw}" is not a URL — expected ${protocols[0]}//host:port`)
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name}: "${redactUrl(raw)}" must start with ${protocols.join(' or ')}//`)
  }
  return raw
}

/** "20/60" = 20 per 60 seconds. */
function rate(env: Env, name: string, fallback: RateRule): RateRule {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const m = /^(\d+)\/(\d+)$/.exec(raw)
  const limit = Number(m?.[1])
  const windowSeconds = Number(m?.[2])
  if (!m || limit < 1 || windowSeconds < 1) {
    throw new ConfigError(`${name}: "${raw}" is not COUNT/SECONDS, e.g. 20/60 — fix or unset ${name}`)
  }
  return { limit, windowSeconds }
}

/** "5s,5m,30m,2h" = delays in ms; units ms, s, m, h, d; "none" = no delays. */
function durations(env: Env, name: string, fallback: string): number[] {
  const raw = env[name] || fallback
  if (raw.trim() === 'none') return []
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }
  const out = raw.split(',').map((part) => {
    const m = /^\s*(\d+)(ms|s|m|h|d)\s*$/.exec(part)
    return m ? Number(m[1]) * unit[m[2]!]! : NaN
  })
  if (out.length > 20 || out.some((ms) => !Number.isFinite(ms) || ms > 7 * 86_400_000)) {
    throw new ConfigError(`${name}: "${raw}" is not a list of at most 20 delays like 5s,5m,2h (each at most 7d) — fix or unset ${name}`)
  }
  return out
}

/** "10.0.0.2,[fd00::53]:5353" = DNS servers as node:dns setServers takes them. */
function dnsServers(env: Env, name: string): string[] {
  const raw = env[name]?.trim()
  if (!raw) return []
  const servers = raw.split(',').map((s) => s.trim())
  const valid = (s: string) => {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$/.exec(s) ?? /^([0-9a-fA-F:]+)$/.exec(s)
    if (!m) return false
    const host = m[1] ?? m[2]!
    const port = m[3] === undefined ? 53 : Number(m[3])
    return (isIP(host) !== 0) && port >= 1 && port <= 65535
  }
  if (servers.length > 8 || !servers.every(valid)) {
    throw new ConfigError(`${name}: "${raw}" is not a list of DNS server addresses like 10.0.0.2 or 10.0.0.2:5353 or [fd00::53]:53 — fix or unset ${name}`)
  }
  return servers
}

/** PEM certificates, or undefined when unset. */
function pemCerts(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim()
  if (!raw) return undefined
  if (!raw.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`${name}: expected PEM certificates (-----BEGIN CERTIFICATE-----...) — fix or unset ${name}`)
  }
  return raw
}

/** Hides the password of a connection URL so it can be printed. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return raw
  }
}

export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === 'production' || Boolean(env.FLY_APP_NAME)
  const flyMachineId = env.FLY_MACHINE_ID || undefined
  const nodeId = env.NODE_ID || flyMachineId || `node-${crypto.randomUUID().slice(0, 8)}`
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(nodeId)) {
    throw new ConfigError(`NODE_ID: "${nodeId}" may use only letters, digits, _ . - (1 to 64 characters)`)
  }
  const privateKey = env.JWT_PRIVATE_KEY || undefined
  if (production && !privateKey) {
    throw new ConfigError(
      'JWT_PRIVATE_KEY: required in production so every machine signs with the same key — ' +
        'run `bun scripts/keygen.ts` and set it as a secret',
    )
  }
  if (production && !env.DATABASE_URL) {
    throw new ConfigError(
      'DATABASE_URL: required in production (the embedded database serves one node only) — set it to a Postgres URL',
    )
  }
  const accessTtlSeconds = int(env, 'ACCESS_TOKEN_TTL', 900, 30, 900)
  // On Fly (with a shared Postgres) every machine is a node of one cluster; elsewhere clustering is asked for.
  const clusterMode = oneOf(env, 'CLUSTER', ['off', 'redis'] as const, flyMachineId && env.DATABASE_URL ? 'redis' : 'off')
  if (clusterMode === 'redis' && !env.DATABASE_URL) {
    throw new ConfigError('CLUSTER=redis: nodes must share one Postgres — set DATABASE_URL (the embedded database serves one node only)')
  }
  const leaseMs = int(env, 'CLUSTER_LEASE_MS', 3000, 300, 60_000)
  const incomingTolerance = int(env, 'WEBHOOK_INCOMING_TOLERANCE', 300, 1, 3600)
  const webhookAllowHttp = bool(env, 'WEBHOOK_ALLOW_HTTP', false)
  const webhookAllowLoopback = bool(env, 'WEBHOOK_ALLOW_LOOPBACK', false)
  if (production && (webhookAllowHttp || webhookAllowLoopback)) {
    throw new ConfigError(
      `${webhookAllowHttp ? 'WEBHOOK_ALLOW_HTTP' : 'WEBHOOK_ALLOW_LOOPBACK'}: refused in production (webhooks go to public https endpoints only) — unset it`,
    )
  }
  return {
    role: oneOf(env, 'ROLE', ['all', 'api', 'worker'] as const, 'all'),
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    nodeId,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379')!,
    redisDefaulted: !env.REDIS_URL,
    redisPrefix: env.REDIS_PREFIX ?? 'hearth:',
    dataDir: env.DATA_DIR || './.data',
    logLevel: oneOf(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'] as const, 'info'),
    jwt: {
      privateKey,
      issuer: env.JWT_ISSUER || 'hearth',
      audience: env.JWT_AUDIENCE || 'hearth',
      accessTtlSeconds,
      refreshTtlSeconds: int(env, 'REFRESH_TOKEN_TTL', 30 * 86400, 3600, 365 * 86400),
    },
    passwordMemoryKib: int(env, 'PASSWORD_MEMORY_KIB', 19456, 1024, 1 << 20),
    presenceBroadcastMaxMembers: int(env, 'PRESENCE_BROADCAST_MAX_MEMBERS', 250, 0, 1_000_000),
    ws: {
      ops: rate(env, 'WS_RATE_LIMIT', { limit: 60, windowSeconds: 10 }),
      maxViolations: int(env, 'WS_MAX_VIOLATIONS', 20, 1, 100_000),
      maxFrameBytes: int(env, 'WS_MAX_FRAME_BYTES', 16 * 1024, 1024, 1 << 20),
      maxBufferedBytes: int(env, 'WS_MAX_BUFFERED_BYTES', 1 << 20, 16 * 1024, 64 << 20),
      gcAfterOpens: int(env, 'WS_GC_AFTER_OPENS', 1000, 0, 10_000_000),
      maxSocketsPerUser: int(env, 'WS_MAX_SOCKETS_PER_USER', 20, 1, 10_000),
    },
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 64 * 1024 * 1024),
    trustProxy: bool(env, 'TRUST_PROXY', Boolean(env.FLY_APP_NAME)),
    rateLimits: {
      authPerIp: rate(env, 'RATE_AUTH_PER_IP', { limit: 20, windowSeconds: 60 }),
      loginFailuresPerAccount: rate(env, 'RATE_LOGIN_FAILURES', { limit: 10, windowSeconds: 900 }),
      writesPerUser: rate(env, 'RATE_WRITES_PER_USER', { limit: 300, windowSeconds: 60 }),
      readsPerUser: rate(env, 'RATE_READS_PER_USER', { limit: 1200, windowSeconds: 60 }),
      reportsPerUser: rate(env, 'RATE_REPORTS_PER_USER', { limit: 10, windowSeconds: 600 }),
    },
    s3: {
      enabled: Boolean(env.S3_BUCKET || env.S3_ENDPOINT),
      endpoint: url(env, 'S3_ENDPOINT', ['http:', 'https:']),
      region: env.S3_REGION || 'auto',
      bucket: env.S3_BUCKET || 'hearth-media',
      accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
      forcePathStyle: bool(env, 'S3_FORCE_PATH_STYLE', true),
    },
    flyMachineId,
    admins: (env.HEARTH_ADMINS ?? '').split(',').map((u) => u.trim().toLowerCase()).filter(Boolean),
    production,
    roomIdleSeconds: int(env, 'ROOM_IDLE_SECONDS', 300, 1, 86400),
    cluster: {
      mode: clusterMode,
      leaseMs,
      heartbeatMs: int(env, 'CLUSTER_HEARTBEAT_MS', Math.min(1000, Math.floor(leaseMs / 3)), 50, leaseMs),
      pollMs: int(env, 'CLUSTER_POLL_MS', 250, 20, 10_000),
      requestTimeoutMs: int(env, 'CLUSTER_REQUEST_TIMEOUT_MS', 2000, 50, 60_000),
      sendDeadlineMs: int(env, 'CLUSTER_SEND_DEADLINE_MS', leaseMs + 7000, 100, 120_000),
      vnodes: int(env, 'CLUSTER_VNODES', 128, 1, 4096),
    },
    jobs: {
      workers: int(env, 'JOB_WORKERS', 2, 0, 64),
      backoffMs: int(env, 'JOB_BACKOFF_MS', 1000, 1, 3_600_000),
      lockMs: int(env, 'JOB_LOCK_MS', 30_000, 200, 3_600_000),
      stalledIntervalMs: int(env, 'JOB_STALLED_INTERVAL_MS', 30_000, 100, 3_600_000),
      notificationGroupWindowSeconds: int(env, 'NOTIFICATION_GROUP_WINDOW', 600, 0, 7 * 86400),
    },
    media: mediaConfig(env),
    events: {
      relayIntervalMs: int(env, 'EVENTS_RELAY_INTERVAL_MS', 500, 0, 60_000),
      relayDelayMs: int(env, 'EVENTS_RELAY_DELAY_MS', 50, 0, 5_000),
    },
    calendar: {
      reminderHorizonHours: int(env, 'CALENDAR_REMINDER_HORIZON_HOURS', 48, 2, 720),
      expansionCacheEntries: int(env, 'CALENDAR_CACHE_ENTRIES', 50_000, 0, 10_000_000),
      feedPerToken: rate(env, 'RATE_CALENDAR_FEED_PER_TOKEN', { limit: 120, windowSeconds: 3600 }),
      feedPerIp: rate(env, 'RATE_CALENDAR_FEED_PER_IP', { limit: 300, windowSeconds: 60 }),
    },
    polls: {
      maxOptions: int(env, 'POLL_MAX_OPTIONS', 10, 2, 20),
      voteBatchMax: int(env, 'POLL_VOTE_BATCH_MAX', 500, 1, 5000),
      liveIntervalMs: int(env, 'POLL_LIVE_INTERVAL_MS', 250, 10, 60_000),
      liveUserPushesPerSecond: int(env, 'POLL_LIVE_USER_PUSHES_PER_SECOND', 2000, 1, 1_000_000),
    },
    webhooks: {
      timeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', 15_000, 50, 120_000),
      maxResponseBytes: int(env, 'WEBHOOK_MAX_RESPONSE_BYTES', 64 * 1024, 0, 1 << 20),
      retryScheduleMs: durations(env, 'WEBHOOK_RETRY_SCHEDULE', '5s,5m,30m,2h,5h,10h,10h'),
      disableAfterSeconds: int(env, 'WEBHOOK_DISABLE_AFTER', 5 * 86400, 1, 90 * 86400),
      endpointConcurrency: int(env, 'WEBHOOK_ENDPOINT_CONCURRENCY', 4, 1, 100),
      secretOverlapSeconds: int(env, 'WEBHOOK_SECRET_OVERLAP', 86400, 0, 30 * 86400),
      allowHttp: webhookAllowHttp,
      allowLoopback: webhookAllowLoopback,
      publicUrl: url(env, 'WEBHOOK_PUBLIC_URL', ['https:', 'http:'])?.replace(/\/+$/, ''),
      incomingRate: rate(env, 'WEBHOOK_INCOMING_RATE', { limit: 300, windowSeconds: 60 }),
      incomingMaxBytes: int(env, 'WEBHOOK_INCOMING_MAX_BYTES', 64 * 1024, 1024, 64 * 1024 * 1024),
      incomingToleranceSeconds: incomingTolerance,
      // An event is accepted while its timestamp is within the tolerance either side of now, so
      // its id must be remembered for twice that: a shorter memory would let a replay through.
      incomingReplaySeconds: int(env, 'WEBHOOK_INCOMING_REPLAY_TTL', 86400, Math.max(60, 2 * incomingTolerance), 30 * 86400),
      dnsServers: dnsServers(env, 'WEBHOOK_DNS_SERVERS'),
      caCerts: pemCerts(env, 'WEBHOOK_CA_CERTS'),
    },
    feed: {
      maxEntries: int(env, 'FEED_MAX_ENTRIES', 800, 10, 100_000),
      activeDays: int(env, 'FEED_ACTIVE_DAYS', 7, 1, 365),
      pullThreshold: int(env, 'FEED_PULL_THRESHOLD', 20_000, 1, 1_000_000_000),
      updateCoalesceMs: int(env, 'FEED_UPDATE_COALESCE_MS', 1000, 0, 60_000),
    },
  }
}

const MB = 1024 * 1024

function mediaConfig(env: Env): MediaConfig {
  const signingKey = env.MEDIA_SIGNING_KEY || undefined
  if (signingKey !== undefined && signingKey.length < 32) {
    throw new ConfigError('MEDIA_SIGNING_KEY: must be at least 32 characters — e.g. `openssl rand -hex 32`, or unset it')
  }
  const publicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:'])?.replace(/\/+$/, '')
  return {
    publicUrl,
    signingKey,
    maxBytes: {
      attachment: int(env, 'MEDIA_MAX_BYTES_ATTACHMENT', 25 * MB, 1, 5 * 1024 * MB),
      post: int(env, 'MEDIA_MAX_BYTES_POST', 25 * MB, 1, 5 * 1024 * MB),
      avatar: int(env, 'MEDIA_MAX_BYTES_AVATAR', 5 * MB, 1, 5 * 1024 * MB),
      community_icon: int(env, 'MEDIA_MAX_BYTES_COMMUNITY_ICON', 5 * MB, 1, 5 * 1024 * MB),
    },
    quotaBytes: int(env, 'MEDIA_QUOTA_BYTES', 1024 * MB, 1, Number.MAX_SAFE_INTEGER),
    maxPixels: int(env, 'MEDIA_MAX_PIXELS', 50_000_000, 1, 1_000_000_000),
    uploadTtlSeconds: int(env, 'MEDIA_UPLOAD_TTL', 600, 1, 7 * 86400),
    downloadTtlSeconds: int(env, 'MEDIA_DOWNLOAD_TTL', 3600, 1, 7 * 86400),
    orphanSeconds: int(env, 'MEDIA_ORPHAN_SECONDS', 86400, 1, 365 * 86400),
    processTimeoutMs: int(env, 'MEDIA_PROCESS_TIMEOUT_MS', 60_000, 1, 3_600_000),
    staleProcessingSeconds: int(env, 'MEDIA_STALE_PROCESSING_SECONDS', 900, 1, 7 * 86400),
    sweepEverySeconds: int(env, 'MEDIA_SWEEP_EVERY_SECONDS', 300, 1, 86400),
    jobConcurrency: int(env, 'MEDIA_JOB_CONCURRENCY', 1, 1, 64),
    nice: int(env, 'MEDIA_NICE', 10, 0, 19),
  }
}
