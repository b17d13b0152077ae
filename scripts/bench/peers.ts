// The two optional peers, each started fresh for the run on loopback, each skipped with a
// message that says how to install it when it is not there:
// - NATS JetStream: `nats-server -js` with file storage in a scratch directory, one stream.
// - ejabberd: its own node and config in a scratch directory, multi-user chat rooms archived
//   in a scratch Postgres database by mod_mam, users in the same database (SQL auth).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { scratchDatabase } from '../lib/scratch'
import { NATS_STREAM, XMPP_DOMAIN, XMPP_PASSWORD } from './clients'
import { freePort, POSTGRES_URL, type ServerProcess } from './processes'
import { sleep } from './stats'

/** A peer that is not installed here: `why` says what is missing and how to install it. */
export class PeerMissing extends Error {}

async function canImport(name: string) {
  try {
    await import(name)
    return true
  } catch {
    return false
  }
}

async function waitForPort(port: number, timeoutMs: number, alive: () => boolean) {
  const until = Date.now() + timeoutMs
  for (;;) {
    const open = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } }).then(
      (s) => (s.end(), true),
      () => false,
    )
    if (open) return
    if (!alive()) throw new Error('the server exited while starting')
    if (Date.now() > until) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`)
    await sleep(200)
  }
}

/** nats-server with JetStream (file storage) and the bench stream, `bench.>`. */
export async function startNats(): Promise<ServerProcess> {
  const bin = Bun.which('nats-server')
  if (!bin) throw new PeerMissing('nats-server is not installed (Debian: apt-get install -y nats-server)')
  if (!(await canImport('@nats-io/jetstream')) || !(await canImport('@nats-io/transport-node'))) {
    throw new PeerMissing('the NATS client is not installed (bun add -d @nats-io/jetstream @nats-io/transport-node)')
  }
  const port = freePort()
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-nats-'))
  const proc = Bun.spawn([bin, '-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdout: 'ignore', stderr: 'ignore' })
  const stop = async () => {
    proc.kill('SIGTERM')
    if (!(await Promise.race([proc.exited.then(() => true), sleep(10_000).then(() => false)]))) proc.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitForPort(port, 20_000, () => proc.exitCode === null)
    const { connect } = await import('@nats-io/transport-node')
    const { jetstreamManager } = await import('@nats-io/jetstream')
    const nc = await connect({ servers: `127.0.0.1:${port}` })
    const jsm = await jetstreamManager(nc)
    await jsm.streams.add({ name: NATS_STREAM, subjects: ['bench.>'], storage: 'file', max_bytes: 2 ** 30, discard: 'old' })
    await nc.close()
  } catch (err) {
    await stop()
    throw err
  }
  return { name: 'nats', pid: proc.pid, baseUrl: `nats://127.0.0.1:${port}`, stop }
}

const EJABBERD_SQL = '/usr/share/ejabberd/sql/pg.sql'

/** ejabberd's users (u0, u1, ...) and archive in a scratch Postgres database; `start` runs a fresh node on it. */
export class EjabberdUnderTest {
  private readonly database = scratchDatabase(POSTGRES_URL, 'ejabberd_bench_')
  private readonly dir = mkdtempSync(join(tmpdir(), 'hearth-bench-ejabberd-'))
  private ctl = ''
  users: string[] = []

  /** Checks that ejabberd can run here, then creates the database and `users` users. */
  async setup(users: number) {
    this.ctl = Bun.which('ejabberdctl') ?? (existsSync('/usr/sbin/ejabberdctl') ? '/usr/sbin/ejabberdctl' : '')
    if (!this.ctl) throw new PeerMissing('ejabberd is not installed (Debian: apt-get install -y ejabberd erlang-p1-pgsql)')
    const erlangLibs = existsSync('/usr/lib/erlang/lib') ? readdirSync('/usr/lib/erlang/lib') : []
    if (!erlangLibs.some((d) => d.startsWith('p1_pgsql'))) throw new PeerMissing("ejabberd's Postgres driver is not installed (Debian: apt-get install -y erlang-p1-pgsql)")
    if (!existsSync(EJABBERD_SQL)) throw new PeerMissing(`ejabberd's Postgres schema is missing (${EJABBERD_SQL})`)
    if (process.getuid?.() !== 0) throw new PeerMissing('ejabberdctl runs the node as the ejabberd user: run the bench as root (or skip with --systems)')
    if (!(await canImport('@xmpp/client'))) throw new PeerMissing('the XMPP client is not installed (bun add -d @xmpp/client)')
    await this.database.create()
    const sql = postgres(this.database.url, { max: 1, onnotice: () => {} })
    try {
      await sql.unsafe(readFileSync(EJABBERD_SQL, 'utf8'))
      await sql`insert into users (username, password) select 'u' || g, ${XMPP_PASSWORD} from generate_series(0, ${users - 1}) g`
    } finally {
      await sql.end()
    }
    this.users = Array.from({ length: users }, (_, i) => `u${i}`)
  }

