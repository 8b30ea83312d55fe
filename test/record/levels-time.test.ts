import { describe, expect, it } from 'vitest';
import { levelName, levelOf } from '../../src/record/levels.js';
import { epochToMs, formatTime, parseIsoTime, parseUserTime, timeOf, zoneFormatter } from '../../src/record/time.js';

describe('levelOf', () => {
  it.each([
    [0, 0], [3, 3], [8, 8], [60, 2], [50, 3], [40, 4], [30, 6], [20, 7], [10, 8], [35, 6],
    ['emerg', 0], ['PANIC', 0], ['alert', 1], ['crit', 2], ['Critical', 2], ['fatal', 2], ['err', 3], ['ERROR', 3],
    ['warning', 4], ['Warn', 4], ['notice', 5], ['info', 6], ['Information', 6], ['informational', 6], ['debug', 7], ['trace', 8],
    ['Verbose', 8], ['6', 6], ['30', 6], [3.5, undefined], [-1, undefined], ['loud', undefined], [null, undefined], [true, undefined],
  ])('%j → %j', (input, want) => {
    expect(levelOf(input)).toBe(want);
  });
  it('names the levels for display', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map(levelName)).toEqual(['EMERG', 'ALERT', 'CRIT', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG', 'TRACE']);
  });
});

describe('time', () => {
  it.each([
    [1324890886.076, 1324890886076], [1324890886076, 1324890886076], [1324890886076000, 1324890886076], [0, 0],
  ])('epoch %d by magnitude', (n, ms) => {
    expect(epochToMs(n)).toBeCloseTo(ms, 3);
  });

  it.each([
    ['2011-12-26T09:14:46.076Z', Date.UTC(2011, 11, 26, 9, 14, 46, 76)],
    ['2011-12-26T09:14:46.0760000Z', Date.UTC(2011, 11, 26, 9, 14, 46, 76)],
    ['2011-12-26 09:14', Date.UTC(2011, 11, 26, 9, 14)],
    ['2011-12-26', Date.UTC(2011, 11, 26)],
    ['2011-12-26T10:14:46+01:00', Date.UTC(2011, 11, 26, 9, 14, 46)],
    ['2011-12-26T04:14:46-0500', Date.UTC(2011, 11, 26, 9, 14, 46)],
    ['2011-13-26', undefined],
    ['yesterday-ish', undefined],
  ])('parseIsoTime(%j)', (s, want) => {
    expect(parseIsoTime(s)).toBe(want);
  });

  it('reads time fields as loggers write them', () => {
    expect(timeOf('1324890886076000')).toBe(1324890886076);
    expect(timeOf('Mon, 26 Dec 2011 09:14:46 GMT')).toBe(Date.UTC(2011, 11, 26, 9, 14, 46));
    expect(timeOf('')).toBeUndefined();
    expect(timeOf({})).toBeUndefined();
  });

  const now = Date.UTC(2011, 11, 26, 12, 0, 0);
  it.each([
    ['now', now], ['today', Date.UTC(2011, 11, 26)], ['yesterday', Date.UTC(2011, 11, 25)],
    ['15m', now - 15 * 60e3], ['1h30m', now - 90 * 60e3], ['90s', now - 90e3], ['2d', now - 2 * 86400e3],
    ['09:14', Date.UTC(2011, 11, 26, 9, 14)], ['09:14:46.5', Date.UTC(2011, 11, 26, 9, 14, 46, 500)],
    ['1324830675.076', 1324830675076], ['2011-12-26', Date.UTC(2011, 11, 26)],
    ['25:00', undefined], ['soon', undefined], ['15 minutes', undefined],
  ])('parseUserTime(%j)', (s, want) => {
    expect(parseUserTime(s, now)).toBe(want);
  });

  it('formats in UTC with Z, or in a zone with its offset', () => {
    const t = Date.UTC(2011, 11, 26, 9, 14, 46, 76);
    expect(formatTime(t)).toBe('2011-12-26T09:14:46.076Z');
    expect(formatTime(t, zoneFormatter('Europe/Berlin'))).toBe('2011-12-26T10:14:46.076+01:00');
    expect(formatTime(t, zoneFormatter('Asia/Kolkata'))).toBe('2011-12-26T14:44:46.076+05:30');
    expect(formatTime(Date.UTC(2011, 6, 1), zoneFormatter('America/New_York'))).toBe('2011-06-30T20:00:00.000-04:00');
  });
});
