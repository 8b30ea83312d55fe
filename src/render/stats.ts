import { LEVEL_NAMES } from '../record/levels.js';
import { MAX_DATE_MS, formatTime } from '../record/time.js';
import type { Summary, ValueCounts } from '../stats.js';
import { escapeControl, escapeJsonText } from './escape.js';
import type { RenderOptions } from './renderer.js';

const BLOCKS = ' ▁▂▃▄▅▆▇█';

function duration(ms: number): string {
  if (ms < 1e3) return `${ms}ms`;
  if (ms < 60e3) return `${ms / 1e3}s`;
  if (ms < 3600e3) return `${ms / 60e3}m`;
  if (ms < 86400e3) return `${ms / 3600e3}h`;
  const years = ms / (365 * 86400e3);
  return Number.isInteger(years) ? `${years}y` : `${ms / 86400e3}d`;
}

function byLevel(levels: Summary['levels']): [string, number][] {
  const order = [...LEVEL_NAMES, '-'] as readonly string[];
  return Object.entries(levels).sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
}

/** The summary as text for a terminal: tables of counts and a histogram drawn with block characters. */
export function renderStatsText(s: Summary, opts: RenderOptions): string {
  const t = opts.theme;
  const lines: string[] = [];
  const section = (title: string, rows: readonly [string, number][], more = 0, limit = 20) => {
    if (rows.length === 0) return;
    lines.push(t.bold(title));
    const shown = rows.slice(0, limit).map(([k, c]) => [escapeControl(k), String(c)] as const);
    const w = Math.max(...shown.map(([k]) => k.length));
    const cw = Math.max(...shown.map(([, c]) => c.length));
    for (const [k, c] of shown) lines.push(`  ${k.padEnd(w)}  ${c.padStart(cw)}`);
    const others = rows.length - shown.length + more;
    if (others > 0) lines.push(`  … and ${others} more`);
    lines.push('');
  };
  const table = (title: string, v: ValueCounts) => section(title, v.rows, v.more);
  lines.push(`${t.bold('records')}  ${s.records}${s.invalid ? `  (${s.invalid} ${s.invalid === 1 ? 'line' : 'lines'} not JSON)` : ''}`);
  if (s.first !== undefined) {
    lines.push(`${t.bold('from')}     ${formatTime(s.first, opts.zone)}`);
    lines.push(`${t.bold('to')}       ${formatTime(s.last!, opts.zone)}`);
  }
  if (s.noTime > 0 && s.noTime < s.records) lines.push(`${t.bold('no time')}  ${s.noTime}`);
  lines.push('');
  section('levels', byLevel(s.levels));
  table('facilities', s.facilities);
  table('hosts', s.hosts);
  if (s.sshHosts) table('read on (-H)', s.sshHosts);
  table('top txnIds', s.txnIds);
  if (s.histogram.length > 0) {
    const max = Math.max(...s.histogram.map((b) => b.count));
    lines.push(`${t.bold('histogram')}  (${duration(s.bucketMs)} buckets, max ${max})`);
    const bar = s.histogram.map((b) => (b.count === 0 ? ' ' : BLOCKS[Math.max(1, Math.round((b.count / max) * 8))])).join('');
    lines.push(`  ${t.bar(bar)}`);
    lines.push(`  ${formatTime(s.histogram[0]!.start, opts.zone)} … ${formatTime(Math.min(s.histogram[s.histogram.length - 1]!.start + s.bucketMs, MAX_DATE_MS), opts.zone)}`);
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

/** The summary as one JSON object for scripts. */
export function renderStatsJson(s: Summary, opts: Pick<RenderOptions, 'terminal'>): string {
  const iso = (ms: number | undefined) => (ms === undefined ? null : formatTime(ms));
  const shown = opts.terminal ? escapeJsonText : (t: string) => t;
  return `${shown(JSON.stringify({
    records: s.records,
    invalid: s.invalid,
    levels: Object.fromEntries(byLevel(s.levels).map(([k, c]) => [k.toLowerCase(), c])),
    facilities: Object.fromEntries(s.facilities.rows),
    hosts: Object.fromEntries(s.hosts.rows),
    ...(s.sshHosts ? { sshHosts: Object.fromEntries(s.sshHosts.rows) } : {}),
    topTxnIds: s.txnIds.rows.map(([txnId, count]) => ({ txnId, count })),
    more: { facilities: s.facilities.more, hosts: s.hosts.more, txnIds: s.txnIds.more },
    noTime: s.noTime,
    first: iso(s.first),
    last: iso(s.last),
    bucketSeconds: s.bucketMs / 1000,
    histogram: s.histogram.map((b) => ({ start: iso(b.start), count: b.count })),
  }))}\n`;
}
