import type { Entry } from '../entry.js';
import { levelName } from '../record/levels.js';
import { walk, type LogRecord } from '../record/record.js';
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


const same = (s: string): string => s;

/** What keeps text from standing bare as a value: whitespace, `=`, `"` or a backslash. */
const NOT_BARE = /[\s="\\]/;

/**
 * Whether text can stand bare as a value (`^[^\s="\\]+$`): not empty and none of NOT_BARE.
 * Searching for the first character that forbids it is faster than matching the whole text
 * (measured: 22 ns against 28 ns a value, a char-code loop 35-50 ns).
 */
export function isBare(s: string): boolean {
  return s !== '' && !NOT_BARE.test(s);
}

/** Text as a key=value value: bare when it can be, else JSON-quoted. */
const quoteText = (s: string): string => (isBare(s) ? s : JSON.stringify(s));

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

  const lastKeys: string[] = [];
  const lastLabels: string[] = [];
  let lastGelf = false;

  function extras(rec: LogRecord, stackKey: string | undefined): string {
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
    // Canonical fields the line itself shows; their source keys are not repeated as key=value. txnId is.
    const time = rec.sourceOf('time');
    const level = rec.sourceOf('level');
    const message = rec.sourceOf('message');
    const facility = rec.sourceOf('facility');
    const host = rec.sourceOf('host');
    const o = rec.obj;
    const gelf = Object.hasOwn(o, 'short_message');
    const keys = Object.keys(o);
    // Records mostly come in a few shapes: the previous record's labels, by position, spare the map.
    if (gelf !== lastGelf) {
      lastKeys.length = 0;
      lastGelf = gelf;
    }
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (key === time || key === level || key === message || key === facility || key === host || key === stackKey || isFormatKey(rec, key)) continue;
      const v = o[key];
      if (v === null && key === 'full_message') continue;
      let label: string;
      if (lastKeys[i] === key) label = lastLabels[i]!;
      else {
        label = keyLabel(key, gelf);
        lastKeys[i] = key;
        lastLabels[i] = label;
      }
      out += label + esc(quoted(v));
    }
    return out;
  }

  // Each input's label as shown, made once per label (labels may be filled in after this, as remote hosts answer).
  const labelText: string[] = [];
  const labelShown: string[] = [];
  function inputLabel(input: number): string {
    const text = opts.labels![input] ?? '';
    if (labelText[input] !== text) {
      labelText[input] = text;
      labelShown[input] = `${t.label(escapeControl(text))}: `;
    }
    return labelShown[input]!;
  }

  return {
    render(entry: Entry): string | Buffer {
      // Lines of printable text, no record among them, taken together by the reader: as they are.
      if (entry.plainRun) return entry.block.subarray(entry.start, entry.next);
      const label = opts.labels ? inputLabel(entry.input) : '';
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
      let head = '';
      let last = '';
      let parts = 0;
      if (time !== undefined) {
        head = last = t.time(rec.isoTime !== undefined && opts.zone === undefined ? rec.isoTime : formatTime(time, opts.zone));
        parts++;
      }
      if (level !== undefined || time !== undefined) head += (parts++ ? ' ' : '') + (last = level !== undefined ? levelLabels[level]! : noLevel);
      if (facility !== undefined) head += (parts++ ? ' ' : '') + (last = t.facility(`[${esc(String(facility))}]`));
      if (host !== undefined) head += (parts++ ? ' ' : '') + (last = `${t.host(esc(String(host)))}:`);
      if (message !== '') head += (parts++ ? ' ' : '') + (last = esc(message));
      // The head loses trailing blanks; asked of its last part, so the whole head is not flattened for it.
      const end = last.charCodeAt(last.length - 1);
      if (!(end > 0x20 && end < 0x80)) head = head.trimEnd();
      const stack = block(rec, message);
      const more = extras(rec, stack?.path[0]);
      let line = label + head + (parts ? more : more.slice(1)) + '\n';
      if (stack) {
        for (const l of stack.text.replace(/\r?\n$/, '').split('\n')) line += `    ${escapeControlKeepTabs(l.replace(/\r$/, ''))}\n`;
      }
      return line;
    },
  };
}
