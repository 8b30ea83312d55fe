import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Expr, Operand } from '../../src/query/ast.js';
import { compileExpr } from '../../src/query/compile.js';
import { parseExpr } from '../../src/query/parser.js';
import { derivePrefilter } from '../../src/query/prefilter.js';
import { printExpr } from '../../src/query/print.js';
import { parseLine } from '../../src/record/parse.js';
import { BUILTIN_ALIASES } from '../../src/record/shapes.js';
import { fixture } from '../helpers.js';

const NOW = Date.UTC(2011, 11, 26, 12);
const span = { start: 0, end: 0 };

/** Drops what printing cannot keep: spans, and whether a string was written bare. */
function shape(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(shape);
  if (x && typeof x === 'object') {
    const out: { [k: string]: unknown } = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'span' && k !== 'bare') out[k] = shape(v);
    return out;
  }
  return x;
}

const key = fc.oneof(fc.constantFrom('level', 'msg', 'a', '_txnId', 'user-agent', '@t', 'in', 'log.level', 'x y'), fc.string({ maxLength: 6 }));
const fieldOp: fc.Arbitrary<Operand> = fc.array(key, { minLength: 1, maxLength: 3 }).map((path) => ({ kind: 'field', path, span }));
const literal: fc.Arbitrary<Operand> = fc.oneof(
  fc.string({ maxLength: 8 }).map((value) => ({ kind: 'string', value, span }) as Operand),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((value) => ({ kind: 'number', value, span }) as Operand),
  fc.constantFrom(true, false, null).map((value) => ({ kind: 'literal', value, span }) as Operand),
  fc.constantFrom('a.c', '^x$', '[0-9]+').map((source) => ({ kind: 'regex', source, flags: 'i', span }) as Operand),
);
const compare: fc.Arbitrary<Expr> = fc.tuple(fieldOp, fc.constantFrom('==', '!=', '<', '<=', '>', '>=', 'contains', 'startswith', 'endswith', '~', '!~', 'in'), literal, fc.array(literal, { minLength: 1, maxLength: 3 }))
  .map(([left, op, right, items]): Expr => {
    if (op === 'in') return { kind: 'compare', op, left, right: { kind: 'list', items, span }, span };
    if (op === '~' || op === '!~') return { kind: 'compare', op, left, right: right.kind === 'regex' ? right : { kind: 'regex', source: 'x', flags: '', span }, span };
    return { kind: 'compare', op, left, right: right.kind === 'regex' ? { kind: 'string', value: 'r', span } : right, span };
  });
const leaf: fc.Arbitrary<Expr> = fc.oneof(
  compare,
  fieldOp.map((field) => ({ kind: 'exists', field }) as Expr),
  fieldOp.map((operand) => ({ kind: 'lone', operand }) as Expr),
);
const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('expr'), { minLength: 2, maxLength: 3 }).map((items) => ({ kind: 'and', items: items.flatMap((i) => (i.kind === 'and' ? i.items : [i])) }) as Expr),
    fc.array(tie('expr'), { minLength: 2, maxLength: 3 }).map((items) => ({ kind: 'or', items: items.flatMap((i) => (i.kind === 'or' ? i.items : [i])) }) as Expr),
    tie('expr').map((item) => ({ kind: 'not', item }) as Expr)),
}));

const corpusLines = readFileSync(fixture('corpus', 'mixed.log'), 'utf8').split('\n').slice(0, 400);
const records = corpusLines.map((l) => parseLine(Buffer.from(l), 0, Buffer.byteLength(l), BUILTIN_ALIASES));

describe('filter language properties (issue 3)', () => {
  it('printing an AST and parsing it back gives the same AST', () => {
    fc.assert(fc.property(expr, (e) => {
      expect(shape(parseExpr(printExpr(e)))).toEqual(shape(e));
    }), { numRuns: 500 });
  });

  it('not E selects exactly the records E rejects', () => {
    const texts = fc.constantFrom('level <= warn', 'status >= 500', 'facility ~ /db/', 'hit', 'exists(txnId)', 'tags contains "tx"',
      'headers.user-agent contains "curl"', 'rows < 10 or cf == "products"', 'txnId startswith ".rh-a"', '"cache"', '$..user-agent');
    fc.assert(fc.property(texts, fc.integer({ min: 0, max: records.length - 1 }), (text, i) => {
      const rec = records[i];
      if (!rec) return;
      const p = compileExpr(parseExpr(text), { source: text, now: NOW, local: false });
      const n = compileExpr(parseExpr(`not (${text})`), { source: text, now: NOW, local: false });
      expect(n(rec)).toBe(!p(rec));
    }), { numRuns: 1000 });
  });
});

