import type { Data } from '../../../client/src/index.ts'
import { useEffect, useState } from 'preact/hooks'
import { useMay } from '../access'
import { communities } from '../directory'
import { useName } from '../people'
import { href, Link } from '../router'
import { describe, hearth, unwrap } from '../session'
import { useStore } from '../store'
import { ErrorNote, Loading, Time } from '../ui'

type Report = Data<'/v1/communities/{id}/reports', 'get'>['reports'][number]
type Status = 'open' | 'resolved' | 'dismissed'
type Action = 'dismiss' | 'delete' | 'timeout' | 'ban'

/** The review queue of a community's reports (`moderate_members`): dismiss, delete, time out or ban. */
export function ModerationPage({ communityId }: { communityId: string }) {
  const community = useStore(communities)?.find((c) => c.id === communityId)
  const may = useMay({ communityId }, 'moderate_members')
  const [status, setStatus] = useState<Status>('open')
  const [reports, setReports] = useState<Report[]>()
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string>()
  const load = async (after?: string) => {
    try {
      const page = unwrap(
        await hearth.api.GET('/v1/communities/{id}/reports', { params: { path: { id: communityId }, query: { status, limit: 25, ...(after ? { cursor: after } : {}) } } }),
      )
      setReports((list) => [...(after ? (list ?? []) : []), ...page.reports])
      setCursor(page.nextCursor)
      setError(undefined)
    } catch (err) {
      setError(describe(err))
      setReports([])
    }
  }
  useEffect(() => {
    document.title = `Moderation · ${community?.name ?? 'Community'} · Hearth`
  }, [community?.name])
  useEffect(() => {
    setReports(undefined)
    if (may) load()
  }, [communityId, status, may])
  if (may === false)
    return (
      <section class="page" aria-labelledby="moderation-title">
        <h1 id="moderation-title">Moderation queue</h1>
        <p role="alert" class="refusal">
          You may not review this community's reports: that takes the moderate members permission.
        </p>
      </section>
    )
  return (
    <section class="page" aria-labelledby="moderation-title">
      <h1 id="moderation-title">Moderation queue</h1>
      <div class="row" role="group" aria-label="Show reports">
        {(['open', 'resolved', 'dismissed'] as const).map((s) => (
          <button type="button" class={status === s ? 'chip on' : 'chip'} aria-pressed={status === s} onClick={() => setStatus(s)}>
            {s}
          </button>
        ))}
      </div>
      <ErrorNote error={error} />
      {!reports ? (
        <Loading what="reports" />
      ) : reports.length === 0 ? (
        <p class="muted">No {status} reports.</p>
      ) : (
        <ul class="plain stack">
          {reports.map((r) => (
            <ReportItem key={r.id} report={r} onResolved={(next) => setReports((list) => list?.map((x) => (x.id === next.id ? next : x)))} />
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" onClick={() => load(cursor)}>
          More
        </button>
      )}
    </section>
  )
}

function ReportItem({ report: r, onResolved }: { report: Report; onResolved: (r: Report) => void }) {
  const author = useName(r.target.authorId)
  const [note, setNote] = useState('')
  const [error, setError] = useState<string>()
  const resolve = async (action: Action) => {
    try {
      onResolved(unwrap(await hearth.api.POST('/v1/reports/{id}/resolve', { params: { path: { id: r.id } }, body: { action, ...(action === 'timeout' ? { durationSeconds: 3600 } : {}), ...(note.trim() ? { note: note.trim() } : {}) } })))
    } catch (err) {
      setError(describe(err))
    }
  }
  return (
    <li class="card report" aria-label={`Report of a ${r.target.kind}`}>
      <div class="meta">
        <span class="tag">{r.target.kind}</span>
        {r.target.authorId && <strong>{author}</strong>}
        <Time iso={r.createdAt} />
        <span class="muted">
          {r.reporterCount} {r.reporterCount === 1 ? 'report' : 'reports'}: {r.reasons.map((x) => `${x.reason.replace('_', ' ')} (${x.count})`).join(', ')}
        </span>
        {r.rule?.name && <span class="tag">rule: {r.rule.name}</span>}
      </div>
      {r.target.preview && <blockquote class="quote">{r.target.preview}</blockquote>}
      {r.target.roomId && <Link href={href.room(r.target.roomId)}>Open the room</Link>}
      {r.status === 'open' ? (
        <div class="stack">
          <label>
            Note (optional)
            <input value={note} maxLength={500} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          <div class="row" role="group" aria-label="Decide">
            <button type="button" onClick={() => resolve('dismiss')}>
              Dismiss
            </button>
            <button type="button" onClick={() => resolve('delete')}>
              Delete it
            </button>
            <button type="button" onClick={() => resolve('timeout')}>
              Time out 1 h
            </button>
            <button type="button" class="danger" onClick={() => confirm('Ban this member from the community?') && resolve('ban')}>
              Ban
            </button>
          </div>
        </div>
      ) : (
        <p class="muted">
          {r.status}: {r.resolution?.action}
          {r.resolution?.note ? ` — ${r.resolution.note}` : ''}
        </p>
      )}
      <ErrorNote error={error} />
    </li>
  )
}
