/**
 * Times are epoch milliseconds (fractions keep microseconds). Log content and user input use the
 * same readers; zone-less times are UTC unless the caller says local.
 */

/** The largest distance from the epoch a Date can hold, in ms (about 273,790 years). */
export const MAX_DATE_MS = 8.64e15;

/** A time a Date can hold, else undefined: an impossible time is no time. */
export function validTime(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
}

/** An epoch number read by its magnitude: ns above 1e17, µs above 1e14, ms above 1e11, else seconds. */
export function epochToMs(n: number): number {
  const a = Math.abs(n);
  if (a > 1e17) return n / 1e6;
  if (a > 1e14) return n / 1000;
  if (a > 1e11) return n;
  return n * 1000;
}

/**
 * A date without a year (a syslog header, `Dec 26 09:14:46`, UTC) in the latest year that puts it
 * at or before `now`: never in the future. Feb 29 goes back to the last leap year; a day no
 * month has (`Feb 30`) is undefined.
 */
export function yearlessTime(month: number, day: number, h: number, mi: number, s: number, now: number): number | undefined {
  const year = new Date(now).getUTCFullYear();
  for (let y = year; y >= year - 8; y--) {
    const t = calendarTime(false, y, month, day, h, mi, s);
    if (t !== undefined && t <= now) return t;
  }
  return undefined;
}

/** 400 Gregorian years, in ms: the calendar repeats after them. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

/**
 * Date.UTC, or the local equivalent, with years 0-99 as written (Date.UTC reads them as 1900-1999).
 * Undefined when the fields are no real date (`2011-02-30`).
 */
export function calendarTime(local: boolean, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number | undefined {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60 || (h === 24 && (mi > 0 || s > 0))) return undefined;
  // Shifted by 400 years and back, so the two-digit-year rule never applies.
  const shift = y >= 0 && y < 100 ? 400 : 0;
  const ms = local ? new Date(y + shift, mo, d, h, mi, s).getTime() : Date.UTC(y + shift, mo, d, h, mi, s);
  // A day past the month's end rolls over into the next month: that date does not exist.
  const check = new Date(Date.UTC(y + shift, mo, d));
  if (check.getUTCMonth() !== mo) return undefined;
  return Number.isNaN(ms) ? undefined : ms - (local ? localShift(y, shift) : shift * FOUR_CENTURIES_MS / 400);
}

/** What the 400-year shift moved a local time by (zone rules of year 0-99 are those of now, as Date has them). */
function localShift(y: number, shift: number): number {
  if (shift === 0) return 0;
  const a = new Date(y + shift, 0, 1).getTime();
  const b = new Date(2000, 0, 1);
  b.setFullYear(y, 0, 1);
  return a - b.getTime();
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T _](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/** A digit's value, or a negative sum for anything else: a field with a non-digit adds up below zero. */
function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -100_000;
}