/**
 * The same record spelled with other bytes: every occurrence of one character written as \uXXXX
 * (characters that occur only inside JSON strings: not in true/false/null, numbers or escapes),
 * or every `/` written as `\/`.
 */
const RESPELLABLE = 'chpodyimgkwvxz.-_';
function respell(line: string, pick: number, how: 'u' | 'slash' | 'numstr'): string {
  if (how === 'slash') return line.replaceAll('/', '\\/');
  // Numbers written as strings: "404" compares as 404.
  if (how === 'numstr') return line.replace(/":(-?\d+(?:\.\d+)?)([,}])/g, '":"$1"$2');
  const c = RESPELLABLE[pick % RESPELLABLE.length]!;
  return line.replaceAll(c, `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

describe('the byte prefilter is sound (issue 6)', () => {
  const values = ['.rh-', 'curl', 'products', 'ac12', 'myapp.db', 'retrying', '/v1/accounts', 'café', 'sjc1.product.api0', 'e', '404'];
  const exprs = fc.tuple(
    fc.constantFrom('txnId ==', 'message contains', 'facility startswith', 'host ==', 'headers.user-agent contains', 'path endswith', '$._path contains', 'cf in'),
    fc.constantFrom(...values), fc.constantFrom('', ' and level <= 6', ' or level <= warn', ' and not hit'),
  ).map(([lhs, v, rest]) => (lhs.endsWith(' in') ? `${lhs} (${JSON.stringify(v)}, "accounts")${rest}` : `${lhs} ${JSON.stringify(v)}${rest}`));
  // Regular expressions: the needles are their required literals.
  const regexes = fc.tuple(
    fc.constantFrom('message ~', 'txnId ~', 'path ~', 'headers.user-agent ~', 'facility ~', ''),
    fc.constantFrom('/products$/', '/acc.*ac1\\d/', '/^handling (GET|POST) /', '/caf\u00e9/', '/café|naïve/', '/\\/v1\\/accounts/',
      '/.rh-[a-zA-Z0-9]{4}/', '/sjc1\\.product/', '/retry(ing)?/', '/Chrome\\/1[0-9]/', '/db+/', '"myapp.cache"', '"^sjc1"',
      '/report\\.pdf|products/', '/api0|worker0|db1/'),
  ).map(([lhs, re]) => `${lhs} ${re}`.trim());
  // Time bounds: the needles are none, the line test reads the time from the bytes.
  const times = fc.tuple(fc.constantFrom('>=', '<', '<=', '>', '=='), fc.integer({ min: 0, max: 800 }), fc.constantFrom('', ' and level <= warn', ' or txnId contains "rh-a"'))
    .map(([op, ms, rest]) => `time ${op} "2011-12-26T09:00:00.${String(ms).padStart(3, '0')}Z"${rest}`);
  // Plain fields against numbers: read from the bytes (the key, else _key), absent ones rejected.
  const numbers = fc.tuple(fc.constantFrom('status', 'hits', 'took_ms', 'pid', 'ttl', 'rows', 'hit', 'accountId', 'nope'),
    fc.constantFrom('>=', '<', '<=', '>', '=='), fc.constantFrom(0, 1, 20, 200, 404, 500, 1800, 4005, -1, 0.5))
    .map(([f, op, n]) => `${f} ${op} ${n}`);

  it('never rejects a line that matches, however its JSON is spelled', () => {
    fc.assert(fc.property(fc.oneof(exprs, regexes, times, numbers), fc.integer({ min: 0, max: corpusLines.length - 1 }), fc.nat(300), fc.constantFrom('none', 'u', 'slash', 'numstr'),
      (text, i, at, how) => {
        const line = how === 'none' ? corpusLines[i]! : respell(corpusLines[i]!, at, how as 'u' | 'slash' | 'numstr');
        const buf = Buffer.from(line);
        const rec = parseLine(buf, 0, buf.length, BUILTIN_ALIASES);
        const ast = parseExpr(text);
        const matches = rec !== undefined && compileExpr(ast, { source: text, now: NOW, local: false })(rec);
        const pre = derivePrefilter(ast, { now: NOW, local: false });
        const hasNeedle = !pre.needles || pre.needles.some((n) => buf.indexOf(n) >= 0);
        const passes = hasNeedle && (!pre.test || pre.test(buf, 0, buf.length));
        if (matches) expect(passes).toBe(true);
      }), { numRuns: 3000 });
  });

  it('rejects most lines that cannot match (it is worth having)', () => {
    const ast = parseExpr('txnId == ".rh-NOPE"');
    const pre = derivePrefilter(ast);
    const passed = corpusLines.filter((l) => pre.needles!.some((n) => Buffer.from(l).indexOf(n) >= 0));
    expect(passed.length).toBeLessThan(corpusLines.length / 10);
  });
});
