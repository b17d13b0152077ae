import type { Data } from '../../../client/src/index.ts'
import { useEffect, useRef, useState } from 'preact/hooks'
import { fanoutBetween, parseMetrics, total, type Sample } from '../metrics'
import { describe, hearth, me, unwrap } from '../session'
import { useStore } from '../store'
import { ErrorNote, Loading, Time, useLoad } from '../ui'

type DeadLetter = Data<'/v1/admin/dead-letters', 'get'>['deadLetters'][number]
interface ClusterView {
  mode: 'redis' | 'off'
  nodeId: string | null
  members: string[]
  shardedPubSub: boolean
  activeRooms: number
}
interface Point {
  at: number
  deliveries: number
  meanMs?: number
  p99Ms?: number
}

const SCRAPE_MS = 2000
const KEEP = 90

/** For platform admins: queue depths, dead letters with replay, the cluster's nodes, and fan-out live. */
export function OpsPage() {
  const user = useStore(me)
  useEffect(() => {
    document.title = 'Operations · Hearth'
  }, [])
  if (!user?.isPlatformAdmin) {
    return (
      <section class="page">
        <h1>Operations</h1>
        <p role="alert">This page is for platform admins.</p>
      </section>
    )
  }
  return (
    <section class="page" aria-labelledby="ops-title">
      <h1 id="ops-title">Operations</h1>
      <Live />
      <Cluster />
      <DeadLetters />
    </section>
  )
}

