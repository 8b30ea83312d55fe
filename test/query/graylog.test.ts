import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QuerySyntaxError } from '../../src/errors.js';
import { compileExpr } from '../../src/query/compile.js';
import { withinEdits, wordsOf } from '../../src/query/fuzzy.js';
import { parseGraylog } from '../../src/query/graylog.js';
import { graylogExpr, luceneRegex } from '../../src/query/graylog-expr.js';
import { parseExpr } from '../../src/query/parser.js';
import { printExpr } from '../../src/query/print.js';
import { parseLine } from '../../src/record/parse.js';
import type { LogRecord } from '../../src/record/record.js';
import { BUILTIN_ALIASES } from '../../src/record/shapes.js';
import { fixture } from '../helpers.js';

const NOW = Date.UTC(2011, 11, 26, 12);
const explain = (q: string): string => printExpr(graylogExpr(q));
const rec = (obj: object): LogRecord => {
  const line = Buffer.from(JSON.stringify(obj));
  return parseLine(line, 0, line.length, BUILTIN_ALIASES)!;
};
const matches = (q: string, obj: object): boolean => compileExpr(graylogExpr(q), { source: q, now: NOW, local: false })(rec(obj));

describe('the Lucene parser', () => {
  it('reads fields, groups, ranges, comparisons, phrases, regexes, fuzzy terms and boosts', () => {
    expect(parseGraylog('type:(ssh OR login)^2')).toEqual({ kind: 'or', items: [
      { kind: 'match', field: 'type', value: { type: 'term', parts: [{ lit: 'ssh' }] }, start: 6 },
      { kind: 'match', field: 'type', value: { type: 'term', parts: [{ lit: 'login' }] }, start: 13 },
    ] });
    expect(parseGraylog('bytes:{0 TO *]')).toEqual({ kind: 'match', field: 'bytes', start: 6,
      value: { type: 'range', lower: '0', upper: undefined, lowerIncluded: false, upperIncluded: true } });
    expect(parseGraylog('code:>=400')).toMatchObject({ value: { type: 'compare', op: '>=', value: '400' } });
    expect(parseGraylog('"a b"~3')).toMatchObject({ field: undefined, value: { type: 'phrase', text: 'a b', slop: 3 } });
    expect(parseGraylog('host:exmaple~1')).toMatchObject({ value: { type: 'term', fuzzy: 1 } });
    expect(parseGraylog('host:exmaple~')).toMatchObject({ value: { type: 'term', fuzzy: 2 } });
    expect(parseGraylog('f:/a\\/b/')).toMatchObject({ value: { type: 'regex', source: 'a\\/b', start: 3 } });
    expect(parseGraylog('ex\\*am*')).toMatchObject({ value: { type: 'term', parts: [{ lit: 'ex*am' }, { wild: '*' }] } });
    expect(parseGraylog('path:\\/v1\\/x')).toMatchObject({ value: { type: 'term', parts: [{ lit: '/v1/x' }] } });
    expect(parseGraylog('  ')).toEqual({ kind: 'all' });
    expect(parseGraylog('*:*')).toEqual({ kind: 'all' });
  });

  it('gives +, -, NOT and ! Lucene occurrences; AND binds tighter than OR; side by side is OR', () => {
    const shape = (q: string): string => explain(q).replace(/message ~ \S+ or full_message ~ \S+ or \$\.\.\* == ("\w+")/g, 'T$1');
    expect(shape('a b')).toBe('T"a" or T"b"');
    expect(shape('a AND b OR c')).toBe('(T"a") and (T"b") or T"c"');
    expect(shape('a -b')).toBe('(T"a") and not (T"b")');
    expect(shape('+a b -c')).toBe('(T"a") and not (T"c")');
    expect(shape('NOT a')).toBe('not (T"a")');
    expect(shape('a OR NOT b')).toBe('(T"a") and not (T"b")');
    expect(shape('!a && b || c')).toBe('not (T"a") and (T"b") or T"c"');
  });

  it.each([
    ['type:', 5, "expected a value after 'type:'"],
    ['(a OR b', 7, "expected ')'"],
    ['[1 TO', 5, 'expected a range bound'],
    ['x:[1 TO 2', 2, "unterminated range: expected ']' or '}'"],
    ['field:/unclosed', 6, "unterminated regex: expected '/'"],
    ['a AND AND b', 6, 'expected a term after AND'],
    ['a OR', 4, 'expected a term after OR'],
    ['x:"open', 2, 'unterminated phrase: expected \'"\''],
    ['a)', 1, "unexpected ')'"],
    ['()', 1, 'empty group'],
    ['x^y', 2, "expected a number after '^'"],
    ['- a', 1, "expected a term right after '-'"],
    ['a\\', 1, 'nothing to escape after \\'],
    ['(×200 a )×200', 100, 'query nested too deeply'],
    ['x ×1100', 2048, 'too many clauses (Lucene allows 1024)'],
  ])('%s: an error at column %i', (shown, at, reason) => {
    const q = shown === '(×200 a )×200' ? `${'('.repeat(200)}a${')'.repeat(200)}` : shown === 'x ×1100' ? 'x '.repeat(1100) : shown;
    let err: unknown;
    try {
      parseGraylog(q);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QuerySyntaxError);
    expect((err as QuerySyntaxError).message).toBe(reason);
    expect((err as QuerySyntaxError).start).toBe(at);
  });
});

