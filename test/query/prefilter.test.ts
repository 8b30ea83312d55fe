import { describe, expect, it } from 'vitest';
import { parseExpr } from '../../src/query/parser.js';
import { derivePrefilter, needlesFor, peekLevel } from '../../src/query/prefilter.js';

const peek = (s: string) => peekLevel(Buffer.from(s), 0, Buffer.byteLength(s));

describe('peekLevel reads the top-level level from bytes, or says it is unsure', () => {
  it.each([
    ['{"version":"1.1","level":4,"short_message":"x"}', 4],
    ['{"level":30,"msg":"x"}', 6],
    ['{"level":"warn","msg":"x"}', 4],
    ['{ "level" : 3 }', 3],
    ['@400000004ef83a103a1b2c4c {"level":3}', 3],
    ['{"a":{"level":3},"b":1}', undefined],
    ['{"msg":"\\"level\\":3"}', undefined],
    ['{"level":3,"level":6}', undefined],
    ['{"lev\\u0065l":3,"level":6}', undefined],
    ['{"level":"lo\\ud"}', undefined],
    ['{"level":"loud"}', undefined],
    ['{"level":[3]}', undefined],
    ['{"msg":"x"}', undefined],
    ['{"x":"a{b","level":2}', undefined],
    ['{"x":"a,b","level":2}', 2],
    ['{"a":[1],"level":2}', undefined],
    ['{"a":1}\n{"level":2}', undefined],
    // the key is found by its tail `level"`: a longer key ending so is not it
    ['{"sublevel":7,"level":2}', 2],
    ['{"sublevel":7}', undefined],
    ['{"level_":7,"level":2}', 2],
  ])('%s → %j', (line, want) => {
    expect(peek(line)).toBe(want);
  });
});

describe('needles', () => {
  it('carry the escape fallbacks', () => {
    expect(needlesFor('abc')!.map(String)).toEqual(['abc', '\\u']);
    expect(needlesFor('/v1/x')!.map(String)).toEqual(['/v1/x', '\\u', '\\/']);
  });
  it.each(['', '404', '1.5e3', 'say "hi"', 'back\\slash', 'tab\t'])('none for %j', (lit) => {
    expect(needlesFor(lit)).toBeUndefined();
  });
  it.each([
    ['txnId == "abc"', ['abc', '\\u']],
    ['a == "x1" and b contains "longer"', ['longer', '\\u']],
    ['a == "x1" or b == "y2"', ['x1', '\\u', 'y2']],
    ['a == "x1" or level <= 3', undefined],
    ['not a == "x1"', undefined],
    ['time >= "2011-12-26"', undefined],
    ['level == "error"', undefined],
    ['"lone"', ['lone', '\\u']],
    ['cf in ("aa", "bb")', ['aa', '\\u', 'bb']],
  ])('%s', (text, want) => {
    expect(derivePrefilter(parseExpr(text)).needles?.map(String)).toEqual(want);
  });
});
