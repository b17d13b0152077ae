// The message text an incoming event becomes: a readable line or few for the events
// people watch (GitHub pushes, pull requests and issues; Stripe payments), the JSON otherwise.

export const MESSAGE_MAX = 4000

type Json = Record<string, any>

/** Message text as the room stores it: no NUL, no lone surrogate (a sender's payload may hold either), bounded. */
export function clip(text: string, max = MESSAGE_MAX): string {
  const clean = text.replaceAll('\u0000', '').toWellFormed()
  return clean.length <= max ? clean : clean.slice(0, max - 1).toWellFormed() + '…'
}

export function jsonMessage(payload: unknown): string {
  const text = JSON.stringify(payload, null, 2) ?? String(payload)
  const fence = '```'
  return `${fence}json\n${clip(text, MESSAGE_MAX - 16)}\n${fence}`
}

const str = (v: unknown, max = 200): string => (typeof v === 'string' ? v : v == null ? '' : String(v)).slice(0, max)

export function githubMessage(event: string | undefined, p: Json): string {
  const repo = str(p?.repository?.full_name) || 'a repository'
  const who = str(p?.sender?.login) || 'someone'
  switch (event) {
    case 'push': {
      const branch = str(p.ref).replace(/^refs\/(heads|tags)\//, '')
      const commits: Json[] = Array.isArray(p.commits) ? p.commits : []
      const head = `[${repo}] ${who} pushed ${commits.length} commit${commits.length === 1 ? '' : 's'} to ${branch}`
      const lines = commits.slice(0, 10).map((c) => `- ${str(c.id, 7)} ${str(c.message).split('\n')[0]}`)
      if (commits.length > 10) lines.push(`- … and ${commits.length - 10} more`)
      const compare = str(p.compare, 500)
      return clip([head, ...lines, ...(compare ? [compare] : [])].join('\n'))
    }
    case 'pull_request': {
      const pr = p.pull_request ?? {}
      const action = p.action === 'closed' && pr.merged ? 'merged' : str(p.action)
      return clip(`[${repo}] ${who} ${action} pull request #${str(pr.number)}: ${str(pr.title, 300)}\n${str(pr.html_url, 500)}`)
    }
    case 'issues': {
      const issue = p.issue ?? {}
      return clip(`[${repo}] ${who} ${str(p.action)} issue #${str(issue.number)}: ${str(issue.title, 300)}\n${str(issue.html_url, 500)}`)
    }
    case 'ping':
      return clip(`[${repo}] GitHub hook connected${p?.zen ? `: ${str(p.zen)}` : ''}`)
    default:
      return jsonMessage(p)
  }
}

function money(amount: unknown, currency: unknown): string {
  if (typeof amount !== 'number') return ''
  const code = str(currency, 3).toUpperCase() || 'USD'
  try {
    // Stripe amounts are in the currency's smallest unit.
    const format = new Intl.NumberFormat('en', { style: 'currency', currency: code })
    return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2))
  } catch {
    return `${amount} ${code}`
  }
}

const stripeLines: Record<string, (o: Json) => string> = {
  'payment_intent.succeeded': (o) => `Payment succeeded: ${money(o.amount_received ?? o.amount, o.currency)}`,
  'payment_intent.payment_failed': (o) =>
    `Payment failed: ${money(o.amount, o.currency)}${o.last_payment_error?.message ? ` — ${str(o.last_payment_error.message)}` : ''}`,
  'charge.succeeded': (o) => `Charge succeeded: ${money(o.amount, o.currency)}`,
  'charge.failed': (o) => `Charge failed: ${money(o.amount, o.currency)}${o.failure_message ? ` — ${str(o.failure_message)}` : ''}`,
  'charge.refunded': (o) => `Charge refunded: ${money(o.amount_refunded, o.currency)}`,
  'checkout.session.completed': (o) => `Checkout completed: ${money(o.amount_total, o.currency)}`,
  'invoice.paid': (o) => `Invoice paid: ${money(o.amount_paid, o.currency)}`,
  'invoice.payment_failed': (o) => `Invoice payment failed: ${money(o.amount_due, o.currency)}`,
}

export function stripeMessage(p: Json): string {
  const line = stripeLines[str(p?.type)]
  const object = p?.data?.object
  if (!line || typeof object !== 'object' || object === null) return jsonMessage(p)
  const ref = str(object.id)
  return clip(`${line(object)}${ref ? ` (${ref})` : ''}${p.livemode === false ? ' [test mode]' : ''}`)
}
