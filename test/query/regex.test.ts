import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileUserRegex, starGlob } from '../../src/query/regex.js';

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** The regex resolve.ts writes for a --facility glob. */
const globSource = (glob: string): string => `^${glob.split('*').map(escapeRegex).join('.*')}(?:\\.|$)`;

describe('user regexes in linear time (issue 12)', () => {
  it('the glob matcher agrees with the regex it stands for', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '.', 'x', '\n'), maxLength: 14 });
    const glob = fc.string({ unit: fc.constantFrom('a', 'b', '.', '*', '$', '('), minLength: 1, maxLength: 7 }).filter((g) => g.includes('*'));
    fc.assert(fc.property(glob, text, (g, t) => {
      const source = globSource(g);
      expect(starGlob(source, '')!.test(t)).toBe(new RegExp(source).test(t));
    }), { numRuns: 3000 });
  });

  it('only glob-shaped patterns go to the glob matcher', () => {
    expect(starGlob('^a.*b(?:\\.|$)', '')).toBeDefined();
    expect(starGlob('^a.*b(?:\\.|$)', 'i')).toBeUndefined();
    expect(starGlob('^a.+b(?:\\.|$)', '')).toBeUndefined();
    expect(starGlob('^a[.]*b(?:\\.|$)', '')).toBeUndefined();
  });

  it.each([
    ['(a+)+$', '', `${'a'.repeat(40)}!`], ['(a+)+$', 'i', `${'a'.repeat(40)}!`], ['(\\w+\\s?)+$', 'u', `${'ab '.repeat(30)}!`],
    ['(x|xx)+y', 'ms', 'x'.repeat(60)],
  ])('/%s/%s never backtracks without end', (source, flags, text) => {
    const start = performance.now();
    expect(compileUserRegex(source, flags).test(text)).toBe(false);
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it.each([['a(?=b)', 'x(?=b)'], ['(?<!a)b', 'b'], ['(a)\\1', 'aa'], ['a{2,5000}', 'aa']])('/%s/ is refused: no linear engine runs it', (source) => {
    expect(() => compileUserRegex(source, '')).toThrow(/cannot be run in linear time/);
  });

  it('a bad pattern is still a SyntaxError with JavaScript\'s message', () => {
    expect(() => compileUserRegex('(a', '')).toThrow(SyntaxError);
  });
});
