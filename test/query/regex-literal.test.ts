import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requiredLiterals } from '../../src/query/regex-literal.js';

describe('requiredLiterals reads what every match must contain (issue 6)', () => {
  it.each([
    ['timeout after \\d+ ms', '', ['timeout after ']],
    ['^GET /v1/acc', '', ['GET /v1/acc']],
    ['a\\.b\\.c', '', ['a.b.c']],
    ['Chrome\\/16', '', ['Chrome/16']],
    ['abc?def', '', ['def']],
    ['ab+cde', '', ['cde']],
    ['abc{2}d', '', ['abc']],
    ['a{0,3}bcd', '', ['bcd']],
    ['(foo|bar)baz', '', ['baz']],
    ['(?!nope)yes+', '', ['yes']],
    ['foo|barr', '', ['foo', 'barr']],
    ['\\x41BCDE', '', ['BCDE']],
    ['\\u0041BCD', '', ['BCD']],
    ['\\u{1F600}xyz', 'u', ['xyz']],
    ['\\p{Letter}abc', 'u', ['abc']],
    ['\\k<nm>abc', '', ['abc']],
    ['café', '', ['café']],
    // nothing sure enough
    ['foo|b', '', undefined],
    ['ab[c]de', '', undefined],
    ['x.y.z', '', undefined],
    ['TIME', 'i', undefined],
    ['[abc', '', undefined],
    ['abc\\', '', undefined],
    ['[[a]--[b]]xyz', 'v', undefined],
  ])('/%s/%s → %j', (src, flags, want) => {
    expect(requiredLiterals(src, flags)).toEqual(want);
  });

  it('every string a random pattern matches holds one of its literals', () => {
    const atom = fc.constantFrom('a', 'b', 'c', 'ab', 'abc', '.', '[ab]', '[^c]', '(a|bc)', '(?:ab)', '\\.', '\\d', '\\w', 'x', '(?=a)', '(?!b)');
    const quant = fc.constantFrom('', '', '', '?', '*', '+', '{0,2}', '{2}', '{1,3}', '??', '+?');
    const part = fc.tuple(atom, quant).map(([a, q]) => a + q);
    const alt = fc.array(part, { minLength: 1, maxLength: 8 }).map((ps) => ps.join(''));
    const pattern = fc.array(alt, { minLength: 1, maxLength: 3 }).map((as) => as.join('|'));
    const subject = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'x', '.', '1', ' '), maxLength: 24 });
    fc.assert(fc.property(pattern, fc.array(subject, { minLength: 20, maxLength: 20 }), (src, subjects) => {
      const literals = requiredLiterals(src);
      if (!literals) return;
      const re = new RegExp(src);
      for (const s of subjects) if (re.test(s)) expect(literals.some((l) => s.includes(l))).toBe(true);
    }), { numRuns: 3000 });
  });
});
