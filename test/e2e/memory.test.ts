import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, repeatedCorpus } from '../helpers.js';

const TIME = '/usr/bin/time';
// The mixed corpus repeated to 140 MB: enough that memory which is not given back shows.
let big: string;
let remove: () => void;

beforeAll(() => {
  ({ path: big, remove } = repeatedCorpus(270));
});
afterAll(() => remove());

/** Peak RSS in MB of one run, output to /dev/null, as GNU time measures it. */
function peakRssMb(args: string[]): Promise<{ code: number | null; mb: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TIME, ['-f', 'RSS %M', process.execPath, BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH, TZ: 'UTC', NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /RSS (\d+)\s*$/.exec(stderr);
      resolve({ code, mb: m ? Number(m[1]) / 1024 : NaN, stderr });
    });
  });
}

// Reads are synchronous; V8 frees memory in tasks that run only when the event loop turns.
// Without those turns, these runs took 200-210 MB; with them 70-75 MB.
describe.skipIf(!existsSync(TIME))('memory stays flat over a big input (issue 6)', () => {
  it.each([
    ['-o', 'json'],
    ['--color', 'always'],
  ])('%s %s over 140 MB at -j 1 stays under 130 MB RSS', async (...args) => {
    const r = await peakRssMb([...args, '-j', '1', '--no-config', big]);
    expect(r.code).toBe(0);
    expect(r.mb).toBeLessThan(130);
  }, 60_000);

  // Each worker is a V8 of its own: 100 MB and 50 MB for each of the two (measured 145-190 MB).
  it('human output over 140 MB at -j 2 stays under 200 MB RSS', async () => {
    const r = await peakRssMb(['--color', 'always', '-j', '2', '--no-config', big]);
    expect(r.code).toBe(0);
    expect(r.mb).toBeLessThan(200);
  }, 60_000);
});
