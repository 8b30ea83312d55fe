import type { Entry } from '../entry.js';
import { levelName } from '../record/levels.js';
import { walk, type LogRecord } from '../record/record.js';
import type { CanonicalField } from '../record/shapes.js';
import { formatTime } from '../record/time.js';
import { escapeControl, escapeControlKeepTabs } from './escape.js';
import type { RenderOptions, Renderer } from './renderer.js';
import { columnText, valueText } from './values.js';

/** Multi-line text shown indented under the record, first present: where loggers put stacks. */
const BLOCK_FIELDS: readonly (readonly string[])[] = [
  ['full_message'], ['stack'], ['err', 'stack'], ['error', 'stack'], ['error', 'stack_trace'], ['exception'],
  ['exc_info'], ['@x'], ['stacktrace'], ['stack_trace'],
];

/** Keys that only say which format a line is in. */
function isFormatKey(rec: LogRecord, key: string): boolean {
  const o = rec.obj;
  return (key === 'version' && Object.hasOwn(o, 'short_message')) || (key === 'v' && Object.hasOwn(o, 'msg') && o.v === 0);
}

/** Canonical fields the line itself shows; their source keys are not repeated as key=value. txnId is. */
const SHOWN_IN_LINE: readonly CanonicalField[] = ['time', 'level', 'message', 'facility', 'host'];

const same = (s: string): string => s;

const BARE = /^[^\s="\\]+$/;

/** Text as a key=value value: bare when it can be, else JSON-quoted. */
const quoteText = (s: string): string => (BARE.test(s) ? s : JSON.stringify(s));

/** A raw value: strings quoted when needed, numbers, booleans and objects as they print. */
function quoted(v: unknown): string {
  return typeof v === 'string' ? quoteText(v) : valueText(v);
}

/**
 * How much of a line that is not a record human output shows (64 KiB): a 50 MB stack of binary junk,
 * escaped (`\x00` is four characters) and colored, took over a gigabyte to print. The rest is
 * counted, and -o raw has it whole.
 */
const SHOWN_BYTES = 64 * 1024;

function shownText(entry: Entry): string {
  const length = entry.end - entry.start;
  if (length <= SHOWN_BYTES) return entry.text();
  return `${entry.block.toString('utf8', entry.start, entry.start + SHOWN_BYTES)}… (${length - SHOWN_BYTES} more bytes of this line; -o raw shows it whole)`;
}

export function humanRenderer(opts: RenderOptions): Renderer {
  const t = opts.theme;
  const levelLabels = Array.from({ length: 9 }, (_, i) => t.level[i]!(levelName(i).padEnd(5)));
  const noLevel = ' '.repeat(5);

  // ` key=` as shown, escaped and colored once per key rather than once per record.
  const labels = [new Map<string, string>(), new Map<string, string>()];
  function keyLabel(key: string, gelf: boolean): string {
    const seen = labels[gelf ? 1 : 0]!;
    let label = seen.get(key);
    if (label === undefined) {
      const name = gelf && key.length > 1 && key[0] === '_' ? key.slice(1) : key;
      label = ` ${t.key(`${escapeControl(name)}=`)}`;
      // Keys are few in practice; a log with endless distinct keys must not grow this forever.
      if (seen.size < 4096) seen.set(key, label);
    }
    return label;
  }

  function block(rec: LogRecord, message: string): { path: readonly string[]; text: string } | undefined {
    for (const path of BLOCK_FIELDS) {
      if (!Object.hasOwn(rec.obj, path[0]!)) continue;
      const v = walk(rec.obj, path);
      if (typeof v === 'string' && v.includes('\n')) return { path, text: v };
      if (path[0] === 'full_message' && typeof v === 'string' && v !== '' && v !== message) return { path, text: v };
    }
    return undefined;
  }

  function extras(rec: LogRecord, skipTop: readonly (string | null)[]): string {
    const esc = rec.plain ? same : escapeControl;
    let out = '';
    if (opts.fields) {
      for (const f of opts.fields) {
        if (rec.field(f.path) === undefined) continue;
        const text = columnText(rec, f, opts.zone);
        out += ` ${t.key(`${escapeControl(f.name)}=`)}${escapeControl(quoteText(text))}`;
      }
      return out;
    }
    const gelf = Object.hasOwn(rec.obj, 'short_message');
    for (const key of Object.keys(rec.obj)) {
      if (skipTop.includes(key) || isFormatKey(rec, key)) continue;
      const v = rec.obj[key];
      if (v === null && key === 'full_message') continue;
      out += keyLabel(key, gelf) + esc(quoted(v));
    }
    return out;
  }

  return {
    render(entry: Entry): string | Buffer {
      // Lines of printable text, no record among them, taken together by the reader: as they are.
      if (entry.plainRun) return entry.block.subarray(entry.start, entry.next);
      const label = opts.labels ? `${t.label(escapeControl(opts.labels[entry.input] ?? ''))}: ` : '';
      const rec = entry.record;
      if (!rec) return `${label}${t.dim(escapeControl(shownText(entry)))}\n`;
      const time = rec.time;
      const level = rec.level;
      const facility = rec.canonical('facility');
      const host = rec.canonical('host');
      const text = valueText(rec.canonical('message'));
      const message = text.endsWith('\n') ? text.replace(/\r?\n$/, '') : text;
      const esc = rec.plain ? same : escapeControl;
      // TIME LEVEL [facility] host: message — a missing part leaves no stray space, except that
      // a record with a time keeps the level column so lines stay aligned.
      const head: string[] = [];
      if (time !== undefined) head.push(t.time(formatTime(time, opts.zone)));
      if (level !== undefined) head.push(levelLabels[level]!);
      else if (time !== undefined) head.push(noLevel);
      if (facility !== undefined) head.push(t.facility(`[${esc(String(facility))}]`));
      if (host !== undefined) head.push(`${t.host(esc(String(host)))}:`);
      if (message !== '') head.push(esc(message));
      let line = label + head.join(' ').trimEnd();
      const stack = block(rec, message);
      const skip = SHOWN_IN_LINE.map((f) => rec.sourceOf(f));
      if (stack) skip.push(stack.path[0]!);
      const more = extras(rec, skip);
      line += head.length ? more : more.slice(1);
      line += '\n';
      if (stack) {
        for (const l of stack.text.replace(/\r?\n$/, '').split('\n')) line += `    ${escapeControlKeepTabs(l.replace(/\r$/, ''))}\n`;
      }
      return line;
    },
  };
}
