import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/parse.js';
import { resolvePlan } from '../../src/cli/resolve.js';
import { parallelizable } from '../../src/parallel.js';
import { repeatedCorpus, runChainsaw } from '../helpers.js';

// Worker threads only take files of 48 MB and more: the mixed corpus repeated to 52 MB, so
// segment cuts fall inside lines of every kind.
let big: string;
let remove: () => void;

beforeAll(() => {
  ({ path: big, remove } = repeatedCorpus(100));
});
afterAll(() => remove());

const RUNS: [string, string[]][] = [
  ['-o json over every line', ['-o', 'json']],
  ['human output of a filter no prefilter narrows', ['-q', 'exists(accountId)']],
  ['-c of a filter on a nested field', ['-c', '-q', 'not exists(headers.accept)']],
  ['logfmt with -k', ['-o', 'logfmt', '-k', 'time,level,message,txnId']],
  // Every line rendered, by the main thread as well as by the workers, its segments written straight or held.
  ['human in color, every line', ['--color', 'always']],
];

// With the fast paths off (the suite's second pass) no run takes the worker path: nothing to compare.
describe.skipIf(process.env.CHAINSAW_NO_FASTPATH === '1')('-j changes speed, never output (issues 6, 16)', () => {
  it.each(RUNS)('takes the worker path: %s', async (_name, args) => {
    const words = [...args, big];
    const plan = await resolvePlan(parseArgs(words), {
      words, env: {}, stdin: process.stdin, stdoutIsTTY: false, stdoutColumns: undefined, aliases: undefined, now: Date.now(),
    });
    expect(await parallelizable(plan, 2)).toBe(true);
    expect(await parallelizable(plan, 1)).toBe(false);
  });

  it.each(RUNS)('%s: the same bytes and status at -j 1, -j 2, -j 4 and with CHAINSAW_WORKERS=2', async (_name, args) => {
    const one = await runChainsaw(['-j', '1', ...args, big], { timeoutMs: 120_000 });
    expect(one.stderr).toBe('');
    expect(one.stdout.length).toBeGreaterThan(0);
    const others = [await runChainsaw(['-j', '2', ...args, big], { timeoutMs: 120_000 }), await runChainsaw(['-j', '4', ...args, big], { timeoutMs: 120_000 }),
      await runChainsaw([...args, big], { env: { CHAINSAW_WORKERS: '2' }, timeoutMs: 120_000 })];
    for (const r of others) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(one.code);
      expect(r.stdout === one.stdout).toBe(true);
    }
  }, 240_000);
});
