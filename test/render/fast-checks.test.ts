import { describe, expect, it } from 'vitest';
import { UNSAFE_CHARS } from '../../src/record/record.js';
import { escapeControl, escapeJsonText } from '../../src/render/escape.js';
import { isBare } from '../../src/render/human.js';

const BARE = /^[^\s="\\]+$/;
const UNSAFE = new RegExp(UNSAFE_CHARS, 'u');

describe('escapeControl', () => {
  it('escapes exactly the characters the unicode classes name, every code point', () => {
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const c = String.fromCodePoint(cp);
      const s = `a${c}b`;
      if ((escapeControl(s) !== s) !== UNSAFE.test(c)) throw new Error(`U+${cp.toString(16)}`);
      if ((escapeJsonText(s) !== s) !== UNSAFE.test(c)) throw new Error(`json U+${cp.toString(16)}`);
    }
  });
  it('hostile strings: ESC, C1, U+2028, lone surrogates, long text', () => {
    expect(escapeControl('\u001b[31mred\u009b\u2028x')).toBe('\\x1b[31mred\\x9b\\u2028x');
    expect(escapeControl('lone \ud800 \udc00 pair \ud83d\ude00')).toBe('lone \ud800 \udc00 pair \ud83d\ude00');
    const long = `${'é'.repeat(200_000)}\u202e`;
    expect(escapeControl(long)).toBe(`${'é'.repeat(200_000)}\\u202e`);
    expect(escapeControl('x'.repeat(200_000))).toBe('x'.repeat(200_000));
  });
});

describe('isBare', () => {
  it('agrees with the regex on every BMP character, alone and among others', () => {
    for (let cp = 0; cp <= 0xffff; cp++) {
      const c = String.fromCharCode(cp);
      for (const s of [c, `ab${c}`, `${c}ab`]) if (isBare(s) !== BARE.test(s)) throw new Error(`U+${cp.toString(16)} in ${JSON.stringify(s)}`);
    }
  });
  it.each(['', ' ', 'a b', 'a=b', 'a"b', 'a\\b', 'a\tb', 'a\u000bb', 'é\u00a0', 'x\u3000', '\ufeff', 'plain', '/v1/a?b&c', 'a\u0001b', '😀', 'é'])('%j', (s) => {
    expect(isBare(s)).toBe(BARE.test(s));
  });
});
