import type { LogLevel } from '../config'

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  child(fields: Record<string, unknown>): Logger
}

/** One JSON object per line on stdout (stderr for warn and error). */
export type LogSink = (line: string, level: Exclude<LogLevel, 'silent'>) => void

const stdSink: LogSink = (line, level) => {
  if (rank[level] >= rank.warn) process.stderr.write(line + '\n')
  else process.stdout.write(line + '\n')
}

export function createLogger(level: LogLevel, base: Record<string, unknown> = {}, sink: LogSink = stdSink): Logger {
  const min = rank[level]
  const write = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (rank[lvl] < min) return
    const line = JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...base, ...fields }, errorReplacer)
    sink(line, lvl)
  }
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, sink),
  }
}

function errorReplacer(_key: string, value: unknown) {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack }
  if (typeof value === 'bigint') return value.toString()
  return value
}

/**
 * A warning that may fire many times a second while a dependency is down (one per queue
 * consumer, per reconnect attempt): written at most once per `ms`, with how many were
 * left out since the last one.
 */
export function throttledWarn(log: Logger, msg: string, ms = 5000): (fields?: Record<string, unknown>) => void {
  let last = 0
  let suppressed = 0
  return (fields) => {
    const now = Date.now()
    if (now - last < ms) {
      suppressed++
      return
    }
    last = now
    log.warn(msg, { ...fields, ...(suppressed ? { alsoSince: suppressed } : {}) })
    suppressed = 0
  }
}