function daysInMonth(y: number, mo: number): number {
  return mo === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (month 1-12), as Date.UTC counts them. */
function civilDays(y: number, mo: number, d: number): number {
  const ya = mo <= 2 ? y - 1 : y;
  const era = Math.floor(ya / 400);
  const yoe = ya - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.mmmZ` exactly (what toISOString writes) as epoch ms, computed from its
 * digits without Date; undefined for any other text or a field out of range (`2011-02-30`,
 * hour 24, second 60), which the general reader then judges.
 */
export function isoUtcMs(s: string): number | undefined {
  if (s.length !== 24 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58
    || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return undefined;
  const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
  const mo = digit(s, 5) * 10 + digit(s, 6);
  const d = digit(s, 8) * 10 + digit(s, 9);
  const h = digit(s, 11) * 10 + digit(s, 12);
  const mi = digit(s, 14) * 10 + digit(s, 15);
  const sec = digit(s, 17) * 10 + digit(s, 18);
  const ms = digit(s, 20) * 100 + digit(s, 21) * 10 + digit(s, 22);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 || ms < 0) return undefined;
  if (d > daysInMonth(y, mo)) return undefined;
  return civilDays(y, mo, d) * 86_400_000 + ((h * 60 + mi) * 60 + sec) * 1000 + ms;
}

/**
 * An ISO 8601 / RFC 3339 date-time, full or partial (`2011-12-26`, `2011-12-26 09:14`,
 * `2011-12-26_09:14:46.123456`). Without a zone it is UTC, or local when `local` is set.
 */
export function parseIsoTime(s: string, local = false): number | undefined {
  // The shape most loggers write (toISOString), read from its digits.
  if (s.length === 24) {
    const t = isoUtcMs(s);
    if (t !== undefined) return t;
  }
  const m = ISO.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
  const fracMs = frac ? Number(`0.${frac}`) * 1000 : 0;
  let ms = calendarTime(zone === undefined && local, Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
  if (ms === undefined) return undefined;
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || '0');
    // Real offsets run from -12:00 to +14:00; anything past ±14:00 is no zone at all.
    if (minutes > 59 || hours * 60 + minutes > 14 * 60) return undefined;
    ms -= sign * (hours * 60 + minutes) * 60_000;
  }
  return validTime(ms + fracMs);
}

/** A time field's value as written by a logger: epoch number (any magnitude), numeric string or date string. */
export function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number') return validTime(epochToMs(value));
  if (typeof value !== 'string' || value === '') return undefined;
  // The shape most loggers write, before the number test its leading digits would run.
  if (value.length === 24) {
    const t = isoUtcMs(value);
    if (t !== undefined) return t;
  }
  const c = value.charCodeAt(0);
  if (c >= 48 && c <= 57 && /^\d+(\.\d+)?$/.test(value)) return validTime(epochToMs(Number(value)));
  const iso = parseIsoTime(value);
  if (iso !== undefined) return iso;
  // An ISO time parseIsoTime refused (a day or an offset that does not exist) is no time.
  if (ISO.test(value)) return undefined;
  // Date.parse reads what else loggers write (`Mon, 26 Dec 2011 09:14:46 GMT`), but it rolls
  // 2011-02-30 over to March: a date that does not exist is no time.
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (day && calendarTime(false, Number(day[1]), Number(day[2]) - 1, Number(day[3])) === undefined) return undefined;
  return validTime(Date.parse(value));
}

const DURATION = /^(?:(\d+(?:\.\d+)?)(ms|s|m|h|d|w))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
const UNIT_MS: { readonly [unit: string]: number } = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function startOfDay(now: number, local: boolean): number {
  const d = new Date(now);
  return local ? new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime()
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

const UNIT_WORDS: { readonly [word: string]: string } = {
  ms: 'ms', millisecond: 'ms', milliseconds: 'ms',
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
  m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  d: 'd', day: 'd', days: 'd', w: 'w', week: 'w', weeks: 'w',
};

/** `-2h` or `2 hours ago` (`1 hour 30 minutes ago`): that long before now. */
function parseAgo(lower: string, now: number): number | undefined {
  if (lower.startsWith('-') && DURATION.test(lower.slice(1))) return parseUserTime(lower.slice(1), now);
  const m = /^((?:\d+(?:\.\d+)?\s*[a-z]+\s*,?\s*(?:and\s+)?)+)ago$/.exec(lower);
  if (!m) return undefined;
  let ago = 0;
  for (const part of m[1]!.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/g)) {
    if (part[2] === 'and') continue;
    const unit = UNIT_WORDS[part[2]!];
    if (!unit) return undefined;
    ago += Number(part[1]) * UNIT_MS[unit]!;
  }
  return now - ago;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A syslog date, `Dec 26 09:05` or `Dec 26 09:05:30` or `Dec 26`: in the current year. */
function parseSyslogDate(lower: string, now: number, local: boolean): number | undefined {
  const m = /^([a-z]{3})[a-z]*\.?\s+(\d{1,2})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(lower);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[1]!);
  const day = Number(m[2]), h = Number(m[3] ?? 0), mi = Number(m[4] ?? 0), sec = Number(m[5] ?? 0);
  if (month < 0 || day < 1 || day > 31 || h > 23 || mi > 59 || sec > 59) return undefined;
  const year = local ? new Date(now).getFullYear() : new Date(now).getUTCFullYear();
  const d = local ? new Date(year, month, day, h, mi, sec) : new Date(Date.UTC(year, month, day, h, mi, sec));
  // Dec 32 and Feb 30 are not dates (Date would roll them over).
  if ((local ? d.getDate() : d.getUTCDate()) !== day) return undefined;
  return d.getTime();
}

/**
 * A TIME as the user writes it for --since, --until and in expressions: ISO full or partial,
 * a time of day (`09:14` = today), epoch seconds, a duration ago (`15m`, `1h30m`, `-2h`,
 * `2 hours ago`), a syslog date of this year (`Dec 26 09:05`), `now`, `today`, `yesterday`. Returns undefined when it is none of those.
 */
export function parseUserTime(text: string, now: number, local = false): number | undefined {
  const s = text.trim();
  const lower = s.toLowerCase();
  if (lower === 'now') return now;
  if (lower === 'today') return startOfDay(now, local);
  if (lower === 'yesterday') return startOfDay(now, local) - 86_400_000;
  if (/^\d+(\.\d+)?$/.test(s)) return epochToMs(Number(s));
  if (DURATION.test(lower)) {
    let ago = 0;
    for (const m of lower.matchAll(DURATION_PART)) ago += Number(m[1]) * UNIT_MS[m[2]!]!;
    return now - ago;
  }
  const tod = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?$/.exec(s);
  if (tod) {
    const day = startOfDay(now, local);
    const h = Number(tod[1]), mi = Number(tod[2]), sec = Number(tod[3] ?? 0);
    if (h > 23 || mi > 59 || sec > 60) return undefined;
    const frac = tod[4] ? Number(`0.${tod[4]}`) * 1000 : 0;
    if (local) {
      const d = new Date(day);
      return new Date(d.getFullYear(), d.getMonth(), d.getDate(), h, mi, sec).getTime() + frac;
    }
    return day + ((h * 60 + mi) * 60 + sec) * 1000 + frac;
  }
  const relative = parseAgo(lower, now) ?? parseSyslogDate(lower, now, local);
  if (relative !== undefined) return relative;
  return parseIsoTime(s, local);
}

/** `2011-12-26T09:14:46.123Z`, or in a zone (`+01:00`) when one is given. */
export function formatTime(ms: number, zone?: Intl.DateTimeFormat): string {
  // Never a raw number: a time no date can hold shows as nothing.
  if (validTime(ms) === undefined) return '';
  const whole = Math.floor(ms);
  if (!zone) return formatUtc(whole);
  return formatInZone(whole, zone);
}

// Consecutive records mostly fall in the same second: format the second once.
let lastSecond = NaN;
let lastPrefix = '';

function formatUtc(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    const d = new Date(second * 1000);
    if (Number.isNaN(d.getTime())) return String(ms);
    const iso = d.toISOString();
    // Years past 9999 or before 0 have a longer form; those are not cached.
    if (iso.length !== 24) return new Date(ms).toISOString();
    lastSecond = second;
    lastPrefix = iso.slice(0, 20);
  }
  const frac = ms - second * 1000;
  return `${lastPrefix}${frac < 10 ? '00' : frac < 100 ? '0' : ''}${frac}Z`;
}

/** A formatter for an IANA zone (or the local one when zone is undefined); throws RangeError on an unknown zone. */
export function zoneFormatter(zone: string | undefined): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

function formatInZone(ms: number, fmt: Intl.DateTimeFormat): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  const p: { [k: string]: string } = {};
  for (const part of fmt.formatToParts(d)) p[part.type] = part.value;
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  const offsetMin = Math.round((wall - (ms - (ms % 1000 + 1000) % 1000)) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const msPart = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}.${msPart}${off}`;
}
