import type { Body, Data } from '../../../client/src/index.ts'
import { useEffect, useState } from 'preact/hooks'
import { loadPermissions, settingsOf } from '../access'
import { communities, roomsOf, useTree } from '../directory'
import { hearth, unwrap } from '../session'
import { useStore } from '../store'
import { Choice, ErrorNote, Field, LoadedList, Loading, useAction, useEditable, useLoad } from '../ui'
import { AutomodSettings } from './settings-automod'
import { OutgoingWebhooks, ShownOnce } from './settings-webhooks'

type Hook = Data<'/v1/rooms/{id}/incoming-webhooks', 'get'>['hooks'][number]
type Verify = NonNullable<Body<'/v1/rooms/{id}/incoming-webhooks', 'post'>['verify']>

const VERIFY: Record<Verify, string> = {
  token: 'The token in its URL',
  standard: 'A Standard Webhooks signature',
  github: "GitHub's signature",
  stripe: "Stripe's signature",
}

/**
 * A community's settings, for who may manage them: automod (`manage_community`), webhooks
 * out and in (`manage_webhooks`). Anyone else gets a refusal here, never the data: the page
 * asks my permissions afresh and shows (and loads) only the sections they open.
 */
export function SettingsPage({ communityId }: { communityId: string }) {
  const community = useStore(communities)?.find((c) => c.id === communityId)
  const allowed = useLoad(async () => settingsOf(await loadPermissions({ communityId })), [communityId])
  useEffect(() => {
    document.title = `Settings · ${community?.name ?? 'Community'} · Hearth`
  }, [community?.name])
  const a = allowed.data
  return (
    <section class="page" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings{community ? ` · ${community.name}` : ''}</h1>
      <ErrorNote error={allowed.error} />
      {!a ? (
        !allowed.error && <Loading what="the settings" />
      ) : !a.automod && !a.webhooks ? (
        <p role="alert" class="refusal">
          You may not change this community's settings: that takes the manage community or manage webhooks permission.
        </p>
      ) : (
        <>
          {a.automod && <AutomodSettings communityId={communityId} />}
          {a.webhooks && (
            <>
              <OutgoingWebhooks communityId={communityId} />
              <IncomingHooks communityId={communityId} />
            </>
          )}
        </>
      )}
    </section>
  )
}

/** Incoming hooks of a room: services post into it through a secret URL. */
function IncomingHooks({ communityId }: { communityId: string }) {
  const { tree, error } = useTree(communityId)
  const rooms = tree ? roomsOf(tree) : []
  const [roomId, setRoomId] = useState('')
  const room = roomId || rooms[0]?.id || ''
  return (
    <section class="card stack" aria-labelledby="incoming-title">
      <h2 id="incoming-title">Incoming hooks</h2>
      <p class="muted">A service posts to a hook's URL and the message appears in the room, written by the hook.</p>
      <ErrorNote error={error} />
      {!tree ? (
        !error && <Loading what="the rooms" />
      ) : (
        <>
          <Choice label="Room" value={room} options={rooms.map((r) => [r.id, r.name ?? 'room'] as const)} onChange={setRoomId} />
          {room ? <RoomHooks key={room} roomId={room} /> : <p class="muted">This community has no rooms yet.</p>}
        </>
      )}
    </section>
  )
}

function RoomHooks({ roomId }: { roomId: string }) {
  const hooks = useLoad(async () => unwrap(await hearth.api.GET('/v1/rooms/{id}/incoming-webhooks', { params: { path: { id: roomId } } })).hooks, [roomId])
  const [name, setName] = useState('')
  const [verify, setVerify] = useState<Verify>('token')
  const [secret, setSecret] = useState('')
  const [created, setCreated] = useState<{ url: string; secret?: string }>()
  const create = useAction(async () => {
    const hook = unwrap(
      await hearth.api.POST('/v1/rooms/{id}/incoming-webhooks', {
        params: { path: { id: roomId } },
        body: { name: name.trim(), verify, ...(secret.trim() ? { secret: secret.trim() } : {}) },
      }),
    )
    setCreated({ url: hook.url, secret: hook.secret })
    setName('')
    setSecret('')
    hooks.reload()
  })
  return (
    <>
      <LoadedList list={hooks} what="hooks" empty="No hooks post in this room." item={(h) => <HookItem key={h.id} hook={h} onChange={hooks.reload} />} />
      {created ? (
        <div class="stack">
          <ShownOnce label="The hook's URL" value={created.url} onDone={() => setCreated(undefined)} />
          {created.secret && <ShownOnce label="The hook's signing secret" value={created.secret} onDone={() => setCreated((c) => c && { url: c.url })} />}
        </div>
      ) : (
        !hooks.error && (
          <form class="stack sub-card" aria-label="New incoming hook" onSubmit={(e) => (e.preventDefault(), create.run())}>
            <h3>New hook</h3>
            <div class="columns tight">
              <Field label="Hook name" value={name} onInput={setName} required maxLength={80} />
              <Choice label="Checked by" value={verify} options={VERIFY} onChange={setVerify} />
            </div>
            {verify !== 'token' && (
              <Field label={`Signing secret${verify === 'stripe' ? '' : ' (optional: one is made)'}`} value={secret} onInput={setSecret} required={verify === 'stripe'} minLength={16} maxLength={200} />
            )}
            <ErrorNote error={create.error} />
            <button type="submit" disabled={create.busy}>
              Create hook
            </button>
          </form>
        )
      )}
    </>
  )
}

function HookItem({ hook: initial, onChange }: { hook: Hook; onChange: () => void }) {
  const path = { params: { path: { id: initial.id } } }
  const [h, toggle] = useEditable(initial, async (patch: { enabled?: boolean }) => unwrap(await hearth.api.PATCH('/v1/incoming-webhooks/{id}', { ...path, body: patch })))
  const remove = useAction(async () => {
    unwrap(await hearth.api.DELETE('/v1/incoming-webhooks/{id}', path))
    onChange()
  })
  return (
    <li class="row spread" aria-label={`Hook ${h.name}`}>
      <span>
        <strong>{h.name}</strong> <span class="muted">checked by {VERIFY[h.verify].toLowerCase()}</span>
      </span>
      <span class="row">
        <label class="check">
          <input type="checkbox" checked={h.enabled} disabled={toggle.busy} onChange={(e) => toggle.run({ enabled: e.currentTarget.checked })} /> Enabled
        </label>
        <button type="button" class="danger" disabled={remove.busy} onClick={() => confirm(`Delete the hook “${h.name}”? Its URL stops working.`) && remove.run()}>
          Delete hook
        </button>
      </span>
      <ErrorNote error={toggle.error ?? remove.error} />
    </li>
  )
}
