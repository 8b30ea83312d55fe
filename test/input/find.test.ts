import { describe, expect, it } from 'vitest';
import { searchFor } from '../../src/input/find.js';

/** Every occurrence, by the search under test, from each start. */
function all(needle: string, hay: string): number[] {
  const search = searchFor(Buffer.from(needle));
  const buf = Buffer.from(hay, 'latin1');
  const out: number[] = [];
  for (let p = search(buf, 0); p >= 0; p = search(buf, p + 1)) out.push(p);
  return out;
}

/** The same by Buffer#indexOf, the reference. */
function reference(needle: string, hay: string): number[] {
  const buf = Buffer.from(hay, 'latin1');
  const out: number[] = [];
  for (let p = buf.indexOf(needle, 0, 'latin1'); p >= 0; p = buf.indexOf(needle, p + 1, 'latin1')) out.push(p);
  return out;
}

describe('searchFor finds a needle by its rarest byte', () => {
  it.each([
    ['"level"', '{"version":"1.1","level":6}\n{"level":3,"v":"level"}'],
    ['"log"', '{"msg":"logging","log":"x"} "log"'],
    ['\\u', 'a\\\\u b \\u00e9'],
    ['"timestamp"', '{"timestamp":1,"time":2,"x":"timestamp"}'],
    // The rare byte is common here: past a few misses the search goes on natively.
    ['vq', 'v'.repeat(50) + 'vq' + 'v'.repeat(30) + 'vq'],
    ['"k"', '"k'.repeat(40) + '"k"'],
    ['ab', 'ab'],
    ['x', 'axbx'],
    ['needle', 'no such thing'],
    ['"level"', '"leve'],
  ])('%s in %s', (needle, hay) => {
    expect(all(needle, hay)).toEqual(reference(needle, hay));
  });

  it('agrees with indexOf on random text over a small alphabet, from every start', () => {
    let seed = 7;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    for (let round = 0; round < 200; round++) {
      const hay = Array.from({ length: 300 }, () => 'ab"v'[rand(4)]).join('');
      const needle = Array.from({ length: 1 + rand(4) }, () => 'ab"v'[rand(4)]).join('');
      const search = searchFor(Buffer.from(needle));
      const buf = Buffer.from(hay);
      for (let from = 0; from <= hay.length + 1; from += 7) expect(search(buf, from)).toBe(buf.indexOf(needle, from));
    }
  });

  it('an empty needle is found where the search starts', () => {
    expect(searchFor(Buffer.alloc(0))(Buffer.from('abc'), 1)).toBe(1);
  });
});
