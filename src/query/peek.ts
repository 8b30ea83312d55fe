import { searchFor, type Search } from '../input/find.js';
import { findPrefix } from '../input/prefix.js';
import { levelOf } from '../record/levels.js';
import { timeOf } from '../record/time.js';

/**
 * The canonical `level` and `time`, and plain fields, read from a line's bytes without parsing
 * it, or "unsure". A peek is only ever used to reject a line, so it must give exactly what
 * parsing would, or nothing: the key repeated, possibly nested, spelled with a `\u` escape, a
 * value it cannot read plainly, or a docker `log` line (whose record is the inner object) all
 * make it unsure. Lines of one block must be asked in order: the searches run ahead across the
 * block once.
 */

const QUOTE = 0x22, COMMA = 0x2c, COLON = 0x3a, OPEN = 0x7b, CLOSE = 0x7d, BRACKET = 0x5b, BACKSLASH = 0x5c;
const isBlank = (c: number | undefined): boolean => c === 0x20 || c === 0x09;

/**
 * The next hit of a search at or after `from`, remembered so a block is searched once, not
 * once per line: lines are asked in order, and a hit (or none) past `from` still answers.
 */
class NextHit {
  private buf: Buffer | undefined;
  private searchedFrom = 0;
  private at = -1;
  private constructor(private readonly search: Search) {}

  /** A byte, or a needle found by its rarest byte. */
  static of(needle: Buffer | number): NextHit {
    return new NextHit(searchFor(typeof needle === 'number' ? Buffer.from([needle]) : needle));
  }

  find(buf: Buffer, from: number): number {
    const valid = buf === this.buf && this.searchedFrom <= from && (this.at === -1 || this.at >= from);
    if (!valid) {
      this.buf = buf;
      this.searchedFrom = from;
      this.at = this.search(buf, from);
    }
    return this.at;
  }

  /** Whether there is a hit in [start, end). */
  within(buf: Buffer, start: number, end: number): boolean {
    const at = this.find(buf, start);
    return at >= 0 && at < end;
  }
}

/** A key's occurrences: `"name"`, found by its rarest byte. */
function keyHits(name: string): NextHit {
  return NextHit.of(Buffer.from(`"${name}"`));
}

/** A key to peek at: where `"name"` occurs, and how long that is. */
interface Key {
  readonly hits: NextHit;
  readonly length: number;
}

const keyOf = (name: string): Key => ({ hits: keyHits(name), length: name.length + 2 });

/** The key is nowhere in the line: the record does not have it. */
const ABSENT = -1;
/** The key may be there, or not at the top level, or more than once. */
const UNSURE = -2;

/** What the peekers share: the block-wide searches that say a line cannot be read plainly. */
class LineBytes {
  private readonly escape = NextHit.of(Buffer.from('\\u'));
  private readonly open = NextHit.of(OPEN);
  private readonly bracket = NextHit.of(BRACKET);

  /**
   * Where the object starts, or -1 when the line has a `\u` escape, may be a docker json-file
   * line (whose record is the object in its `log` string), or has no object. A `log` string that
   * holds an object starts with `{`, and JSON spells that `"{` or `"\u007b`: so a line is looked
   * at plainly when no `{` in it follows a quote (its braces are found for the key's depth check
   * anyway) and it has no `\u`.
   */
  private objectStart(buf: Buffer, start: number, end: number): number {
    if (this.escape.within(buf, start, end)) return -1;
    const obj = buf[start] === OPEN ? start : findPrefix(buf, start, end)?.jsonStart ?? -1;
    if (obj < 0) return -1;
    for (let q = this.open.find(buf, obj + 1); q >= 0 && q < end; q = buf.indexOf(OPEN, q + 1)) if (buf[q - 1] === QUOTE) return -1;
    return obj;
  }


  /**
   * Where the value of the first of `keys` that the line has starts (past the colon): ABSENT
   * when it has none of them, UNSURE when the line or the key cannot be read plainly.
   */
  firstValue(keys: readonly Key[], buf: Buffer, start: number, end: number): number {
    const obj = this.objectStart(buf, start, end);
    if (obj < 0) return UNSURE;
    for (const key of keys) {
      const i = this.valueOf(key, buf, obj, end);
      if (i !== ABSENT) return i;
    }
    return ABSENT;
  }

  /**
   * Where the value of `key` starts (past the colon) in the line whose object starts at `obj`:
   * ABSENT or UNSURE otherwise. A `"` inside a JSON string is always escaped, so a quote right
   * after `{` or `,` is structural; with no `{` or `[` between the object's start and the key,
   * the key is at depth 1.
   */
  private valueOf(key: Key, buf: Buffer, obj: number, end: number): number {
    const at = key.hits.find(buf, obj);
    if (at < 0 || at >= end) return ABSENT;
    const again = key.hits.find(buf, at + 1);
    if (again >= 0 && again < end) return UNSURE;
    let before = at - 1;
    while (before > obj && isBlank(buf[before])) before--;
    if (buf[before] !== COMMA && before !== obj) return UNSURE;
    if (this.open.within(buf, obj + 1, at) || this.bracket.within(buf, obj + 1, at)) return UNSURE;
    let i = at + key.length;
    while (i < end && isBlank(buf[i])) i++;
    if (buf[i] !== COLON) return UNSURE;
    i++;
    while (i < end && isBlank(buf[i])) i++;
    return i;
  }
}

/** The end of an escape-free string value starting at the quote at `i` (its closing quote), or -1. */
function stringEnd(buf: Buffer, i: number, end: number, max: number): number {
  let close = i + 1;
  while (close < end && close - i <= max && buf[close] !== QUOTE) {
    if (buf[close] === BACKSLASH) return -1;
    close++;
  }
  return buf[close] === QUOTE && close < end ? close : -1;
}

