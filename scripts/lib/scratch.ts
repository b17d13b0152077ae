import postgres from 'postgres'

/**
 * A throwaway database on a Postgres server (tests, benchmarks): its name and URL are
 * known at once; `create` and `drop` talk to the server's maintenance database.
 */
export function scratchDatabase(serverUrl: string, prefix: string) {
  const name = `${prefix}${crypto.randomUUID().replaceAll('-', '').slice(0, 16)}`
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const admin = async (statement: string) => {
    const sql = postgres(serverUrl, { max: 1, onnotice: () => {} })
    try {
      await sql.unsafe(statement)
    } finally {
      await sql.end()
    }
  }
  return {
    name,
    url: url.toString(),
    create: () => admin(`CREATE DATABASE ${name}`),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}
