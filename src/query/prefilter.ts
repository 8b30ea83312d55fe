import { findPrefix } from '../input/prefix.js';
import { levelOf } from '../record/levels.js';
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
      return e.operand.kind === 'string' ? reqFromStrings([e.operand.value]) : undefined;
    case 'compare': {
      if (!TEXT_OPS.has(e.op) || !isPlainField(e.left)) return undefined;
      const strs = stringsOf(e.right);
      if (!strs || (e.op === 'in') !== (e.right.kind === 'list')) return undefined;
      return reqFromStrings(strs);
    }
    default: return undefined;
  }
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

/**
 * The value of the top-level `"level"` key read from the bytes, or undefined when unsure: the key
 * absent or repeated, nested, any `\u` escape in the line, or a value that is not a plain number
 * or escape-free string. Only ever used to reject, never to accept.
 */
export function peekLevel(buf: Buffer, start: number, end: number): number | undefined {
  const rel = buf.subarray(start, end).indexOf(LEVEL_KEY);
  if (rel < 0) return undefined;
  const at = start + rel;
  if (hasBytes(buf, LEVEL_KEY, at + 1, end) || hasBytes(buf, BACKSLASH_U, start, end)) return undefined;
  let i = start;
  if (buf[i] !== 0x7b) {
    const p = findPrefix(buf, start, end);
    if (!p) return undefined;
    i = p.jsonStart;
  }
  let depth = 0;
  let inString = false;
  for (; i < at; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  if (inString || depth !== 1 || i !== at) return undefined;
  i = at + LEVEL_KEY.length;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  if (buf[i] !== 0x3a) return undefined;
  i++;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  const valueStart = i;
  if (buf[i] === 0x22) {
    const close = buf.indexOf(0x22, i + 1);
    if (close < 0 || close >= end || close - i > 16) return undefined;
    const s = buf.toString('latin1', i + 1, close);
    if (s.includes('\\')) return undefined;
    return levelOf(s);
  }
  while (i < end && ((buf[i]! >= 0x30 && buf[i]! <= 0x39) || buf[i] === 0x2e || buf[i] === 0x2d)) i++;
  if (i === valueStart || i - valueStart > 10) return undefined;
  const after = buf[i];
  if (after !== 0x2c && after !== 0x7d && after !== 0x20) return undefined;
  return levelOf(Number(buf.toString('latin1', valueStart, i)));
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
        return (b, s, x) => {
          const got = peekLevel(b, s, x);
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
