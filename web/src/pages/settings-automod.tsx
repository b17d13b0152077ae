import type { Body, Data } from '../../../client/src/index.ts'
import { useState } from 'preact/hooks'
import { useName } from '../people'
import { hearth, unwrap } from '../session'
import { Choice, ErrorNote, Field, LoadedList, Time, useAction, useEditable, useLoad } from '../ui'

type Rule = Data<'/v1/automod/rules/{id}', 'get'>
type NewRule = Body<'/v1/communities/{id}/automod/rules', 'post'>
type TriggerKind = NewRule['trigger']['kind']
type ActionKind = NewRule['action']['kind']
type AuditEntry = Data<'/v1/communities/{id}/audit-log', 'get'>['entries'][number]

const TRIGGERS: Record<TriggerKind, string> = {
  keywords: 'Words',
  regex: 'Patterns (regular expressions)',
  links: 'Links',
  mention_spam: 'Too many mentions',
  flood: 'The same text again and again',
}
const ACTIONS: Record<ActionKind, string> = { block: 'Refuse it', flag: 'Let it through, open a report', timeout: 'Refuse it and time the author out' }

const list = (text: string) => text.split(/[\n,]/).map((t) => t.trim()).filter(Boolean)

function describeTrigger(t: Rule['trigger']): string {
  switch (t.kind) {
    case 'keywords':
      return `words: ${t.terms.join(', ')}${t.wholeWord === false ? ' (inside words too)' : ''}${t.allow?.length ? `; allowed: ${t.allow.join(', ')}` : ''}`
    case 'regex':
      return `patterns: ${t.patterns.join('  ')}`
    case 'links':
      return `links${t.allowDomains?.length ? ` except to ${t.allowDomains.join(', ')}` : ''}${t.blockInvites ? '; invites to other communities' : ''}`
    case 'mention_spam':
      return `more than ${t.maxMentions} mentions in one text`
    case 'flood':
      return `the same text more than ${t.maxRepeats} times in ${t.windowSeconds} s`
  }
}

function describeAction(a: Rule['action']): string {
  if (a.kind === 'block') return `refuses it${a.message ? ` (“${a.message}”)` : ''}`
  if (a.kind === 'flag') return 'opens a report'
  return `refuses it and times the author out for ${Math.round(a.seconds / 60)} min`
}

/** Automod: the community's rules (each trigger and action the API has), turned on and off, in dry run, and what they did lately. */
export function AutomodSettings({ communityId }: { communityId: string }) {
  const rules = useLoad(async () => unwrap(await hearth.api.GET('/v1/communities/{id}/automod/rules', { params: { path: { id: communityId } } })), [communityId])
  return (
    <section class="card stack" aria-labelledby="automod-title">
      <h2 id="automod-title">Automod rules</h2>
      <p class="muted">Every message, post, comment and poll is checked against these before it is saved.</p>
      <LoadedList list={rules} what="rules" empty="No rules yet." item={(r) => <RuleItem key={r.id} rule={r} onChange={rules.reload} />} />
      <NewRuleForm communityId={communityId} onCreated={rules.reload} />
      <AutomodActivity communityId={communityId} />
    </section>
  )
}

function RuleItem({ rule: initial, onChange }: { rule: Rule; onChange: () => void }) {
  const [r, update] = useEditable(initial, async (patch: { enabled?: boolean; dryRun?: boolean }) =>
    unwrap(await hearth.api.PATCH('/v1/automod/rules/{id}', { params: { path: { id: initial.id } }, body: patch })),
  )
  const remove = useAction(async () => {
    unwrap(await hearth.api.DELETE('/v1/automod/rules/{id}', { params: { path: { id: r.id } } }))
    onChange()
  })
  return (
    <li class="rule" aria-label={`Rule ${r.name}`}>
      <div class="row spread">
        <strong>{r.name}</strong>
        <span class="row">
          {!r.enabled && <span class="tag">off</span>}
          {r.dryRun && <span class="tag">dry run</span>}
        </span>
      </div>
      <p class="muted">
        When a text has {describeTrigger(r.trigger)}, it {describeAction(r.action)}.
      </p>
      <div class="row">
        <label class="check">
          <input type="checkbox" checked={r.enabled} disabled={update.busy} onChange={(e) => update.run({ enabled: e.currentTarget.checked })} /> Enabled
        </label>
        <label class="check">
          <input type="checkbox" checked={r.dryRun} disabled={update.busy} onChange={(e) => update.run({ dryRun: e.currentTarget.checked })} /> Dry run (record only)
        </label>
        <button type="button" class="danger" disabled={remove.busy} onClick={() => confirm(`Delete the rule “${r.name}”?`) && remove.run()}>
          Delete rule
        </button>
      </div>
      <ErrorNote error={update.error ?? remove.error} />
    </li>
  )
}

