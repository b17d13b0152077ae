import postgres from 'postgres'

/**
 * A throwaway database on a Postgres server (tests, benchmarks): its name and URL are
 * known at once; `create` and `drop` talk to the server's maintenance database.
 */
export function scratchDatabase(serverUrl: string, prefix: string) {
  const name = `${prefix}${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  /** Runs `work` on one connection to the server's maintenance database, then closes it. */
  const admin = async (work: (sql: postgres.Sql) => Promise<unknown>) => {
    const sql = postgres(serverUrl, { max: 1, onnotice: () => {} })
    try {
      await work(sql)
    } finally {
      await sql.end()
    }
  }
  return {
    name,
    url: url.toString(),
    create: () => admin((sql) => sql.unsafe(`CREATE DATABASE ${name}`)),
    drop: () =>
      admin(async (sql) => {
        // A pool that has just been ended may still have a connection on its way out; a forced
        // drop then resets it under its client (an unhandled ECONNRESET failed a test run so,
        // one run in 4 to 10 for one pair of test files). Its backends get 2 s to go first.
        for (const until = Date.now() + 2000; Date.now() < until; await Bun.sleep(20)) {
          const [row] = await sql`select count(*)::int as n from pg_stat_activity where datname = ${name}`
          if (row!.n === 0) break
        }
        await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      }),
  }
}
