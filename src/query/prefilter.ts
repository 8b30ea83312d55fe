import { levelOf } from '../record/levels.js';
import { parseUserTime, timeOf } from '../record/time.js';
import { isCanonical } from '../record/shapes.js';
import { testFor, type Test } from './compile.js';
import { FieldPeeker, LevelPeeker, TimePeeker, UNSURE_VALUE } from './peek.js';
import { hitFinder } from './needles.js';
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

const ORDER_TESTS: { [op: string]: (a: number, b: number) => boolean } = {
  '==': (a, b) => a === b, '<': (a, b) => a < b, '<=': (a, b) => a <= b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
};

/** A per-line test, or undefined when the expression gives nothing cheaper than parsing. */
function lineTest(e: Expr, time: TimeContext | undefined): LineTest | undefined {
  switch (e.kind) {
    case 'and': {
      const tests = e.items.map((i) => lineTest(i, time)).filter((t): t is LineTest => t !== undefined);
      if (tests.length === 0) return undefined;
      return tests.length === 1 ? tests[0] : (b, s, x) => tests.every((t) => t(b, s, x));
    }
    case 'or': {
      const tests = e.items.map((i) => lineTest(i, time));
      if (tests.some((t) => t === undefined)) return undefined;
      // Alternatives that each only look for needles are one search for all of them.
      if (tests.every((t) => NEEDLES.has(t!))) return needleTest([...new Set(tests.flatMap((t) => NEEDLES.get(t!)!))]);
      return (b, s, x) => tests.some((t) => t!(b, s, x));
    }
    case 'lone': {
      const req = requirement(e);
      return req ? needleTest(req.needles) : undefined;
    }
    case 'compare': {
      const left = e.left;
      const cmp = ORDER_TESTS[e.op];
      const right = e.right;
      if (cmp && left.kind === 'field' && left.path.length === 1 && left.path[0] === 'level') {
        const want = right.kind === 'number' ? levelOf(right.value)
          : right.kind === 'string' ? levelOf(right.value)
            : right.kind === 'field' && right.path.length === 1 ? levelOf(right.path[0]!) : undefined;
        return want === undefined ? undefined : peekTest(new LevelPeeker(), cmp, want);
      }
      if (cmp && time && left.kind === 'field' && left.path.length === 1 && left.path[0] === 'time') {
        // The bound as the compiled filter reads it (relative times from the run's `now`).
        const want = right.kind === 'number' ? timeOf(right.value)
          : right.kind === 'string' ? parseUserTime(right.value, time.now, time.local) : undefined;
        return want === undefined ? undefined : peekTest(new TimePeeker(), cmp, want);
      }
      if (cmp && right.kind === 'number' && left.kind === 'field' && left.path.length === 1) {
        const name = left.path[0]!;
        if (!isCanonical(name) && FieldPeeker.canPeek(name)) return fieldTest(new FieldPeeker(name), testFor(e.op as '==' | '<' | '<=' | '>' | '>='), right.value);
      }
      const req = requirement(e);
      return req ? needleTest(req.needles) : undefined;
    }
    default: return undefined;
  }
}

/** Rejects a line whose peeked value fails the comparison; passes it when the peek is unsure. */
function peekTest(peeker: { peek(buf: Buffer, start: number, end: number): number | undefined }, cmp: (a: number, b: number) => boolean, want: number): LineTest {
  return (b, s, x) => {
    const got = peeker.peek(b, s, x);
    return got === undefined || cmp(got, want);
  };
}

/**
 * `field op number`: a line whose field is read from its bytes and fails the test the compiled
 * filter would apply, or that has no such field at all, is rejected.
 */
function fieldTest(peeker: FieldPeeker, test: Test, want: number): LineTest {
  return (b, s, x) => {
    const got = peeker.peek(b, s, x);
    return got === UNSURE_VALUE || (got !== undefined && test(got, want));
  };
}

/** The needles of each test made by needleTest, so that alternatives can be merged into one. */
const NEEDLES = new WeakMap<LineTest, readonly Buffer[]>();

function needleTest(needles: readonly Buffer[]): LineTest {
  const test: LineTest = needles.length > 1 ? (b, s, x) => hitFinder(b.subarray(s, x), needles).next(0) >= 0
    : (b, s, x) => hasBytes(b, needles[0]!, s, x);
  NEEDLES.set(test, needles);
  return test;
}

/** How the filter reads times given as text: without it, time comparisons get no test. */
export interface TimeContext {
  readonly now: number;
  readonly local: boolean;
}

/** Each filter's prefilter, made once: the run asks whether to use threads, then reads with it. */
const derived = new WeakMap<Expr, { time: TimeContext | undefined; prefilter: Prefilter }>();

export function derivePrefilter(e: Expr | undefined, time?: TimeContext): Prefilter {
  if (!e) return { needles: undefined, test: undefined };
  const known = derived.get(e);
  if (known && known.time === time) return known.prefilter;
  const prefilter = { needles: requirement(e)?.needles, test: lineTest(e, time) };
  derived.set(e, { time, prefilter });
  return prefilter;
}
