// The evidence export as text, CSV or one self-contained HTML page (inline SVG chart, no external assets).
// Only references reach it (ids, last 4, brand, lead ids, times); every cell is masked once more anyway.
import { maskCardNumbers } from '../security/mask';
import type { ReportPeriod, ReportRow } from './collect';
import { fieldTitles, whereFound } from './where-found';

const NONE = '—';
const cell = (v: unknown): string => (v === undefined || v === null || v === '' ? NONE : maskCardNumbers(String(v)));

export interface ReportColumns {
  ticket: string;
  places: string;
  cards: string;
  requested: string;
  claimedBy: string;
  claimedAt: string;
  redactedAt: string;
  verification: string;
  residuals: string;
  merge: string;
  childTicket: string;
  outcome: string;
}

export const HEADERS: Record<keyof ReportColumns, string> = {
  ticket: 'ticket',
  places: 'where found',
  cards: 'last 4 / brand',
  requested: 'requested',
  claimedBy: 'claimed by',
  claimedAt: 'claimed at',
  redactedAt: 'redacted at',
  verification: 'verification',
  residuals: 'residuals',
  merge: 'merge',
  childTicket: 'child ticket',
  outcome: 'outcome',
};

export function columns(row: ReportRow): ReportColumns {
  const s = row.status;
  const places = s?.places ?? [];
  const merge = s?.merged === true ? `merged into #${s.mergeTarget ?? '?'}` : s?.mergeTarget !== undefined ? `into #${s.mergeTarget} (${s.merged === false ? 'not merged' : 'pending'})` : undefined;
  const outcome = s?.outcome ?? row.outcome ?? (row.execution === 'RUNNING' ? `open: ${s?.stage ?? row.stage ?? '?'}` : row.execution.toLowerCase());
  return {
    ticket: cell(row.ticketId !== undefined ? `#${row.ticketId}` : row.workflowId),
    // Masked part by part in whereFound, so Zendesk ids stay searchable.
    places: places.length ? places.map((p) => whereFound(p, fieldTitles(places))).join('; ') : NONE,
    cards: cell(places.length ? places.map((p) => (p.last4 ? `${p.last4} ${p.brand}`.trim() : NONE)).join('; ') : s?.last4.map((l) => `${l}`).join('; ')),
    requested: cell(s?.requestedAt ?? row.startedAt),
    claimedBy: cell(s?.claimedBy),
    claimedAt: cell(s?.claimedAt),
    redactedAt: cell(s?.redactedAt),
    verification: cell(s?.verification),
    residuals: cell(s?.residuals?.map((r) => `${r.place}: ${r.manualStep}`).join('; ')),
    merge: cell(merge),
    childTicket: cell(s?.childTicketId !== undefined ? `#${s.childTicketId}` : undefined),
    outcome: cell(row.statusError ? `${outcome} (${row.statusError})` : outcome),
  };
}

const KEYS = Object.keys(HEADERS) as (keyof ReportColumns)[];

export function renderText(rows: ReportRow[], period: ReportPeriod): string {
  const table = [HEADERS, ...rows.map(columns)].map((c) => KEYS.map((k) => c[k]));
  const widths = KEYS.map((_, i) => Math.min(40, Math.max(...table.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return `Redaction requests ${period.since.toISOString()} – ${period.until.toISOString()}: ${rows.length}\n${table.map(line).join('\n')}\n`;
}

const csvCell = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
export function renderCsv(rows: ReportRow[]): string {
  return [KEYS.map((k) => HEADERS[k]), ...rows.map((r) => KEYS.map((k) => columns(r)[k]))].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Findings (cards found) per day, from the request time. */
export function findingsPerDay(rows: ReportRow[]): { day: string; findings: number }[] {
  const byDay = new Map<string, number>();
  for (const r of rows) {
    const day = (r.status?.requestedAt ?? r.startedAt).slice(0, 10);
    const n = r.status?.places?.length ?? r.status?.last4.length ?? 0;
    byDay.set(day, (byDay.get(day) ?? 0) + n);
  }
  return [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, findings]) => ({ day, findings }));
}

function chart(rows: ReportRow[]): string {
  const data = findingsPerDay(rows);
  if (data.length === 0) return '<p>No findings in the period.</p>';
  const W = 640;
  const H = 160;
  const max = Math.max(1, ...data.map((d) => d.findings));
  const bw = Math.max(4, Math.floor((W - 40) / data.length) - 4);
  const bars = data
    .map((d, i) => {
      const h = Math.round(((H - 40) * d.findings) / max);
      const x = 30 + i * (bw + 4);
      return `<rect x="${x}" y="${H - 20 - h}" width="${bw}" height="${h}" fill="#1d3557"><title>${esc(d.day)}: ${d.findings}</title></rect>` +
        (data.length <= 14 ? `<text x="${x + bw / 2}" y="${H - 6}" font-size="9" text-anchor="middle">${esc(d.day.slice(5))}</text>` : '');
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="Card numbers found per day"><line x1="28" y1="${H - 20}" x2="${W}" y2="${H - 20}" stroke="#999"/><text x="0" y="14" font-size="10">${max}</text>${bars}</svg>`;
}

export function renderHtml(rows: ReportRow[], period: ReportPeriod, generatedAt = new Date()): string {
  const cols = rows.map(columns);
  const count = (f: (c: ReportColumns) => boolean) => cols.filter(f).length;
  const summary = [
    `${rows.length} requests`,
    `${findingsPerDay(rows).reduce((n, d) => n + d.findings, 0)} card numbers found`,
    `${count((c) => c.redactedAt !== NONE || /^redacted/.test(c.outcome))} redacted`,
    `${count((c) => c.verification === 'residual' || c.verification === 'failed' || c.outcome === 'verification_failed')} not verified clean`,
    `${count((c) => c.outcome.startsWith('open'))} open`,
  ];
  const head = KEYS.map((k) => `<th>${esc(HEADERS[k])}</th>`).join('');
  const body = cols.map((c) => `<tr>${KEYS.map((k) => `<td>${esc(c[k])}</td>`).join('')}</tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Card data redaction evidence</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top;font-size:12px}th{background:#f0f0f0}caption{text-align:left;margin:.5em 0}</style>
</head><body>
<h1>Card data redaction evidence</h1>
<p>Period ${esc(period.since.toISOString())} – ${esc(period.until.toISOString())}${period.taskQueue ? `, task queue ${esc(period.taskQueue)}` : ''}. Generated ${esc(generatedAt.toISOString())} from Temporal (visibility and each request's status), never from ticket text: card numbers appear only as their last 4 digits.</p>
<p>PCI DSS 12.5.2: where account data was found (column "where found"). 12.10.7: what was done when a PAN was found where it should not be (claim, redaction, verification, residuals with their manual step).</p>
<p><strong>${summary.map(esc).join(' · ')}</strong></p>
<h2>Findings per day</h2>
${chart(rows)}
<h2>Requests</h2>
<table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>
<p>"—": not recorded for this request.</p>
</body></html>
`;
}
