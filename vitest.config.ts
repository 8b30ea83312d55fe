import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Many tests bound peak RSS, latency or lines lost under rotation of real processes on a
    // shared 2-core machine: one retry absorbs a garbage-collection or scheduling outlier (a
    // 1 GB line peaked at 80-95 MB in most runs, 112 MB in one of twenty); a real regression
    // fails both times.
    retry: 1,
  },
});
