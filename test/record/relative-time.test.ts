import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/cli/suggest.js';
import { parseUserTime } from '../../src/record/time.js';

// Issue 10: --since as people write it, and the "did you mean" behind option, level and field typos.
const NOW = Date.UTC(2026, 11, 2, 6, 30);

describe('TIME: relative and syslog forms (issue 10)', () => {
  it.each([
    ['-2h', '2026-12-02T04:30:00.000Z'],
    ['-1h30m', '2026-12-02T05:00:00.000Z'],
    ['2 hours ago', '2026-12-02T04:30:00.000Z'],
    ['2h ago', '2026-12-02T04:30:00.000Z'],
    ['1 hour 30 minutes ago', '2026-12-02T05:00:00.000Z'],
    ['1 day, 2 hours ago', '2026-12-01T04:30:00.000Z'],
    ['90 secs ago', '2026-12-02T06:28:30.000Z'],
    ['Dec 26 09:05', '2026-12-26T09:05:00.000Z'],
    ['dec 26 09:05:07', '2026-12-26T09:05:07.000Z'],
    ['Jan 2', '2026-01-02T00:00:00.000Z'],
    ['December 26, 09:05', '2026-12-26T09:05:00.000Z'],
  ])('%j', (text, iso) => {
    expect(new Date(parseUserTime(text, NOW)!).toISOString()).toBe(iso);
  });

  it.each(['-2', '- 2h', 'ago', '3 fortnights ago', 'Feb 30 10:00', 'Dec 32', 'Foo 26 09:05', 'Dec 26 25:00'])('%j is not a time', (text) => {
    expect(parseUserTime(text, NOW)).toBeUndefined();
  });

  it('a syslog date is local with --local', () => {
    expect(parseUserTime('Dec 26 09:05', NOW, true)).toBe(new Date(2026, 11, 26, 9, 5).getTime());
  });
});

describe('closest (issue 10)', () => {
  it.each([
    ['stauts', 'status', 1], ['folow', 'follow', 1], ['levle', 'level', 1], ['warnn', 'warn', 1], ['abc', 'abc', 0], ['', 'ab', 2],
  ])('editDistance(%j, %j) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it.each([
    ['folow', ['follow', 'fields', 'format'], 'follow'],
    ['STAUTS', ['status', 'host'], 'status'],
    ['ab', ['ac'], undefined],
    ['frobnicate', ['follow', 'fields'], undefined],
    ['level', ['level'], undefined],
  ])('closest(%j)', (word, candidates, want) => {
    expect(closest(word, candidates)).toBe(want);
  });
});
