import { describe, expect, it } from 'vitest';
import { forEachLine, lineBlocks, LineSplitter, type BlockKind } from '../../src/input/lines.js';
import { findPrefix } from '../../src/input/prefix.js';

/** The blocks of chunks given as runs: one run per chunk, or all in one run. */
async function blocksOf(chunks: string[], oneRun = false): Promise<string[]> {
  const out: string[] = [];
  // One buffer reused for every chunk, as the file reader does: blocks must be read before the next.
  const reused = Buffer.alloc(Math.max(0, ...chunks.map((c) => Buffer.byteLength(c))));
  function* run(cs: string[]) {
    for (const c of cs) yield reused.subarray(0, reused.write(c));
  }
  async function* runs() {
    if (oneRun) yield run(chunks);
    else for (const c of chunks) yield run([c]);
  }
  for await (const blocks of lineBlocks(runs())) for (const b of blocks) out.push(b.toString());
  return out;
}

function linesOf(block: string): [string, string][] {
  const buf = Buffer.from(block);
  const out: [string, string][] = [];
  forEachLine(buf, (s, e, next) => { out.push([buf.toString('utf8', s, e), buf.toString('utf8', e, next)]); });
  return out;
}

describe('lineBlocks', () => {
  it.each([
    [['a\nb\n'], ['a\nb\n']],
    [['a\nb', 'c\n'], ['a\n', 'bc\n']],
    [['abc', 'def', 'g\nh'], ['abcdefg\n', 'h']],
    [['no newline at all'], ['no newline at all']],
    [['x\r', '\ny\n'], ['x\r\n', 'y\n']],
    [[], []],
  ])('%j → %j', async (chunks, want) => {
    expect(await blocksOf(chunks)).toEqual(want);
    expect(await blocksOf(chunks, true)).toEqual(want);
  });

  it('joins a line longer than many chunks once', async () => {
    const chunks = Array.from({ length: 100 }, () => 'x'.repeat(1000));
    chunks.push('\nnext\n');
    const got = await blocksOf(chunks);
    expect(got).toEqual([`${'x'.repeat(100_000)}\n`, 'next\n']);
  });
});

describe('LineSplitter with --max-line-bytes', () => {
  /** Blocks and their kinds from chunks pushed one by one (one reused buffer), and the overlong lines heard of. */
  function split(chunks: string[], maxBytes: number, passThrough = false) {
    const heard: [number, number | undefined][] = [];
    const s = new LineSplitter({ maxBytes, passThrough, countLines: true, onOverlong: (at, line) => heard.push([at, line]) });
    const reused = Buffer.alloc(Math.max(0, ...chunks.map((c) => c.length)));
    const out: [BlockKind, string][] = [];
    for (const c of chunks) for (const b of s.push(reused.subarray(0, reused.write(c)))) out.push([s.kind, b.toString()]);
    for (const b of s.end()) out.push([s.kind, b.toString()]);
    return { out, heard };
  }

  it('cuts a line across chunks to its first N bytes and a newline, drops the rest, goes on', () => {
    expect(split(['ab\n0123', '4567', '89\ncd\n'], 5)).toEqual({
      out: [['lines', 'ab\n'], ['cut', '01234\n'], ['lines', 'cd\n']],
      heard: [[3, 2]],
    });
  });

  it('a chunk longer than the limit is split: a line inside it is measured too', () => {
    expect(split(['ok\n0123456789abcdef\nend'], 4)).toEqual({
      out: [['lines', 'ok\n'], ['cut', '0123\n'], ['lines', 'end']],
      heard: [[3, 2]],
    });
  });

  it('a line of exactly N bytes before its newline is whole', () => {
    expect(split(['abcd', 'e\nf\n'], 5).out).toEqual([['lines', 'abcde\n'], ['lines', 'f\n']]);
    expect(split(['abcd', 'ef\n'], 5).out).toEqual([['cut', 'abcde\n']]);
  });

  it('passed through: pieces as they come, none held past the limit, the end of the line with its newline', () => {
    expect(split(['a\n012', '345', '67\nb\n'], 4, true).out).toEqual([
      ['lines', 'a\n'], ['piece', '012'], ['piece', '345'], ['last piece', '67\n'], ['lines', 'b\n'],
    ]);
    // A long last line without a newline ends with an empty last piece.
    expect(split(['012', '345', '67'], 4, true).out).toEqual([['piece', '012'], ['piece', '345'], ['piece', '67'], ['last piece', '']]);
  });

  it('past half the limit, the line is gathered in one buffer of the limit: whole lines and cut lines alike', () => {
    expect(split(['0123', '4567', '89\n'], 12).out).toEqual([['lines', '0123456789\n']]);
    expect(split(['0123', '4567', '89ab', 'cdef\nz'], 12).out).toEqual([['cut', '0123456789ab\n'], ['lines', 'z']]);
  });
});

describe('forEachLine', () => {
  it.each([
    ['a\nb\n', [['a', '\n'], ['b', '\n']]],
    ['a\r\nb', [['a', '\r\n'], ['b', '']]],
    ['\n\n', [['', '\n'], ['', '\n']]],
    ['lone\rcr\n', [['lone\rcr', '\n']]],
  ])('%j', (block, want) => {
    expect(linesOf(block)).toEqual(want);
  });
});

describe('findPrefix', () => {
  const at = (s: string) => {
    const p = findPrefix(Buffer.from(s), 0, Buffer.byteLength(s), Date.UTC(2026, 10, 27));
    return p && { json: Buffer.from(s).subarray(p.jsonStart).toString(), time: p.time === undefined ? undefined : new Date(p.time).toISOString() };
  };
  it.each([
    ['{"a":1}', { json: '{"a":1}', time: undefined }],
    ['@400000004ef83a103a1b2c4c {"a":1}', { json: '{"a":1}', time: '2011-12-26T09:10:30.974Z' }],
    ['2011-12-26_09:14:46.12345 {"a":1}', { json: '{"a":1}', time: '2011-12-26T09:14:46.123Z' }],
    ['2011-12-26T09:14:46.12345 {"a":1}', { json: '{"a":1}', time: '2011-12-26T09:14:46.123Z' }],
    ['2011-12-26T10:14:46.5+01:00 {"a":1}', { json: '{"a":1}', time: '2011-12-26T09:14:46.500Z' }],
    ['2016-10-06T00:17:09.669794202Z stdout F {"a":1}', { json: '{"a":1}', time: '2016-10-06T00:17:09.669Z' }],
    ['Dec 26 09:14:46 host app[123]: {"a":1}', { json: '{"a":1}', time: '2025-12-26T09:14:46.000Z' }],
    ['Nov 20 09:14:46 host app: {"a":1}', { json: '{"a":1}', time: '2026-11-20T09:14:46.000Z' }],
    ['INFO something {"a":1}', undefined],
    ['  \t{"a":1}', { json: '{"a":1}', time: undefined }],
    ['\ufeff{"a":1}', { json: '{"a":1}', time: undefined }],
    ['    at Handler.get (/opt/x.js:1:2)', undefined],
    ['', undefined],
  ])('%j', (line, want) => {
    expect(at(line)).toEqual(want);
  });
});