  get databaseName() {
    return this.database.name
  }

  async start(): Promise<ServerProcess> {
    const port = freePort()
    const node = `hearthbench${port}@localhost`
    const conf = join(this.dir, String(port))
    Bun.spawnSync(['mkdir', '-p', join(conf, 'logs'), join(conf, 'spool')])
    writeFileSync(join(conf, 'ejabberd.yml'), config(port, this.database.name))
    writeFileSync(join(conf, 'ejabberdctl.cfg'), `ERLANG_NODE=${node}\n`)
    if (existsSync('/etc/ejabberd/inetrc')) writeFileSync(join(conf, 'inetrc'), readFileSync('/etc/ejabberd/inetrc'))
    Bun.spawnSync(['chown', '-R', 'ejabberd:ejabberd', this.dir])
    // As the ejabberd user directly (not through ejabberdctl's su, whose login limits give the
    // node 1024 open files: too few for thousands of clients); it keeps this process's limit.
    const ctl = (...args: string[]) =>
      Bun.spawnSync(['setpriv', '--reuid=ejabberd', '--regid=ejabberd', '--init-groups', this.ctl, '--config-dir', conf, '--config', join(conf, 'ejabberd.yml'), '--ctl-config', join(conf, 'ejabberdctl.cfg'), '--logs', join(conf, 'logs'), '--spool', join(conf, 'spool'), '--node', node, ...args], {
        env: { ...process.env, HOME: '/var/lib/ejabberd' },
        stdout: 'pipe',
        stderr: 'pipe',
      })
    const started = ctl('start')
    if (started.exitCode !== 0) throw new Error(`ejabberdctl start failed: ${started.stderr.toString().slice(0, 300)}`)
    let pid = 0
    const stop = async () => {
      ctl('stop')
      for (let i = 0; i < 50 && pid && existsSync(`/proc/${pid}`); i++) await sleep(200)
      if (pid && existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL')
    }
    try {
      await waitForPort(port, 60_000, () => true)
      pid = beamPid(node)
      if (!pid) throw new Error(`no Erlang VM for node ${node}`)
    } catch (err) {
      await stop()
      const logs = join(conf, 'logs', 'error.log')
      throw new Error(`ejabberd did not start: ${err instanceof Error ? err.message : err}${existsSync(logs) ? `; ${readFileSync(logs, 'utf8').slice(-300)}` : ''}`)
    }
    return { name: 'ejabberd', pid, baseUrl: `xmpp://127.0.0.1:${port}`, stop }
  }

  async destroy() {
    await this.database.drop().catch(() => {})
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** The Erlang VM running `node` (its command line names it). */
function beamPid(node: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      if (cmdline[0]?.endsWith('beam.smp') && cmdline.includes(node)) return Number(entry)
    } catch {
      // gone meanwhile
    }
  }
  return 0
}

/**
 * One virtual host with SQL auth (plain passwords, SASL PLAIN: no TLS on loopback), no
 * traffic shaper, and multi-user chat whose rooms hold thousands, broadcast only the
 * moderators' presence (so 1,000 joins are not a million presences) and are archived
 * (mod_mam, `mam: true`) in Postgres.
 */
function config(port: number, database: string): string {
  const url = new URL(POSTGRES_URL)
  return `loglevel: warning
hosts:
  - ${XMPP_DOMAIN}
sql_type: pgsql
sql_server: "${url.hostname}"
sql_port: ${url.port || 5432}
sql_database: "${database}"
sql_username: "${decodeURIComponent(url.username) || 'postgres'}"
sql_password: "${decodeURIComponent(url.password)}"
sql_pool_size: 10
new_sql_schema: false
auth_method: sql
auth_password_format: plain
default_db: sql
disable_sasl_mechanisms: ["SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512", "X-OAUTH2", "DIGEST-MD5"]
listen:
  -
    port: ${port}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    max_stanza_size: 65536
    starttls: false
    backlog: 1024
acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    allow: all
  muc_create:
    allow: local
  register:
    deny: all
shaper_rules:
  c2s_shaper: none
modules:
  mod_mam:
    db_type: sql
    default: always
  mod_muc:
    db_type: sql
    host: "muc.@HOST@"
    access: all
    access_create: muc_create
    access_persistent: muc_create
    max_users: 10000
    max_users_presence: 10000
    max_user_conferences: 100
    min_message_interval: 0
    min_presence_interval: 0
    history_size: 0
    default_room_options:
      mam: true
      persistent: true
      max_users: 10000
      presence_broadcast: [moderator]
  mod_disco: {}
  mod_ping: {}
`
}
