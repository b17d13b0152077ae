import type { Data } from '../../../client/src/index.ts'
import { useState } from 'preact/hooks'
import { hearth, unwrap } from '../session'
import { ErrorNote, Field, LoadedList, Time, useAction, useEditable, useLoad } from '../ui'

type Endpoint = Data<'/v1/webhooks/{id}', 'get'>
type Delivery = Data<'/v1/webhooks/{id}/deliveries', 'get'>['deliveries'][number]

/** A credential Hearth shows once: in a field to select and copy, until it is put away. */
export function ShownOnce({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  return (
    <div class="once stack" role="status">
      <label>
        {label}
        <input readOnly value={value} class="mono" onFocus={(e) => e.currentTarget.select()} />
      </label>
      <p class="muted">Copy it now: Hearth shows it only this once.</p>
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </div>
  )
}

/** Event filters offered: every type, or every type of a prefix (`message.*`), read from the server's list. */
function useFilters() {
  return useLoad(async () => {
    const types = unwrap(await hearth.api.GET('/v1/webhooks/event-types')).types
    const prefixes = new Map<string, string[]>()
    for (const t of types) {
      const prefix = t.type.split('.')[0]!
      prefixes.set(prefix, [...(prefixes.get(prefix) ?? []), t.type])
    }
    return [...prefixes].map(([prefix, list]) => ({ filter: `${prefix}.*`, types: list }))
  }, [])
}

/** Outgoing webhook endpoints of the community: create (its secret shown once), turn on and off, rotate, delete, deliveries. */
export function OutgoingWebhooks({ communityId }: { communityId: string }) {
  const endpoints = useLoad(async () => unwrap(await hearth.api.GET('/v1/communities/{id}/webhooks', { params: { path: { id: communityId } } })).webhooks, [communityId])
  return (
    <section class="card stack" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Outgoing webhooks</h2>
      <p class="muted">Hearth sends the community's events to these URLs, signed (Standard Webhooks).</p>
      <LoadedList list={endpoints} what="endpoints" empty="No endpoints yet." item={(e) => <EndpointItem key={e.id} endpoint={e} onChange={endpoints.reload} />} />
      <NewEndpointForm communityId={communityId} onCreated={endpoints.reload} />
    </section>
  )
}

function EndpointItem({ endpoint: initial, onChange }: { endpoint: Endpoint; onChange: () => void }) {
  const [secret, setSecret] = useState<string>()
  const [showDeliveries, setShowDeliveries] = useState(false)
  const path = { params: { path: { id: initial.id } } }
  const [e, toggle] = useEditable(initial, async (patch: { enabled?: boolean }) => unwrap(await hearth.api.PATCH('/v1/webhooks/{id}', { ...path, body: patch })))
  const rotate = useAction(async () => {
    setSecret(unwrap(await hearth.api.POST('/v1/webhooks/{id}/rotate-secret', path)).secret)
  })
  const remove = useAction(async () => {
    unwrap(await hearth.api.DELETE('/v1/webhooks/{id}', path))
    onChange()
  })
  return (
    <li class="endpoint stack" aria-label={`Endpoint ${e.url}`}>
      <div>
        <strong class="mono wrap">{e.url}</strong>
        {e.description && <span class="muted"> — {e.description}</span>}
      </div>
      <p class="muted">
        Events: {e.events.join(', ')}
        {!e.enabled && ` · off${e.disabledReason ? ` (${e.disabledReason === 'gone' ? 'the receiver answered 410' : e.disabledReason === 'failing' ? 'it kept failing' : 'by hand'})` : ''}`}
        {e.failingSince && (
          <>
            {' '}
            · failing since <Time iso={e.failingSince} full />
          </>
        )}
        {e.previousSecretUntil && (
          <>
            {' '}
            · the previous secret signs too until <Time iso={e.previousSecretUntil} full />
          </>
        )}
      </p>
      <div class="row">
        <label class="check">
          <input type="checkbox" checked={e.enabled} disabled={toggle.busy} onChange={(ev) => toggle.run({ enabled: ev.currentTarget.checked })} /> Enabled
        </label>
        <button type="button" disabled={rotate.busy} onClick={() => confirm('Make a new secret? The old one keeps signing beside it for a day.') && rotate.run()}>
          Rotate secret
        </button>
        <button type="button" aria-expanded={showDeliveries} onClick={() => setShowDeliveries(!showDeliveries)}>
          Recent deliveries
        </button>
        <button type="button" class="danger" disabled={remove.busy} onClick={() => confirm('Delete this endpoint and its delivery log?') && remove.run()}>
          Delete endpoint
        </button>
      </div>
      <ErrorNote error={toggle.error ?? rotate.error ?? remove.error} />
      {secret && <ShownOnce label="New signing secret" value={secret} onDone={() => (setSecret(undefined), onChange())} />}
      {showDeliveries && <Deliveries endpointId={e.id} />}
    </li>
  )
}

function Deliveries({ endpointId }: { endpointId: string }) {
  const deliveries = useLoad(
    async () => unwrap(await hearth.api.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id: endpointId }, query: { limit: 20 } } })).deliveries,
    [endpointId],
  )
  const retry = useAction(async (deliveryId: string) => {
    unwrap(await hearth.api.POST('/v1/webhooks/{id}/deliveries/{deliveryId}/retry', { params: { path: { id: endpointId, deliveryId } } }))
    deliveries.reload()
  })
  return (
    <div class="stack">
      <div class="row spread">
        <h3>Recent deliveries</h3>
        <button type="button" onClick={deliveries.reload}>
          Refresh deliveries
        </button>
      </div>
      <ErrorNote error={deliveries.error ?? retry.error} />
      {deliveries.data?.length === 0 && <p class="muted">Nothing sent yet.</p>}
      {deliveries.data && deliveries.data.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Answer</th>
                <th scope="col">When</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.map((d) => (
                <DeliveryRow delivery={d} onRetry={() => retry.run(d.id)} busy={retry.busy} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}

function DeliveryRow({ delivery: d, onRetry, busy }: { delivery: Delivery; onRetry: () => void; busy: boolean }) {
  const last = d.attemptLog[0]
  return (
    <tr data-status={d.status}>
      <td>{d.eventType}</td>
      <td>{d.status}</td>
      <td class="num">{d.attempts}</td>
      <td class="clip" title={d.hidden ? 'The answer is hidden: it came from a room or group you cannot view' : (last?.responseExcerpt ?? d.lastError ?? undefined)}>
        {d.lastStatusCode ?? d.lastError ?? '—'}
        {last && <span class="muted"> · {last.latencyMs} ms</span>}
        {d.hidden && <span class="muted"> · answer hidden</span>}
      </td>
      <td>
        <Time iso={d.createdAt} />
      </td>
      <td>
        {d.status === 'failed' && (
          <button type="button" class="link" disabled={busy} onClick={onRetry}>
            Send again
          </button>
        )}
      </td>
    </tr>
  )
}

function NewEndpointForm({ communityId, onCreated }: { communityId: string; onCreated: () => void }) {
  const filters = useFilters()
  const [url, setUrl] = useState('https://')
  const [description, setDescription] = useState('')
  const [chosen, setChosen] = useState<string[]>(['*'])
  const [secret, setSecret] = useState<string>()
  const create = useAction(async () => {
    const created = unwrap(
      await hearth.api.POST('/v1/communities/{id}/webhooks', {
        params: { path: { id: communityId } },
        body: { url: url.trim(), events: chosen, ...(description.trim() ? { description: description.trim() } : {}) },
      }),
    )
    setSecret(created.secret)
    setUrl('https://')
    setDescription('')
    onCreated()
  })
  const pick = (filter: string, on: boolean) =>
    setChosen((list) => (filter === '*' ? (on ? ['*'] : []) : on ? [...list.filter((f) => f !== '*'), filter] : list.filter((f) => f !== filter)))
  if (secret) return <ShownOnce label="Signing secret of the new endpoint" value={secret} onDone={() => setSecret(undefined)} />
  return (
    <form class="stack sub-card" aria-label="New webhook endpoint" onSubmit={(e) => (e.preventDefault(), chosen.length && create.run())}>
      <h3>New endpoint</h3>
      <Field label="Endpoint URL" value={url} onInput={setUrl} required maxLength={2000} hint="A public https URL." />
      <Field label="Description (optional)" value={description} onInput={setDescription} maxLength={500} />
      <fieldset>
        <legend>Events to send</legend>
        <label class="check">
          <input type="checkbox" checked={chosen.includes('*')} onChange={(e) => pick('*', e.currentTarget.checked)} /> Every event
        </label>
        {filters.data?.map((f) => (
          <label class="check" title={f.types.join(', ')}>
            <input type="checkbox" checked={chosen.includes(f.filter)} onChange={(e) => pick(f.filter, e.currentTarget.checked)} /> {f.filter} ({f.types.length})
          </label>
        ))}
      </fieldset>
      <ErrorNote error={create.error ?? filters.error} />
      <button type="submit" disabled={create.busy || chosen.length === 0}>
        Add endpoint
      </button>
    </form>
  )
}
