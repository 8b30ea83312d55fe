import { parseIsoTime, yearlessTime } from '../record/time.js';

/** Where the JSON object starts in a line, and the time its prefix carries (epoch ms), if any. */
export interface Prefix {
  readonly jsonStart: number;
  readonly time: number | undefined;
}

const OPEN_BRACE = 0x7b;
const TAI64N = /^@(4[0-9a-f]{15})([0-9a-f]{8})[ \t]+$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2}[T_ ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)[ \t]+(?:(?:stdout|stderr)[ \t]+[FP][ \t]+)?$/;
const SYSLOG = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) \S+ [^:]*: ?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The longest prefix we look at; a longer run before `{` is not one of ours. */
const MAX_PREFIX = 160;

/** TAI64N label to epoch ms: the label is 2^62 + TAI seconds, and TAI runs 10 s ahead of the daemontools epoch. */
function tai64nToMs(secHex: string, nanoHex: string): number {
  const secs = parseInt(secHex.slice(1), 16) - 10;
  return secs * 1000 + parseInt(nanoHex, 16) / 1e6;
}

function syslogToMs(m: RegExpExecArray, now: number): number | undefined {
  const month = MONTHS.indexOf(m[1]!);
  if (month < 0) return undefined;
  // A syslog header has no year: the latest that does not put it in the future.
  return yearlessTime(month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), now);
}

/**
 * Finds the JSON object after a known prefix (svlogd TAI64N or -tt/-ttt, RFC 3339 as docker and
 * kubectl write it, a syslog header). A line starting with `{` has none; a line whose text before
 * the first `{` is none of those is not a record.
 */
export function findPrefix(buf: Buffer, start: number, end: number, now = Date.now()): Prefix | undefined {
  if (buf[start] === OPEN_BRACE) return { jsonStart: start, time: undefined };
  // A byte-order mark and blanks before the object are no prefix (jq reads such lines too).
  let i = start;
  if (buf[i] === 0xef && buf[i + 1] === 0xbb && buf[i + 2] === 0xbf) i += 3;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  if (buf[i] === OPEN_BRACE && i < end) return { jsonStart: i, time: undefined };
  // Searched within the line's first bytes only: an indexOf from here would run on to the end of
  // the block for every line without a brace (2-byte lines ran at 6 MB/s).
  const limit = Math.min(end, start + MAX_PREFIX);
  let brace = i;
  while (brace < limit && buf[brace] !== OPEN_BRACE) brace++;
  if (brace >= limit) return undefined;
  const text = buf.toString('latin1', start, brace);
  let m: RegExpExecArray | null;
  if ((m = TAI64N.exec(text))) return { jsonStart: brace, time: tai64nToMs(m[1]!, m[2]!) };
  if ((m = DATE_TIME.exec(text))) return { jsonStart: brace, time: parseIsoTime(m[1]!) };
  if ((m = SYSLOG.exec(text))) return { jsonStart: brace, time: syslogToMs(m, now) };
  return undefined;
}