describe("Graylog's field semantics", () => {
  it('message and full_message: a word ignoring case, a phrase as consecutive words, wildcards and regexes within one word', () => {
    const m = { short_message: 'SSH-Login failed: café au lait', full_message: 'at Handler.get (lib/handler.js:88)' };
    expect(matches('message:ssh', m)).toBe(true);
    expect(matches('message:"ssh login"', m)).toBe(true);
    expect(matches('message:"login ssh"', m)).toBe(false);
    expect(matches('message:sshlogin', m)).toBe(false);
    expect(matches('message:fail', m)).toBe(false);
    expect(matches('message:fail*', m)).toBe(true);
    expect(matches('message:CAF?', m)).toBe(true);
    expect(matches('message:ssh*failed', m)).toBe(false);
    expect(matches('message:/fail.d/', m)).toBe(true);
    expect(matches('message:/ssh.login/', m)).toBe(false);
    expect(matches('message:/ssh-login/', m)).toBe(false);
    expect(matches('full_message:handler', m)).toBe(true);
    expect(matches('full_message:"handler js 88"', m)).toBe(true);
    expect(matches('message:*', m)).toBe(true);
    expect(matches('message:*', {})).toBe(false);
  });

  it('source and host: the whole value ignoring case; other strings whole and exact', () => {
    const r = { host: 'API1.example.org', _type: 'SSH', _path: '/v1/x' };
    expect(matches('source:api1.example.org', r)).toBe(true);
    expect(matches('host:API1.EXAMPLE.ORG', r)).toBe(true);
    expect(matches('source:api1', r)).toBe(false);
    expect(matches('source:api?.*', r)).toBe(true);
    expect(matches('type:SSH', r)).toBe(true);
    expect(matches('type:ssh', r)).toBe(false);
    expect(matches('type:SS', r)).toBe(false);
    expect(matches('_type:SSH', r)).toBe(true);
    expect(matches('path:\\/v1\\/x', r)).toBe(true);
    expect(matches('path:\\/v1*', r)).toBe(true);
    expect(matches('path:/\\/v1\\/./', r)).toBe(true);
    expect(matches('path:/v1/', r)).toBe(false);
  });

  it('numbers and numeric strings compare numerically; strings by code unit; timestamp as a time', () => {
    expect(matches('status:404', { _status: 404 })).toBe(true);
    expect(matches('status:404', { _status: '404' })).toBe(true);
    expect(matches('status:404', { _status: '404.5' })).toBe(false);
    expect(matches('status:[400 TO 499]', { _status: '404' })).toBe(true);
    expect(matches('status:{404 TO 499]', { _status: 404 })).toBe(false);
    expect(matches('status:>=500', { _status: 99 })).toBe(false);
    expect(matches('name:[a TO c]', { _name: 'b' })).toBe(true);
    expect(matches('name:[a TO c]', { _name: 'd' })).toBe(false);
    expect(matches('level:<=3', { level: 3 })).toBe(true);
    expect(matches('level:<=3', { level: 6 })).toBe(false);
    const t = { timestamp: Date.UTC(2011, 11, 26, 9, 14, 30) / 1000 };
    expect(matches('timestamp:["2011-12-26 09:14" TO "2011-12-26 09:15"]', t)).toBe(true);
    expect(matches('timestamp:[* TO 2011-12-26T09:14:00Z}', t)).toBe(false);
  });

  it('a term without a field: a word of message or full_message, or any field whole', () => {
    expect(matches('ssh', { short_message: 'via SSH' })).toBe(true);
    expect(matches('ssh', { full_message: 'ssh: timeout' })).toBe(true);
    expect(matches('ssh', { _proto: 'ssh' })).toBe(true);
    expect(matches('ssh', { _proto: 'sshd' })).toBe(false);
    expect(matches('ssh', { nested: { deep: 'ssh' } })).toBe(true);
    expect(matches('_exists_:proto', { _proto: 'x' })).toBe(true);
    expect(matches('_exists_:proto', { proto: 'x' })).toBe(true);
    expect(matches('NOT _exists_:proto', { other: 'x' })).toBe(true);
  });

  it('fuzzy terms count edits as Lucene does, swaps included; phrases allow slop, two words may trade places', () => {
    expect(matches('host:exmaple.org~1', { host: 'example.org' })).toBe(true);
    expect(matches('host:exmaple.org~0', { host: 'example.org' })).toBe(false);
    expect(matches('message:naive~', { short_message: 'so naïve' })).toBe(true);
    expect(matches('"foo bar"~1', { short_message: 'foo x bar' })).toBe(true);
    expect(matches('"foo bar"~1', { short_message: 'foo x y bar' })).toBe(false);
    expect(matches('"foo bar"~2', { short_message: 'bar foo' })).toBe(true);
    expect(matches('"foo bar"~1', { short_message: 'bar foo' })).toBe(false);
  });

  it('translates Lucene regexes: anchored, . and @ within a word, \\ escapes, no JS classes', () => {
    expect(luceneRegex('a.c', false, 0, '')).toBe('a[\\s\\S]c');
    expect(luceneRegex('a.c', true, 0, '')).toBe('a[\\p{L}\\p{N}]c');
    expect(luceneRegex('\\d+', false, 0, '')).toBe('d+');
    expect(luceneRegex('a@', true, 0, '')).toBe('a[\\p{L}\\p{N}]*');
    expect(luceneRegex('"a.b"', false, 0, '')).toBe('a\\.b');
    expect(luceneRegex('[^x]', true, 0, '')).toBe('[^x\\p{M}\\p{P}\\p{S}\\p{Z}\\p{C}]');
    expect(() => luceneRegex('a&b', false, 3, 'q:/a&b/')).toThrow("the Lucene regex operator '&' is not supported");
  });
});

