import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { levelName } from '../src/record/levels.js';
import { LogRecord } from '../src/record/record.js';
import { withAliases } from '../src/record/shapes.js';
import { MAX_BUCKETS, StatsCollector } from '../src/stats.js';

const aliases = withAliases(undefined);
const rec = (o: { [k: string]: unknown }) => new LogRecord(o, aliases);

describe('--stats bounds (issue 12)', () => {
  it('at most 60 buckets whatever the times, every timed record counted once', () => {
    const time = fc.oneof(fc.double({ min: -8.64e12, max: 8.64e12, noNaN: true }), fc.integer({ min: 0, max: 2e9 }), fc.constantFrom(1e300, -1e300, 1e19, 1700000000123456789));
    fc.assert(fc.property(fc.array(time, { minLength: 1, maxLength: 50 }), (times) => {
      const s = new StatsCollector(levelName);
      for (const t of times) s.add(rec({ timestamp: t }));
      const sum = s.summary();
      expect(sum.histogram.length).toBeLessThanOrEqual(MAX_BUCKETS);
      expect(sum.histogram.reduce((a, b) => a + b.count, 0) + sum.noTime).toBe(times.length);
    }), { numRuns: 500 });
  });

  it('many times: counts per coarse bucket, still exact in total and at most 60 buckets', () => {
    const s = new StatsCollector(levelName);
    const n = (1 << 20) + 5000;
    // A minute apart: more minute buckets than kept, so they are merged into hours.
    for (let i = 0; i < n; i++) s.add(rec({ timestamp: 1e9 + i * 61 }));
    const sum = s.summary();
    expect(sum.histogram.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(sum.histogram.reduce((a, b) => a + b.count, 0)).toBe(n);
  });

  it('distinct values are kept to a budget: the frequent ones stay, the rest are "more"', () => {
    const s = new StatsCollector(levelName);
    for (let i = 0; i < 50_000; i++) s.add(rec({ txnId: `t-${i}`, facility: i % 3 === 0 ? 'hot' : `f-${i}` }));
    for (let i = 0; i < 3; i++) s.add(rec({ txnId: 'late-hot' }));
    const sum = s.summary();
    expect(sum.txnIds.rows[0]).toEqual(['late-hot', 3]);
    expect(sum.txnIds.rows).toHaveLength(10);
    expect(sum.txnIds.more).toBeGreaterThan(40_000);
    expect(sum.facilities.rows[0]).toEqual(['hot', 16_667]);
  });
});
