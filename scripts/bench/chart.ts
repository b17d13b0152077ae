// A hand-drawn SVG of the benchmark figures: one panel per figure, one bar per system,
// each panel on its own scale, the aim (where it is a number) as a dashed line.
import type { System } from './clients'
import type { Metric } from './report'

const COLORS: Record<System, string> = { raw: '#868e96', baseline: '#ffa94d', hearth: '#e8590c', socketio: '#1c7ed6', nats: '#2f9e44', ejabberd: '#7048e8' }
const NAMES: Record<System, string> = { raw: 'raw Bun', baseline: 'before', hearth: 'Hearth', socketio: 'Socket.IO', nats: 'NATS JS', ejabberd: 'ejabberd' }
const SYSTEMS: System[] = ['raw', 'baseline', 'hearth', 'socketio', 'nats', 'ejabberd']
const AIM_VALUES: Record<string, number> = { memory: 10 }

const WIDTH = 760
const LABEL_W = 90
const BAR_H = 18
const GAP = 6
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const show = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : String(n))

export function renderChart(metrics: Metric[]): string {
  const parts: string[] = []
  let y = 40
  for (const m of metrics) {
    const systems = SYSTEMS.filter((s) => m.values[s] !== undefined)
    const aim = AIM_VALUES[m.key]
    const max = Math.max(...systems.map((s) => m.values[s]!), aim ?? 0) * 1.15 || 1
    const plotW = WIDTH - LABEL_W - 40
    parts.push(`<text x="16" y="${y}" class="title">${escape(m.label)} (${escape(m.unit)}, ${m.better} is better)</text>`)
    y += 10
    for (const s of systems) {
      const v = m.values[s]!
      const w = Math.max(1, (v / max) * plotW)
      parts.push(
        `<text x="${LABEL_W - 6}" y="${y + BAR_H - 5}" class="label" text-anchor="end">${NAMES[s]}</text>`,
        `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${COLORS[s]}" rx="2"/>`,
        `<text x="${(LABEL_W + w + 5).toFixed(1)}" y="${y + BAR_H - 5}" class="value">${show(v)}</text>`,
      )
      y += BAR_H + GAP
    }
    if (aim !== undefined) {
      const x = LABEL_W + (aim / max) * plotW
      const top = y - systems.length * (BAR_H + GAP) - 2
      parts.push(
        `<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${y - GAP + 2}" class="aim"/>`,
        `<text x="${(x + 3).toFixed(1)}" y="${y + 8}" class="aimlabel">aim ${show(aim)}</text>`,
      )
    }
    y += 30
  }
  const height = y
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif">`,
    '<style>.title{font-size:13px;font-weight:600;fill:#212529}.label{font-size:12px;fill:#495057}.value{font-size:12px;fill:#212529}.aim{stroke:#c92a2a;stroke-width:1.5;stroke-dasharray:4 3}.aimlabel{font-size:11px;fill:#c92a2a}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    '<text x="16" y="22" font-size="15" font-weight="700" fill="#212529">Hearth vs the raw Bun ceiling, Socket.IO, NATS JetStream and ejabberd (loopback, one machine)</text>',
    ...parts,
    '</svg>',
    '',
  ].join('\n')
}
