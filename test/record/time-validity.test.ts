import { describe, expect, it } from 'vitest';
import { calendarTime, epochToMs, formatTime, parseIsoTime, timeOf, yearlessTime } from '../../src/record/time.js';

describe('times valid or absent (issue 12)', () => {
  it.each([
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'], ['0000-01-01', '0000-01-01T00:00:00.000Z'], ['0099-12-31T23:59:59.5Z', '0099-12-31T23:59:59.500Z'],
    ['2012-02-29', '2012-02-29T00:00:00.000Z'], ['2011-02-28T24:00:00Z', '2011-03-01T00:00:00.000Z'], ['2011-02-28T10:00:00+14:00', '2011-02-27T20:00:00.000Z'],
    ['2011-02-28T10:00:00-1400', '2011-03-01T00:00:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(formatTime(parseIsoTime(text)!)).toBe(iso);
    expect(formatTime(timeOf(text)!)).toBe(iso);
  });

  it.each(['2011-02-30', '2011-02-29T00:00:00.000Z', '2011-04-31T00:00:00Z', '2011-02-28T10:00:00+14:30', '2011-02-28T10:00:00-15:00',
    '2011-02-28T10:00:00+05:60', '2011-02-28T24:00:01Z', '2011-13-01'])('%s is no time', (text) => {
    expect(parseIsoTime(text)).toBeUndefined();
    expect(timeOf(text)).toBeUndefined();
  });

  it('epochs: ns past 1e17, and nothing a date cannot hold', () => {
    expect(epochToMs(1700000000123456789)).toBeCloseTo(1700000000123.4568, 3);
    expect(timeOf(1e300)).toBeUndefined();
    expect(timeOf('1' + '0'.repeat(40))).toBeUndefined();
    expect(timeOf(-1e300)).toBeUndefined();
    expect(formatTime(1e300)).toBe('');
    expect(formatTime(Number.NaN)).toBe('');
  });

  it('a day that no month has is undefined; years 0-99 are as written', () => {
    expect(calendarTime(false, 2011, 1, 29)).toBeUndefined();
    expect(calendarTime(false, 5, 0, 1)).toBe(Date.parse('0005-01-01T00:00:00Z'));
  });

  it('a syslog date takes the latest year that is not in the future', () => {
    const now = Date.UTC(2026, 0, 1, 0, 30);
    expect(yearlessTime(11, 31, 23, 59, 59, now)).toBe(Date.UTC(2025, 11, 31, 23, 59, 59));
    expect(yearlessTime(0, 1, 0, 29, 0, now)).toBe(Date.UTC(2026, 0, 1, 0, 29));
    expect(yearlessTime(0, 1, 0, 31, 0, now)).toBe(Date.UTC(2025, 0, 1, 0, 31));
    expect(yearlessTime(1, 29, 12, 0, 0, now)).toBe(Date.UTC(2024, 1, 29, 12));
    expect(yearlessTime(1, 30, 12, 0, 0, now)).toBeUndefined();
  });
});