/** Scrapes /metrics every 2 s: queue depths now, deliveries and latency over the last 3 minutes. */
function Live() {
  const [samples, setSamples] = useState<Sample[]>()
  const [points, setPoints] = useState<Point[]>([])
  const [error, setError] = useState<string>()
  const previous = useRef<{ at: number; samples: Sample[] }>(undefined)
  useEffect(() => {
    let live = true
    const scrape = async () => {
      try {
        const res = await fetch('/metrics')
        if (!res.ok) throw new Error(`/metrics answered ${res.status}`)
        const now = parseMetrics(await res.text())
        const at = Date.now()
        if (!live) return
        const before = previous.current
        if (before) {
          const figures = fanoutBetween(before.samples, now, (at - before.at) / 1000)
          setPoints((list) => [...list.slice(-(KEEP - 1)), { at, deliveries: figures.deliveriesPerSecond, meanMs: figures.meanMs, p99Ms: figures.p99Ms }])
        }
        previous.current = { at, samples: now }
        setSamples(now)
        setError(undefined)
      } catch (err) {
        if (live) setError(describe(err))
      }
    }
    scrape()
    const timer = setInterval(scrape, SCRAPE_MS)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [])
  const queues = new Map<string, Record<string, number>>()
  for (const s of samples ?? []) {
    if (s.name !== 'hearth_queue_jobs' || !s.labels.queue || !s.labels.state) continue
    queues.set(s.labels.queue, { ...queues.get(s.labels.queue), [s.labels.state]: s.value })
  }
  const states = [...new Set([...queues.values()].flatMap((q) => Object.keys(q)))]
  const last = points.at(-1)
  return (
    <>
      <ErrorNote error={error} />
      <section class="card" aria-labelledby="fanout-title">
        <h2 id="fanout-title">Deliveries and latency</h2>
        <p class="muted" aria-live="polite">
          {last
            ? `${last.deliveries.toFixed(1)} events/s to sockets · commit to socket ${last.meanMs === undefined ? '—' : `${last.meanMs.toFixed(1)} ms mean, ≤ ${last.p99Ms} ms p99`} · ${total(samples ?? [], 'hearth_ws_connections')} sockets`
            : 'Measuring…'}
        </p>
        <Chart points={points} />
      </section>
      <section class="card" aria-labelledby="queues-title">
        <h2 id="queues-title">Queues</h2>
        {!samples ? (
          <Loading what="queue depths" />
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  {states.map((s) => (
                    <th scope="col">{s}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {[...queues].map(([queue, counts]) => (
                  <tr>
                    <th scope="row">{queue}</th>
                    {states.map((s) => (
                      <td class="num">{counts[s] ?? 0}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  )
}

/** Two lines on one time axis: deliveries per second (left scale) and mean latency in ms (right scale). */
function Chart({ points }: { points: Point[] }) {
  const w = 600
  const h = 160
  const maxD = Math.max(1, ...points.map((p) => p.deliveries))
  const maxL = Math.max(1, ...points.map((p) => p.meanMs ?? 0))
  const x = (i: number) => (i / (KEEP - 1)) * w
  const line = (value: (p: Point) => number | undefined, max: number) =>
    points.flatMap((p, i) => {
      const v = value(p)
      return v === undefined ? [] : [`${x(i + KEEP - points.length).toFixed(1)},${(h - (v / max) * (h - 10)).toFixed(1)}`]
    }).join(' ')
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`Deliveries per second (up to ${maxD.toFixed(0)}) and latency in ms (up to ${maxL.toFixed(1)}) over the last ${(KEEP * SCRAPE_MS) / 60000} minutes`}>
        <line x1="0" y1={h - 0.5} x2={w} y2={h - 0.5} class="axis" />
        <polyline points={line((p) => p.deliveries, maxD)} class="series deliveries" />
        <polyline points={line((p) => p.meanMs, maxL)} class="series latency" />
      </svg>
      <figcaption>
        <span class="key deliveries">deliveries/s (max {maxD.toFixed(0)})</span> <span class="key latency">mean latency ms (max {maxL.toFixed(1)})</span>
      </figcaption>
    </figure>
  )
}

function Cluster() {
  const cluster = useLoad(async () => {
    const res = await fetch('/cluster', { headers: { authorization: `Bearer ${await hearth.auth.accessToken()}` } })
    if (!res.ok) throw new Error(`/cluster answered ${res.status}`)
    return (await res.json()) as ClusterView
  }, [])
  useEffect(() => {
    const timer = setInterval(cluster.reload, 5000)
    return () => clearInterval(timer)
  }, [])
  const c = cluster.data
  return (
    <section class="card" aria-labelledby="cluster-title">
      <h2 id="cluster-title">Cluster</h2>
      <ErrorNote error={cluster.error} />
      {!c ? (
        <Loading what="the cluster" />
      ) : c.mode === 'off' ? (
        <p>One node (CLUSTER=off) · {c.activeRooms} active rooms.</p>
      ) : (
        <>
          <p class="muted">
            Seen from {c.nodeId} · {c.activeRooms} active rooms here · sharded pub/sub {c.shardedPubSub ? 'on' : 'off'}
          </p>
          <ul class="plain nodes">
            {c.members.map((m) => (
              <li class="chip on">{m}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}

function DeadLetters() {
  const letters = useLoad(async () => unwrap(await hearth.api.GET('/v1/admin/dead-letters', { params: { query: { limit: 50 } } })), [])
  const [error, setError] = useState<string>()
  const replay = async (letter: DeadLetter) => {
    try {
      unwrap(await hearth.api.POST('/v1/admin/dead-letters/{id}/replay', { params: { path: { id: letter.id } } }))
      letters.reload()
    } catch (err) {
      setError(describe(err))
    }
  }
  const data = letters.data
  return (
    <section class="card" aria-labelledby="dead-title">
      <div class="row spread">
        <h2 id="dead-title">Dead letters</h2>
        <button type="button" onClick={letters.reload}>
          Refresh
        </button>
      </div>
      <ErrorNote error={letters.error ?? error} />
      {data && (
        <p class="muted">
          {data.stats.total} in all · {(data.stats.recoveryRate * 100).toFixed(0)} % recovered by replay
        </p>
      )}
      {!data ? (
        <Loading what="dead letters" />
      ) : data.deadLetters.length === 0 ? (
        <p class="muted">No dead jobs.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">Job</th>
                <th scope="col">Error</th>
                <th scope="col">Attempts</th>
                <th scope="col">Failed</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span class="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.deadLetters.map((d) => (
                <tr>
                  <td>{d.queue}</td>
                  <td>{d.name}</td>
                  <td class="clip" title={d.error}>
                    {d.error}
                  </td>
                  <td class="num">{d.attempts}</td>
                  <td>
                    <Time iso={d.lastFailedAt} />
                  </td>
                  <td>{d.status}</td>
                  <td>
                    {d.status === 'dead' && (
                      <button type="button" onClick={() => replay(d)} aria-label={`Replay ${d.name} on ${d.queue}`}>
                        Replay
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