describe('fuzzy helpers', () => {
  it.each([
    ['kitten', 'sitting', 3], ['example', 'exmaple', 1], ['abc', 'abc', 0], ['', 'ab', 2], ['ca', 'abc', 3], ['naïve', 'naive', 1],
  ])('%s to %s: %i edits', (a, b, d) => {
    expect(withinEdits(a, b, d)).toBe(true);
    if (d > 0) expect(withinEdits(a, b, d - 1)).toBe(false);
  });
  it('splits words at every character that is not a letter or digit', () => {
    expect(wordsOf('SSH-Login: café_au lait!42')).toEqual(['ssh', 'login', 'café', 'au', 'lait', '42']);
  });
});

/** Random queries built from the grammar. */
const word = fc.constantFrom('ssh', 'login', 'GET', 'api', 'café', 'timed', 'out', '404', '500', 'ab12', 'x');
const name = fc.constantFrom('type', 'status', 'level', 'host', 'source', 'message', 'full_message', 'txnId', '_txnId', 'headers.user-agent', 'facility');
const leaf: fc.Arbitrary<string> = fc.oneof(
  word,
  fc.tuple(word, fc.constantFrom('*', '?', '')).map(([w, s]) => `${w.slice(0, 2)}${s}${w.slice(2)}`),
  fc.tuple(word, word).map(([a, b]) => `"${a} ${b}"`),
  fc.tuple(name, word).map(([n, w]) => `${n}:${w}`),
  fc.tuple(name, word, word).map(([n, a, b]) => `${n}:"${a} ${b}"`),
  fc.tuple(name, fc.constantFrom('[1 TO 500]', '{400 TO *]', '>=404', '<3', '[a TO m}')).map(([n, r]) => `${n}:${r}`),
  fc.tuple(name, word).map(([n, w]) => `${n}:${w}~1`),
  fc.tuple(name).map(([n]) => `_exists_:${n}`),
  fc.constantFrom('/ssh|login/', 'message:/ti.*/', 'host:/.*api.*/', '"timed out"~2'),
);
const query: fc.Arbitrary<string> = fc.letrec((tie) => ({
  q: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('q'), fc.constantFrom(' AND ', ' OR ', ' ', ' && ', ' || '), tie('q')).map(([a, op, b]) => `${a}${op}${b}`),
    fc.tuple(fc.constantFrom('NOT ', '-', '+', '!'), tie('q')).map(([p, q]) => `${p}(${q})`),
    tie('q').map((q) => `(${q})`)),
})).q as fc.Arbitrary<string>;

describe('property: -g Q and -q "$(--explain -g Q)" agree', () => {
  const records = readFileSync(fixture('corpus', 'mixed.log'), 'utf8').split('\n')
    .map((l) => parseLine(Buffer.from(l), 0, Buffer.byteLength(l), BUILTIN_ALIASES)).filter((r): r is LogRecord => r !== undefined);

  it('on every record of the mixed corpus', () => {
    fc.assert(fc.property(query, (q) => {
      const printed = printExpr(graylogExpr(q));
      const compile = (source: string, expr: () => ReturnType<typeof parseExpr>) => {
        try {
          return compileExpr(expr(), { source, now: NOW, local: false });
        } catch (e) {
          // A query that cannot run (level:"ssh") fails the same way both ways.
          return (e as Error).message;
        }
      };
      const direct = compile(q, () => graylogExpr(q));
      const reparsed = compile(printed, () => parseExpr(printed));
      if (typeof direct === 'string' || typeof reparsed === 'string') {
        expect(reparsed).toEqual(direct);
        return;
      }
      for (const r of records) expect(reparsed(r)).toBe(direct(r));
    }), { numRuns: 300 });
  });
});
