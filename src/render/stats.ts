import { LEVEL_NAMES } from '../record/levels.js';
import { formatTime } from '../record/time.js';
import type { Summary } from '../stats.js';
import { escapeControl } from './escape.js';
import type { RenderOptions } from './renderer.js';

const BLOCKS = ' ▁▂▃▄▅▆▇█';

function duration(ms: number): string {
  if (ms < 1e3) return `${ms}ms`;
  if (ms < 60e3) return `${ms / 1e3}s`;
  if (ms < 3600e3) return `${ms / 60e3}m`;
  if (ms < 86400e3) return `${ms / 3600e3}h`;
  return `${ms / 86400e3}d`;
}

function byLevel(levels: Summary['levels']): [string, number][] {
  const order = [...LEVEL_NAMES, '-'] as readonly string[];
  return Object.entries(levels).sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
}

/** The summary as text for a terminal: tables of counts and a histogram drawn with block characters. */
export function renderStatsText(s: Summary, opts: RenderOptions): string {
  const t = opts.theme;
  const lines: string[] = [];
  const section = (title: string, rows: [string, number][], limit = 20) => {
    if (rows.length === 0) return;
    lines.push(t.bold(title));
    const shown = rows.slice(0, limit);
    const w = Math.max(...shown.map(([k]) => k.length));
    const cw = Math.max(...shown.map(([, c]) => String(c).length));
    for (const [k, c] of shown) lines.push(`  ${escapeControl(k).padEnd(w)}  ${String(c).padStart(cw)}`);
    if (rows.length > limit) lines.push(`  … ${rows.length - limit} more`);
    lines.push('');
  };
  lines.push(`${t.bold('records')}  ${s.records}${s.invalid ? `  (${s.invalid} ${s.invalid === 1 ? 'line' : 'lines'} not JSON)` : ''}`);
  if (s.first !== undefined) {
    lines.push(`${t.bold('from')}     ${formatTime(s.first, opts.zone)}`);
    lines.push(`${t.bold('to')}       ${formatTime(s.last!, opts.zone)}`);
  }
  lines.push('');
  section('levels', byLevel(s.levels));
  section('facilities', Object.entries(s.facilities));
  section('hosts', Object.entries(s.hosts));
  if (s.sshHosts) section('read on (-H)', Object.entries(s.sshHosts));
  section('top txnIds', s.topTxnIds.map((x) => [x.txnId, x.count]));
  if (s.histogram.length > 0) {
    const max = Math.max(...s.histogram.map((b) => b.count));
    lines.push(`${t.bold('histogram')}  (${duration(s.bucketMs)} buckets, max ${max})`);
    const bar = s.histogram.map((b) => (b.count === 0 ? ' ' : BLOCKS[Math.max(1, Math.round((b.count / max) * 8))])).join('');
    lines.push(`  ${t.bar(bar)}`);
    lines.push(`  ${formatTime(s.histogram[0]!.start, opts.zone)} … ${formatTime(s.histogram[s.histogram.length - 1]!.start + s.bucketMs, opts.zone)}`);
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

/** The summary as one JSON object for scripts. */
export function renderStatsJson(s: Summary): string {
  const iso = (ms: number | undefined) => (ms === undefined ? null : formatTime(ms));
  return `${JSON.stringify({
    records: s.records,
    invalid: s.invalid,
    levels: Object.fromEntries(byLevel(s.levels).map(([k, c]) => [k.toLowerCase(), c])),
    facilities: s.facilities,
    hosts: s.hosts,
    ...(s.sshHosts ? { sshHosts: s.sshHosts } : {}),
    topTxnIds: s.topTxnIds,
    first: iso(s.first),
    last: iso(s.last),
    bucketSeconds: s.bucketMs / 1000,
    histogram: s.histogram.map((b) => ({ start: iso(b.start), count: b.count })),
  })}\n`;
}