/** Whether the byte after a number ends it as JSON allows in an object. */
const endsValue = (c: number | undefined): boolean => c === COMMA || c === CLOSE || isBlank(c);

/** The canonical `level`: read from the top-level `"level"`, the first of its keys. */
export class LevelPeeker {
  private readonly line = new LineBytes();
  private readonly keys = [keyOf('level')];

  peek(buf: Buffer, start: number, end: number): number | undefined {
    const i = this.line.firstValue(this.keys, buf, start, end);
    if (i < 0) return undefined;
    if (buf[i] === QUOTE) {
      const close = stringEnd(buf, i, end, 16);
      return close < 0 ? undefined : levelOf(buf.toString('latin1', i + 1, close));
    }
    let n = 0;
    let j = i;
    while (j < end && buf[j]! >= 0x30 && buf[j]! <= 0x39 && j - i < 10) n = n * 10 + buf[j++]! - 0x30;
    if (j === i || !endsValue(buf[j])) return undefined;
    return levelOf(n);
  }
}

/**
 * The canonical `time`: from `"timestamp"` (the first of its keys) when the line has it, else
 * from `"time"` when the line has no `"timestamp"` at all. Numbers (epoch, any magnitude) and
 * escape-free strings are read by the same timeOf that reads a parsed record.
 */
export class TimePeeker {
  private readonly line = new LineBytes();
  private readonly keys = [keyOf('timestamp'), keyOf('time')];

  peek(buf: Buffer, start: number, end: number): number | undefined {
    const i = this.line.firstValue(this.keys, buf, start, end);
    return i < 0 ? undefined : readTime(buf, i, end);
  }
}

function readTime(buf: Buffer, i: number, end: number): number | undefined {
  if (buf[i] === QUOTE) {
    const close = stringEnd(buf, i, end, 64);
    return close < 0 ? undefined : timeOf(buf.toString('utf8', i + 1, close));
  }
  const n = readNumber(buf, i, end);
  return n === undefined ? undefined : timeOf(n);
}

/**
 * A JSON number as JSON.parse reads it. `123.456` with at most 15 digits is read as
 * 123456 / 1000: both exact, and one division rounds as a correct parse does; anything else
 * (exponents, more digits) goes through Number().
 */
function readNumber(buf: Buffer, i: number, end: number): number | undefined {
  let j = i;
  const negative = buf[j] === 0x2d;
  if (negative) j++;
  let digits = 0;
  let n = 0;
  let scale = 1;
  let dot = false;
  for (; j < end; j++) {
    const c = buf[j]!;
    if (c >= 0x30 && c <= 0x39) {
      n = n * 10 + (c - 0x30);
      digits++;
      if (dot) scale *= 10;
    } else if (c === 0x2e && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (digits === 0) return undefined;
  const c = buf[j];
  if (digits <= 15 && endsValue(c)) return (negative ? -n : n) / scale;
  if (c !== 0x65 && c !== 0x45 && c !== 0x2e && !(digits > 15 && endsValue(c))) return undefined;
  // An exponent or a long mantissa: the slow, exact way.
  while (j < end && !endsValue(buf[j])) j++;
  const v = Number(buf.toString('latin1', i, j));
  return Number.isNaN(v) ? undefined : v;
}

/** What FieldPeeker says when the bytes do not settle the value. */
export const UNSURE_VALUE: unique symbol = Symbol('unsure');

/**
 * A plain field `name` as the query language reads it (the key, else the GELF additional field
 * `_name`): a scalar, or undefined when neither key is in the line at all. Only for names JSON
 * writes as they are (no quote, backslash or control character).
 */
export class FieldPeeker {
  private readonly line = new LineBytes();
  private readonly keys: Key[];

  constructor(name: string) {
    this.keys = [keyOf(name), keyOf(`_${name}`)];
  }

  static canPeek(name: string): boolean {
    // eslint-disable-next-line no-control-regex
    return name !== '' && !/["\\\x00-\x1f]/.test(name);
  }

  peek(buf: Buffer, start: number, end: number): string | number | boolean | null | undefined | typeof UNSURE_VALUE {
    const i = this.line.firstValue(this.keys, buf, start, end);
    return i === ABSENT ? undefined : i === UNSURE ? UNSURE_VALUE : readScalar(buf, i, end);
  }
}

const LITERALS: readonly [Buffer, boolean | null][] = [[Buffer.from('true'), true], [Buffer.from('false'), false], [Buffer.from('null'), null]];

function readScalar(buf: Buffer, i: number, end: number): string | number | boolean | null | typeof UNSURE_VALUE {
  const c = buf[i];
  if (c === QUOTE) {
    const close = stringEnd(buf, i, end, 4096);
    return close < 0 ? UNSURE_VALUE : buf.toString('utf8', i + 1, close);
  }
  if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return readNumber(buf, i, end) ?? UNSURE_VALUE;
  for (const [word, value] of LITERALS) {
    if (i + word.length <= end && buf.compare(word, 0, word.length, i, i + word.length) === 0 && endsValue(buf[i + word.length])) return value;
  }
  return UNSURE_VALUE;
}

/** One-off forms of the peekers, for tests and single lines. */
export function peekLevel(buf: Buffer, start: number, end: number): number | undefined {
  return new LevelPeeker().peek(buf, start, end);
}

export function peekTime(buf: Buffer, start: number, end: number): number | undefined {
  return new TimePeeker().peek(buf, start, end);
}

export function peekField(name: string, buf: Buffer, start: number, end: number): ReturnType<FieldPeeker['peek']> {
  return new FieldPeeker(name).peek(buf, start, end);
}
