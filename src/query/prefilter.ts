import { findPrefix } from '../input/prefix.js';
import { levelOf } from '../record/levels.js';
import { requiredLiterals } from './regex-literal.js';
import type { CompareOp, Expr, Operand } from './ast.js';

/**
 * A sound byte-level test derived from a filter: false means the line cannot match, so it need
 * not be decoded or parsed; true means it must be parsed and tested. Lines that are not records
 * never match, so "cannot match" may be decided even for broken lines.
 */
export type LineTest = (buf: Buffer, start: number, end: number) => boolean;

export interface Prefilter {
  /** Every line that can match contains one of these byte strings (escape fallbacks included). */
  readonly needles: readonly Buffer[] | undefined;
  /** A finer test on each line that contains a needle (or on every line when there are none). */
  readonly test: LineTest | undefined;
}

const BACKSLASH_U = Buffer.from('\\u');
const ESCAPED_SLASH = Buffer.from('\\/');
const LEVEL_KEY = Buffer.from('"level"');
/**
 * Searched for instead of LEVEL_KEY, then the quote before it checked: Buffer.indexOf scans for
 * a needle's first byte, and in JSON a quote is everywhere (measured: 1M per-line searches,
 * 305 ms for `"level"`, 234 ms for `level"`).
 */
const LEVEL_TAIL = Buffer.from('level"');

/**
 * The literal every matching line must contain, or undefined when none can be relied on. JSON may
 * write any character as `\uXXXX` and `/` as `\/`, so the needles also include those escapes: a
 * line that spells the literal with them is still parsed. A literal that JSON must escape itself
 * (quote, backslash, control), or that could be a number's spelling, gives no needle.
 */
