import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hitFinder } from '../../src/query/needles.js';

/** Every start of any needle at or after `from`, the slow way. */
function firstHit(block: Buffer, needles: readonly Buffer[], from: number): number {
  let best = -1;
  for (const n of needles) {
    const p = block.indexOf(n, from);
    if (p >= 0 && (best < 0 || p < best)) best = p;
  }
  return best;
}

describe('hitFinder', () => {
  it('finds the same next hit for a few needles (native) and for many (one alternation), bytes of any value', () => {
    const bytes = fc.uint8Array({ minLength: 1, maxLength: 4 }).map((a) => Buffer.from(a));
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a.map((b) => b % 6 === 0 ? 0x0a : b % 5 + 0x61))),
      fc.array(bytes.map((b) => Buffer.from(b.map((x) => x % 5 + 0x61))), { minLength: 1, maxLength: 30 }),
      (block, needles) => {
        const finder = hitFinder(block, needles);
        for (let from = 0; from <= block.length; from += 7) expect(finder.next(from)).toBe(firstHit(block, needles, from));
      },
    ), { numRuns: 500 });
  });

  it('many needles sharing starts (one branching pattern) over regex syntax, ranges and classes', () => {
    const alphabet = Buffer.from('a-z]^\\[.0|');
    const pick = (a: Uint8Array) => Buffer.from(a.map((b) => alphabet[b % alphabet.length]!));
    fc.assert(fc.property(
      fc.uint8Array({ maxLength: 300 }).map(pick),
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 5 }).map(pick), { minLength: 9, maxLength: 60 }),
      (block, needles) => {
        const finder = hitFinder(block, needles);
        for (let from = 0; from <= block.length; from += 5) expect(finder.next(from)).toBe(firstHit(block, needles, from));
      },
    ), { numRuns: 500 });
  });

  it('many needles that are all short are searched natively (no pattern that matches everywhere)', () => {
    const needles = ['ab', 'cd', 'x', 'y', 'z', 'q', 'w', 'e', 'r', 't'].map((n) => Buffer.from(n));
    const block = Buffer.from('hello\nsome cd here\nnothing\n');
    const finder = hitFinder(block, needles);
    for (let from = 0; from <= block.length; from++) expect(finder.next(from)).toBe(firstHit(block, needles, from));
  });

  it('reads needles as bytes: UTF-8 and regex syntax are searched literally', () => {
    const needles = ['a.c', 'café', '(x|y)', '\\u00e9', ...Array.from({ length: 10 }, (_, i) => `n${i}`)].map((s) => Buffer.from(s));
    const block = Buffer.from('abc\nxx café\n(x|y) and \\u00e9\n');
    const finder = hitFinder(block, needles);
    expect([finder.next(0), finder.next(4), finder.next(8), finder.next(14), finder.next(24)]).toEqual([7, 7, 13, 23, -1]);
  });
});
