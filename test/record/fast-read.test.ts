import { describe, expect, it } from 'vitest';
import { plainJson } from '../../src/record/record.js';
import { isoUtcMs, parseIsoTime } from '../../src/record/time.js';
import { parseLine } from '../../src/record/parse.js';
import { BUILTIN_ALIASES } from '../../src/record/shapes.js';
import { escapeControl } from '../../src/render/escape.js';

describe('isoUtcMs (toISOString text read from its digits)', () => {
  it('gives what Date gives for times across years 0000-9999, leap days and the ends of months', () => {
    const times = [0, -1, 1, 951_782_400_000, 1_330_473_599_999, -62_167_219_200_000, 253_402_300_799_999, -62_135_596_800_001];
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (Math.imul(x, 1_103_515_245) + 12345) >>> 0;
      times.push(Math.floor((x / 2 ** 32) * (253_402_300_799_999 + 62_167_219_200_000)) - 62_167_219_200_000);
    }
    for (const ms of times) {
      const text = new Date(ms).toISOString();
      expect(isoUtcMs(text), text).toBe(ms);
    }
  });
  it.each([
    '2011-02-29T00:00:00.000Z', '2011-04-31T00:00:00.000Z', '2011-13-01T00:00:00.000Z', '2011-00-01T00:00:00.000Z',
    '2011-12-00T00:00:00.000Z', '2011-12-26T24:00:00.000Z', '2011-12-26T23:60:00.000Z', '2011-12-26T23:59:60.000Z',
    '2011-1a-26T09:00:00.001Z', '2011-12-26T09:00:00.00aZ', '201a-12-26T09:00:00.001Z', '2011-12-26T09:00:00.001z',
    '2011-12-26 09:00:00.001Z', '2011/12/26T09:00:00.001Z', '２０11-12-26T09:00:00.001Z', '2011-12-26T09:00:00.0010Z',
    '-011-12-26T09:00:00.001Z', '+11-12-26T09:00:00.001Z',
  ])('%s is left to the general reader', (s) => {
    expect(isoUtcMs(s)).toBeUndefined();
  });
  it('the general reader still judges what it leaves: 24:00 is the next midnight, Feb 29 of 2011 and second 60 are no time', () => {
    expect(parseIsoTime('2011-12-26T24:00:00.000Z')).toBe(Date.UTC(2011, 11, 27));
    expect(parseIsoTime('2011-02-29T00:00:00.000Z')).toBeUndefined();
    expect(parseIsoTime('2012-02-29T00:00:00.000Z')).toBe(Date.UTC(2012, 1, 29));
    expect(parseIsoTime('2011-12-26T09:00:00.001z')).toBe(Date.UTC(2011, 11, 26, 9, 0, 0, 1));
  });
});

describe('isoTime (a time shown as written)', () => {
  const rec = (line: string) => parseLine(Buffer.from(line), 0, Buffer.byteLength(line), BUILTIN_ALIASES)!;
  it('is the text of a time written as toISOString writes it, from the alias that won', () => {
    const r = rec('{"timestamp":"2011-12-26T09:14:46.123Z","time":"2012-01-01T00:00:00.000Z"}');
    expect(r.time).toBe(Date.UTC(2011, 11, 26, 9, 14, 46, 123));
    expect(r.isoTime).toBe('2011-12-26T09:14:46.123Z');
    expect(rec('{"timestamp":"nope","time":"2012-01-01T00:00:00.000Z"}').time).toBe(Date.UTC(2012, 0, 1));
    expect(rec('{"timestamp":"nope","time":"2012-01-01T00:00:00.000Z"}').isoTime).toBe('2012-01-01T00:00:00.000Z');
  });
  it.each(['"2011-12-26T24:00:00.000Z"', '"2011-12-26T09:14:46.123z"', '"2011-12-26T09:14:46Z"', '1324890886123', '"2011-12-26 09:14:46.123Z"'])('is not set for %s', (t) => {
    const r = rec(`{"time":${t}}`);
    expect(r.time).toBeTypeOf('number');
    expect(r.isoTime).toBeUndefined();
  });
});

/** Whether a record's strings hold anything escapeControl would change, the slow way. */
function holdsUnsafe(v: unknown): boolean {
  if (typeof v === 'string') return escapeControl(v) !== v;
  if (v !== null && typeof v === 'object') return Object.entries(v).some(([k, x]) => holdsUnsafe(k) || holdsUnsafe(x));
  return false;
}

describe('plainJson (a record that needs no escaping)', () => {
  // [line, plain]: every escape but \" \\ \/ counts (a lone surrogate is safe, but it is written as \u).
  const lines: [string, boolean][] = [
    ['{"msg":"plain ascii","n":1}', true], ['{"msg":"quote \\" slash \\/ backslash \\\\"}', true], ['{"msg":"\\\\n is a backslash and n"}', false],
    ['{"msg":"esc \\u001b[31m"}', false], ['{"msg":"nl \\n"}', false], ['{"msg":"tab \\t"}', false], ['{"msg":"c1 \\u009b"}', false],
    ['{"msg":"ls \\u2028"}', false], ['{"msg":"lone \\ud800"}', false], ['{"msg":"raw del \u007f"}', false], ['{"msg":"raw c1 \u009b"}', false],
    ['{"msg":"raw ls \u2028"}', false], ['{"msg":"raw zero width \u200b"}', false], ['{"msg":"raw bidi \u202e"}', false],
    ['{"msg":"raw soft hyphen \u00ad"}', false], ['{"msg":"raw bom \ufeff"}', false], ['{"msg":"raw tag \u{e0041}"}', false],
    ['{"msg":"café naïve 日本 😀"}', true], ['{"k\\u001b":"key escape"}', false], [`{"msg":"${'x'.repeat(100_000)}\\u0007"}`, false],
    [`{"msg":"${'é'.repeat(100_000)}"}`, true],
  ];
  it.each(lines.map(([line, plain]) => [line.length > 80 ? `${line.slice(0, 60)}… (${line.length})` : line, line, plain] as const))('%s', (_name, line, plain) => {
    const r = parseLine(Buffer.from(line), 0, Buffer.byteLength(line), BUILTIN_ALIASES)!;
    expect(r.plain).toBe(plain);
    // Never plain for a record that holds an unsafe character.
    if (holdsUnsafe(r.obj)) expect(plain).toBe(false);
  });
  it('bytes that are not UTF-8 become U+FFFD, which is safe; DEL among them is not', () => {
    for (const [bytes, plain] of [[[0xff, 0xfe], true], [[0xe2, 0x82], true], [[0x7f, 0xff], false], [[0xc2, 0x9b], false]] as const) {
      const buf = Buffer.concat([Buffer.from('{"msg":"'), Buffer.from(bytes), Buffer.from('"}')]);
      expect(parseLine(buf, 0, buf.length, BUILTIN_ALIASES)!.plain, JSON.stringify(bytes)).toBe(plain);
    }
  });
  it('ASCII text: only an escape other than \\" \\\\ \\/ or a DEL makes it not plain', () => {
    expect(plainJson('{"a":"\\"\\\\\\/"}', 14)).toBe(true);
    expect(plainJson('{"a":"\\b"}', 10)).toBe(false);
    expect(plainJson('{"a":"\u007f"}', 9)).toBe(false);
  });
});
