import { describe, expect, it } from 'vitest';
import { parseExpr } from '../../src/query/parser.js';
import { peekField, peekLevel, peekTime, UNSURE_VALUE } from '../../src/query/peek.js';
import { derivePrefilter, needlesFor } from '../../src/query/prefilter.js';
import { levelOf } from '../../src/record/levels.js';

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

describe('peekTime reads the canonical time from bytes, or says it is unsure', () => {
  const pt = (s: string) => peekTime(Buffer.from(s), 0, Buffer.byteLength(s));
  it.each([
    ['{"version":"1.1","timestamp":1324890886.076,"level":6}', 1324890886076],
    ['{"timestamp":1324890886,"x":1}', 1324890886000],
    ['{"time":"2011-12-26T09:14:46.076Z","msg":"x"}', 1324890886076],
    ['{"time":1324890886076,"msg":"x"}', 1324890886076],
    ['{"time":"2011-12-26T09:14:46Z","timestamp":1324890000}', 1324890000000],
    ['{ "timestamp" : 1324890886 }', 1324890886000],
    ['@400000004ef83a103a1b2c4c {"timestamp":1324890886}', 1324890886000],
    ['{"timestamp":1.324890886e9}', 1324890886000],
    // unsure: the record may take its time elsewhere, or the bytes may not say
    ['{"timestamp":"soon","time":"2011-12-26T09:14:46Z"}', undefined],
    ['{"timestamp":null,"time":"2011-12-26T09:14:46Z"}', undefined],
    ['{"a":{"timestamp":1},"time":"2011-12-26T09:14:46Z"}', undefined],
    ['{"timestamp":1,"timestamp":2}', undefined],
    ['{"time":"2011-12-26T09:14:46\\u005a"}', undefined],
    ['{"msg":"timestamp","time":"2011-12-26T09:14:46Z"}', undefined],
    ['{"@timestamp":"2011-12-26T09:14:46Z"}', undefined],
    ['{"ts":1324890886.076}', undefined],
    ['{"log":"{\\"time\\":\\"2011-12-26T09:14:46Z\\"}\\n","stream":"stdout","time":"2019-01-01T00:00:00Z"}', undefined],
    ['{"timestamp":true}', undefined],
    ['not json at all', undefined],
  ])('%s → %j', (line, want) => {
    expect(pt(line)).toBe(want);
  });

  it('a docker line is unsure for the level too: its record is the inner object', () => {
    expect(peek('{"log":"{\\"level\\":\\"error\\"}","stream":"stdout","level":"info"}')).toBe(undefined);
    // An empty inner object has no backslash; a brace spelled \u007b has no `"{`.
    expect(peek('{"log":"{}\\n","stream":"stdout","level":"info"}')).toBe(undefined);
    expect(peek('{"log":"{ }","stream":"stdout","level":"info"}')).toBe(undefined);
    expect(peek('{"level":"info","stream":"stdout","log":"\\u007b\\"level\\":50}"}')).toBe(undefined);
    expect(peek('{"stream":"stdout","level":"info","log":"{\\"level\\":50}"}')).toBe(undefined);
  });

  it('reads the level past nested objects after it and strings that do not start with a brace', () => {
    expect(peek('{"level":"warn","msg":"a {b} c","h":{"x":{"y":1}},"log":"plain"}')).toBe(levelOf('warn'));
    expect(peek('{"level":30,"q":"SELECT \\"name\\" FROM t"}')).toBe(levelOf(30));
    expect(peek('{"h":{"level":10},"level":30}')).toBe(undefined);
    expect(peek('{"msg":"{","level":30}')).toBe(undefined);
  });
});

describe('peekField reads a plain field (the key, else _key) from bytes', () => {
  const pf = (name: string, s: string) => peekField(name, Buffer.from(s), 0, Buffer.byteLength(s));
  it.each([
    ['status', '{"status":500,"msg":"x"}', 500],
    ['status', '{"_status":404}', 404],
    ['status', '{"status":"503"}', '503'],
    ['status', '{"status":null,"_status":1}', null],
    ['hit', '{"hit":true}', true],
    ['took', '{"took":12.5}', 12.5],
    ['status', '{"msg":"no status here"}', undefined],
    ['status', '{"a":{"status":500}}', UNSURE_VALUE],
    ['status', '{"status":[500]}', UNSURE_VALUE],
    ['status', '{"st\\u0061tus":500}', UNSURE_VALUE],
    ['status', '{"status":"a\\"b"}', UNSURE_VALUE],
    ['status', '{"status":1,"status":2}', UNSURE_VALUE],
  ])('%s in %s → %j', (name, line, want) => {
    expect(pf(name, line)).toBe(want);
  });
});