export function needlesFor(literal: string): Buffer[] | undefined {
  if (literal === '' || /["\\\x00-\x1f]/.test(literal) || /^[-+0-9.eE]*$/.test(literal)) return undefined;
  const needles = [Buffer.from(literal, 'utf8'), BACKSLASH_U];
  if (literal.includes('/')) needles.push(ESCAPED_SLASH);
  return needles;
}

type Requirement = { needles: Buffer[] } | undefined;

const TEXT_OPS: ReadonlySet<CompareOp> = new Set(['==', 'contains', 'startswith', 'endswith', 'in']);

function isPlainField(o: Operand): boolean {
  if (o.kind === 'jsonpath') return true;
  return o.kind === 'field' && !(o.path.length === 1 && (o.path[0] === 'time' || o.path[0] === 'level'));
}

function stringsOf(o: Operand): string[] | undefined {
  if (o.kind === 'string') return [o.value];
  if (o.kind === 'list') {
    const all = o.items.map((i) => (i.kind === 'string' ? i.value : undefined));
    return all.every((s) => s !== undefined) ? (all as string[]) : undefined;
  }
  return undefined;
}

function unionOf(reqs: Requirement[]): Requirement {
  if (reqs.some((r) => r === undefined)) return undefined;
  const seen = new Map<string, Buffer>();
  for (const r of reqs) for (const n of r!.needles) seen.set(n.toString('latin1'), n);
  return { needles: [...seen.values()] };
}

/** What every line matching `e` must contain. */
function requirement(e: Expr): Requirement {
  switch (e.kind) {
    case 'and': {
      // Any conjunct's requirement holds; prefer the one with the longest shortest needle.
      let best: Requirement;
      let bestScore = -1;
      for (const item of e.items) {
        const r = requirement(item);
        if (!r) continue;
        const score = Math.min(...r.needles.filter((n) => n !== BACKSLASH_U && n !== ESCAPED_SLASH).map((n) => n.length)) / r.needles.length;
        if (score > bestScore) { best = r; bestScore = score; }
      }
      return best;
    }
    case 'or': return unionOf(e.items.map(requirement));
    case 'lone':
      if (e.operand.kind === 'regex') return reqFromRegex(e.operand.source, e.operand.flags);
      return e.operand.kind === 'string' ? reqFromStrings([e.operand.value]) : undefined;
    case 'compare': {
      if (e.op === '~' && isPlainField(e.left)) {
        if (e.right.kind === 'regex') return reqFromRegex(e.right.source, e.right.flags);
        if (e.right.kind === 'string') return reqFromRegex(e.right.value, '');
        return undefined;
      }
      if (!TEXT_OPS.has(e.op) || !isPlainField(e.left)) return undefined;
      const strs = stringsOf(e.right);
      if (!strs || (e.op === 'in') !== (e.right.kind === 'list')) return undefined;
      return reqFromStrings(strs);
    }
    default: return undefined;
  }
}

/** A regex's required literals (one per top-level alternative) as needles. */
function reqFromRegex(source: string, flags: string): Requirement {
  const literals = requiredLiterals(source, flags);
  return literals ? reqFromStrings(literals) : undefined;
}

function reqFromStrings(strs: string[]): Requirement {
  return unionOf(strs.map((s) => {
    const n = needlesFor(s);
    return n ? { needles: n } : undefined;
  }));
}

/** Searches only inside [start, end): a search running on past the line would cost the rest of the block. */
const hasBytes = (buf: Buffer, needle: Buffer, start: number, end: number): boolean =>
  end - start >= needle.length && buf.subarray(start, end).indexOf(needle) >= 0;

/** The next index of `needle` at or after `from`, remembered so a block is searched once, not once per line. */
class NextHit {
  private buf: Buffer | undefined;
  private searchedFrom = 0;
  private at = -1;
  constructor(private readonly needle: Buffer | number) {}

  find(buf: Buffer, from: number): number {
    const valid = buf === this.buf && this.searchedFrom <= from && (this.at === -1 || this.at >= from);
    if (!valid) {
      this.buf = buf;
      this.searchedFrom = from;
      this.at = buf.indexOf(this.needle, from);
    }
    return this.at;
  }
}

/**
 * Reads the value of the top-level `"level"` key from a line's bytes, or says it is unsure: the
 * key absent or repeated, possibly nested, any `\u` escape in the line, or a value that is not a
 * plain number or escape-free string. Only ever used to reject, never to accept. Lines of one
 * block must be asked in order: the searches run ahead across the block once.
 */
export class LevelPeeker {
  private readonly tail = new NextHit(LEVEL_TAIL);
  private readonly escape = new NextHit(BACKSLASH_U);
  private readonly open = new NextHit(0x7b);
  private readonly bracket = new NextHit(0x5b);

  /** The next `"level"` at or after `from`, or -1. */
  private key(buf: Buffer, from: number): number {
    let p = this.tail.find(buf, from + 1);
    while (p >= 0 && buf[p - 1] !== 0x22) p = this.tail.find(buf, p + 1);
    return p < 0 ? -1 : p - 1;
  }

  peek(buf: Buffer, start: number, end: number): number | undefined {
    const at = this.key(buf, start);
    if (at < 0 || at + LEVEL_KEY.length > end) return undefined;
    const again = this.key(buf, at + 1);
    if (again >= 0 && again < end) return undefined;
    const esc = this.escape.find(buf, start);
    if (esc >= 0 && esc < end) return undefined;
    let i = start;
    if (buf[i] !== 0x7b) {
      const p = findPrefix(buf, start, end);
      if (!p) return undefined;
      i = p.jsonStart;
    }
    // A `"` inside a JSON string is always escaped, so a quote right after `{` or `,` is structural;
    // with no `{` or `[` between the object's start and the key, the key is at depth 1.
    let before = at - 1;
    while (before > i && (buf[before] === 0x20 || buf[before] === 0x09)) before--;
    if (buf[before] !== 0x2c && before !== i) return undefined;
    const open = this.open.find(buf, i + 1);
    if (open >= 0 && open < at) return undefined;
    const bracket = this.bracket.find(buf, i + 1);
    if (bracket >= 0 && bracket < at) return undefined;
    return readLevelValue(buf, at + LEVEL_KEY.length, end);
  }
}

function readLevelValue(buf: Buffer, from: number, end: number): number | undefined {
  let i = from;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  if (buf[i] !== 0x3a) return undefined;
  i++;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  const valueStart = i;
  if (buf[i] === 0x22) {
    let close = i + 1;
    while (close < end && close - i <= 16 && buf[close] !== 0x22) {
      if (buf[close] === 0x5c) return undefined;
      close++;
    }
    if (buf[close] !== 0x22 || close >= end) return undefined;
    return levelOf(buf.toString('latin1', i + 1, close));
  }
  let n = 0;
  while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39 && i - valueStart < 10) n = n * 10 + buf[i++]! - 0x30;
  if (i === valueStart) return undefined;
  const after = buf[i];
  if (after !== 0x2c && after !== 0x7d && after !== 0x20) return undefined;
  return levelOf(n);
}

/** One-off form of LevelPeeker.peek, for tests and single lines. */
export function peekLevel(buf: Buffer, start: number, end: number): number | undefined {
  return new LevelPeeker().peek(buf, start, end);
}

const ORDER_TESTS: { [op: string]: (a: number, b: number) => boolean } = {
  '==': (a, b) => a === b, '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
};

/** A per-line test, or undefined when the expression gives nothing cheaper than parsing. */
function lineTest(e: Expr): LineTest | undefined {
  switch (e.kind) {
    case 'and': {
      const tests = e.items.map(lineTest).filter((t): t is LineTest => t !== undefined);
      if (tests.length === 0) return undefined;
      return tests.length === 1 ? tests[0] : (b, s, x) => tests.every((t) => t(b, s, x));
    }
    case 'or': {
      const tests = e.items.map(lineTest);
      if (tests.some((t) => t === undefined)) return undefined;
      return (b, s, x) => tests.some((t) => t!(b, s, x));
    }
    case 'lone': {
      const req = requirement(e);
      return req ? needleTest(req.needles) : undefined;
    }
    case 'compare': {
      const left = e.left;
      if (left.kind === 'field' && left.path.length === 1 && left.path[0] === 'level') {
        const cmp = ORDER_TESTS[e.op];
        const right = e.right;
        const want = right.kind === 'number' ? levelOf(right.value)
          : right.kind === 'string' ? levelOf(right.value)
            : right.kind === 'field' && right.path.length === 1 ? levelOf(right.path[0]!) : undefined;
        if (!cmp || want === undefined) return undefined;
        const peeker = new LevelPeeker();
        return (b, s, x) => {
          const got = peeker.peek(b, s, x);
          return got === undefined || cmp(got, want);
        };
      }
      const req = requirement(e);
      return req ? needleTest(req.needles) : undefined;
    }
    default: return undefined;
  }
}

function needleTest(needles: readonly Buffer[]): LineTest {
  return (b, s, x) => needles.some((n) => hasBytes(b, n, s, x));
}

export function derivePrefilter(e: Expr | undefined): Prefilter {
  if (!e) return { needles: undefined, test: undefined };
  return { needles: requirement(e)?.needles, test: lineTest(e) };
}