function NewRuleForm({ communityId, onCreated }: { communityId: string; onCreated: () => void }) {
  const [name, setName] = useState('')
  const [kind, setKind] = useState<TriggerKind>('keywords')
  const [terms, setTerms] = useState('')
  const [allow, setAllow] = useState('')
  const [wholeWord, setWholeWord] = useState(true)
  const [patterns, setPatterns] = useState('')
  const [domains, setDomains] = useState('')
  const [blockInvites, setBlockInvites] = useState(true)
  const [maxMentions, setMaxMentions] = useState('5')
  const [maxRepeats, setMaxRepeats] = useState('3')
  const [windowSeconds, setWindowSeconds] = useState('60')
  const [action, setAction] = useState<ActionKind>('block')
  const [message, setMessage] = useState('')
  const [minutes, setMinutes] = useState('10')
  const [dryRun, setDryRun] = useState(false)
  const trigger = (): NewRule['trigger'] => {
    switch (kind) {
      case 'keywords':
        return { kind, terms: list(terms), ...(list(allow).length ? { allow: list(allow) } : {}), wholeWord }
      case 'regex':
        return { kind, patterns: patterns.split('\n').map((p) => p.trim()).filter(Boolean) }
      case 'links':
        return { kind, ...(list(domains).length ? { allowDomains: list(domains) } : {}), blockInvites }
      case 'mention_spam':
        return { kind, maxMentions: Number(maxMentions) }
      case 'flood':
        return { kind, maxRepeats: Number(maxRepeats), windowSeconds: Number(windowSeconds) }
    }
  }
  const create = useAction(async () => {
    const act: NewRule['action'] =
      action === 'block' ? { kind: 'block', ...(message.trim() ? { message: message.trim() } : {}) } : action === 'flag' ? { kind: 'flag' } : { kind: 'timeout', seconds: Number(minutes) * 60 }
    unwrap(await hearth.api.POST('/v1/communities/{id}/automod/rules', { params: { path: { id: communityId } }, body: { name: name.trim(), trigger: trigger(), action: act, dryRun } }))
    setName('')
    setTerms('')
    setPatterns('')
    onCreated()
  })
  return (
    <form class="stack sub-card" aria-label="New automod rule" onSubmit={(e) => (e.preventDefault(), create.run())}>
      <h3>New rule</h3>
      <div class="columns tight">
        <Field label="Rule name" value={name} onInput={setName} required maxLength={100} />
        <Choice label="Looks for" value={kind} options={TRIGGERS} onChange={setKind} />
      </div>
      {kind === 'keywords' && (
        <>
          <label>
            Words (comma or one a line; * at an end matches inside words)
            <textarea value={terms} rows={2} required onInput={(e) => setTerms(e.currentTarget.value)} />
          </label>
          <Field label="Allowed words that contain them (optional)" value={allow} onInput={setAllow} />
          <label class="check">
            <input type="checkbox" checked={wholeWord} onChange={(e) => setWholeWord(e.currentTarget.checked)} /> Whole words only
          </label>
        </>
      )}
      {kind === 'regex' && (
        <label>
          Patterns (one a line, at most 10)
          <textarea value={patterns} rows={2} required onInput={(e) => setPatterns(e.currentTarget.value)} />
        </label>
      )}
      {kind === 'links' && (
        <>
          <Field label="Allowed domains (optional; * allows all)" value={domains} onInput={setDomains} hint="Without any, every link fires." />
          <label class="check">
            <input type="checkbox" checked={blockInvites} onChange={(e) => setBlockInvites(e.currentTarget.checked)} /> Invites to other communities fire too
          </label>
        </>
      )}
      {kind === 'mention_spam' && <Field label="Most mentions allowed in one text" type="number" min={1} max={100} value={maxMentions} onInput={setMaxMentions} required />}
      {kind === 'flood' && (
        <div class="columns tight">
          <Field label="Repeats allowed" type="number" min={1} max={50} value={maxRepeats} onInput={setMaxRepeats} required />
          <Field label="Within (seconds)" type="number" min={1} max={3600} value={windowSeconds} onInput={setWindowSeconds} required />
        </div>
      )}
      <div class="columns tight">
        <Choice label="Then" value={action} options={ACTIONS} onChange={setAction} />
        {action === 'block' && <Field label="Message to the author (optional)" value={message} onInput={setMessage} maxLength={200} />}
        {action === 'timeout' && <Field label="Time-out (minutes)" type="number" min={1} max={40320} value={minutes} onInput={setMinutes} required />}
      </div>
      <label class="check">
        <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} /> Dry run: only record what it would have done
      </label>
      <ErrorNote error={create.error} />
      <button type="submit" disabled={create.busy}>
        Create rule
      </button>
    </form>
  )
}

/** What the rules did (and, in dry run, would have done): read from the community's audit log. */
function AutomodActivity({ communityId }: { communityId: string }) {
  const entries = useLoad(async () => {
    const page = unwrap(await hearth.api.GET('/v1/communities/{id}/audit-log', { params: { path: { id: communityId }, query: { limit: 100 } } }))
    return page.entries.filter((e) => e.action.startsWith('automod.') && e.entity === 'automod_rules' && e.actorId === null)
  }, [communityId])
  return (
    <section class="stack" aria-labelledby="automod-activity-title">
      <div class="row spread">
        <h3 id="automod-activity-title">What the rules did lately</h3>
        <button type="button" onClick={entries.reload}>
          Refresh activity
        </button>
      </div>
      <ErrorNote error={entries.error} />
      {entries.data?.length === 0 && <p class="muted">Nothing yet.</p>}
      <ul class="plain list">
        {entries.data?.map((e) => (
          <ActivityLine key={e.id} entry={e} />
        ))}
      </ul>
    </section>
  )
}

const VERDICTS: Record<string, string> = { block: 'refused', flag: 'flagged', timeout: 'refused and timed out' }

function ActivityLine({ entry }: { entry: AuditEntry }) {
  const after = (entry.after ?? {}) as { ruleName?: string; evidence?: string; userId?: string; kind?: string; action?: { kind: string }; wouldHave?: { kind: string } }
  const who = useName(after.userId)
  const dry = entry.action === 'automod.dry_run'
  const verdict = VERDICTS[(dry ? after.wouldHave : after.action)?.kind ?? ''] ?? entry.action.slice('automod.'.length)
  return (
    <li>
      <Time iso={entry.createdAt} /> {dry ? <span class="tag">dry run</span> : null} <strong>{after.ruleName ?? 'a rule'}</strong> {dry ? `would have ${verdict}` : verdict} a {after.kind ?? 'text'} by {who}
      {after.evidence && <span class="muted"> — matched “{after.evidence}”</span>}
    </li>
  )
}
