import type { Data } from '../../../client/src/index.ts'
import { useEffect, useState } from 'preact/hooks'
import { useMay } from '../access'
import { communities } from '../directory'
import { describe, hearth, unwrap } from '../session'
import { useStore } from '../store'
import { Choice, ErrorNote, Field, Loading, useAction, useLoad } from '../ui'

type Occurrence = Data<'/v1/communities/{id}/occurrences', 'get'>['occurrences'][number]
type Answer = 'going' | 'maybe' | 'declined'

const WEEKS = 8
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' })
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const REPEATS = { none: 'Does not repeat', DAILY: 'Every day', WEEKLY: 'Every week', MONTHLY: 'Every month' } as const

/** The community's calendar for the coming weeks (recurring events expanded), with RSVP; new events for who may (`manage_events`). */
export function EventsPage({ communityId }: { communityId: string }) {
  const community = useStore(communities)?.find((c) => c.id === communityId)
  const [creating, setCreating] = useState(false)
  const mayCreate = useMay({ communityId }, 'manage_events')
  useEffect(() => {
    document.title = `Events · ${community?.name ?? 'Community'} · Hearth`
  }, [community?.name])
  const occurrences = useLoad(async () => {
    const from = new Date()
    from.setHours(0, 0, 0, 0)
    const to = new Date(from.getTime() + WEEKS * 7 * 86_400_000)
    const data = unwrap(
      await hearth.api.GET('/v1/communities/{id}/occurrences', { params: { path: { id: communityId }, query: { from: from.toISOString(), to: to.toISOString() } } }),
    )
    return data.occurrences
  }, [communityId])
  const days = new Map<string, Occurrence[]>()
  for (const o of occurrences.data ?? []) {
    const day = dayFormat.format(new Date(o.start))
    days.set(day, [...(days.get(day) ?? []), o])
  }
  return (
    <section class="page" aria-labelledby="events-title">
      <div class="row spread">
        <h1 id="events-title">Events</h1>
        {mayCreate && (
          <button type="button" aria-expanded={creating} onClick={() => setCreating(!creating)}>
            New event
          </button>
        )}
      </div>
      {mayCreate && creating && <NewEvent communityId={communityId} onCreated={() => (setCreating(false), occurrences.reload())} />}
      <ErrorNote error={occurrences.error} />
      {!occurrences.data ? (
        <Loading what="events" />
      ) : days.size === 0 ? (
        <p class="muted">Nothing planned in the next {WEEKS} weeks.</p>
      ) : (
        [...days].map(([day, list]) => (
          <section class="day" aria-label={day}>
            <h2 class="section-title">{day}</h2>
            <ul class="plain list">
              {list.map((o) => (
                <OccurrenceItem key={`${o.eventId} ${o.originalStart}`} occurrence={o} />
              ))}
            </ul>
          </section>
        ))
      )}
    </section>
  )
}

function OccurrenceItem({ occurrence: initial }: { occurrence: Occurrence }) {
  const [o, setO] = useState(initial)
  const [error, setError] = useState<string>()
  const answer = async (status: Answer) => {
    try {
      const result = unwrap(
        await hearth.api.PUT('/v1/events/{id}/occurrences/{originalStart}/rsvp', { params: { path: { id: o.eventId, originalStart: o.originalStart } }, body: { status } }),
      )
      setO((x) => {
        const rsvp = { ...x.rsvp }
        const before = x.rsvp.me as keyof typeof rsvp | undefined
        if (before && typeof rsvp[before] === 'number') (rsvp[before] as number) -= 1
        const after = result.status as keyof typeof rsvp
        if (typeof rsvp[after] === 'number') (rsvp[after] as number) += 1
        return { ...x, rsvp: { ...rsvp, me: result.status } }
      })
      setError(undefined)
    } catch (err) {
      setError(describe(err))
    }
  }
  return (
    <li class={o.cancelled ? 'event cancelled' : 'event'} aria-label={o.title}>
      <div class="event-when">{o.allDay ? 'All day' : `${timeFormat.format(new Date(o.start))} – ${timeFormat.format(new Date(o.end))}`}</div>
      <div class="event-what">
        <strong>{o.title}</strong>
        {o.cancelled && <span class="tag">cancelled</span>}
        {o.location && <span class="muted"> · {o.location}</span>}
        <div class="muted">
          {o.rsvp.going} going · {o.rsvp.maybe} maybe{o.rsvp.waitlisted ? ` · ${o.rsvp.waitlisted} waitlisted` : ''}
        </div>
      </div>
      {!o.cancelled && (
        <div class="rsvp" role="group" aria-label={`Your answer for ${o.title}`}>
          {(['going', 'maybe', 'declined'] as const).map((status) => (
            <button type="button" class={o.rsvp.me === status ? 'chip on' : 'chip'} aria-pressed={o.rsvp.me === status} onClick={() => answer(status)}>
              {status === 'declined' ? 'Not going' : status === 'going' ? 'Going' : 'Maybe'}
            </button>
          ))}
          {o.rsvp.me === 'waitlisted' && <span class="tag">waitlisted</span>}
        </div>
      )}
      <ErrorNote error={error} />
    </li>
  )
}

function NewEvent({ communityId, onCreated }: { communityId: string; onCreated: () => void }) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
  const tomorrow = new Date(Date.now() + 86_400_000)
  const local = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}T18:00`
  const [title, setTitle] = useState('')
  const [start, setStart] = useState(local)
  const [minutes, setMinutes] = useState('60')
  const [repeat, setRepeat] = useState<keyof typeof REPEATS>('none')
  const [location, setLocation] = useState('')
  const [capacity, setCapacity] = useState('')
  const create = useAction(async () => {
    unwrap(
      await hearth.api.POST('/v1/communities/{id}/events', {
        params: { path: { id: communityId } },
        body: {
          title: title.trim(),
          start,
          durationMinutes: Number(minutes),
          timeZone: zone,
          ...(repeat !== 'none' ? { rrule: `FREQ=${repeat}` } : {}),
          ...(location.trim() ? { location: location.trim() } : {}),
          ...(capacity ? { capacity: Number(capacity) } : {}),
        },
      }),
    )
    onCreated()
  })
  return (
    <form class="card stack" onSubmit={(e) => (e.preventDefault(), create.run())} aria-label="New event">
      <Field label="Title" value={title} onInput={setTitle} required maxLength={200} />
      <div class="columns">
        <Field label={`Starts (${zone})`} type="datetime-local" value={start} onInput={setStart} required />
        <Field label="Minutes" type="number" min={5} max={10080} value={minutes} onInput={setMinutes} required />
      </div>
      <Choice label="Repeats" value={repeat} options={REPEATS} onChange={setRepeat} />
      <div class="columns">
        <Field label="Location (optional)" value={location} onInput={setLocation} maxLength={200} />
        <Field label="Seats (optional)" type="number" min={1} value={capacity} onInput={setCapacity} />
      </div>
      <ErrorNote error={create.error} />
      <button type="submit" disabled={create.busy}>
        Create event
      </button>
    </form>
  )
}
