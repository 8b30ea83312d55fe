import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Follower, cleanUp, tempDir, numbered, numbersIn, range, sleep } from './helpers.js';

const WRITER = join(import.meta.dirname, 'rotating-writer.mjs');
afterEach(cleanUp);

/** Runs the rotating writer to its end; resolves with the number of lines it wrote. */
function write(mode: 'svlogd' | 'rename', path: string, files: number, perFile: number, lineMs = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = spawn(process.execPath, [WRITER, mode, path, String(files), String(perFile), String(lineMs)]);
    let out = '';
    w.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    w.on('error', reject);
    w.on('close', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`writer exited ${code}`))));
  });
}

/** The writer: a shell loop appending with printf and rotating with mv. */
function shellRotate(path: string, files: number, perFile: number): Promise<number> {
  const script = `n=0; for ((i=0; i<$1; i++)); do for ((j=0; j<$2; j++)); do printf '{"level":6,"msg":"n=%d"}\\n' $n >> "$0"; n=$((n+1)); done; if ((i < $1 - 1)); then mv "$0" "$0.$i"; fi; done`;
  return new Promise((resolve, reject) => {
    const w = spawn('bash', ['-c', script, path, String(files), String(perFile)], { stdio: 'ignore' });
    w.on('error', reject);
    w.on('close', (code) => (code === 0 ? resolve(files * perFile) : reject(new Error(`writer exited ${code}`))));
  });
}

/** Waits until the output stops growing for `quietMs` (or its last number is `last`). */
async function settled(f: { newlines: number; stdout: string }, last: number, quietMs = 1500, maxMs = 15_000): Promise<void> {
  const until = Date.now() + maxMs;
  let seen = -1;
  let since = Date.now();
  while (Date.now() < until) {
    if (f.stdout.endsWith(`n=${last}"}\n`)) return;
    if (f.newlines !== seen) {
      seen = f.newlines;
      since = Date.now();
    } else if (Date.now() - since > quietMs) {
      return;
    }
    await sleep(50);
  }
}

/** `tail -F` on the same path, for comparison. */
class Tail {
  readonly child;
  stdout = '';
  newlines = 0;
  constructor(path: string) {
    this.child = spawn('tail', ['-n', '0', '-F', path], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.child.stdout.on('data', (b: Buffer) => {
      this.stdout += b.toString();
      for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) this.newlines++;
    });
  }
  stop(): void {
    this.child.kill('SIGTERM');
  }
}

/** Lost, repeated and out-of-order counts of what was shown, against 0..total-1. */
function tally(got: readonly number[], total: number): { lost: number; repeated: number; backwards: number } {
  const seen = new Set(got);
  let backwards = 0;
  for (let i = 1; i < got.length; i++) if (got[i]! <= got[i - 1]!) backwards++;
  return { lost: total - seen.size, repeated: got.length - seen.size, backwards };
}

describe('-F under rotation at full speed (issue 11)', () => {
  it('an svlogd DIR: 1,000 rotations at full speed, every line once, in order', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'current'), '');
    const f = new Follower(['-n', '0', '-o', 'raw', dir]);
    await sleep(500);
    const total = await write('svlogd', dir, 1000, 20);
    await settled(f, total - 1);
    const code = await f.stop();
    const got = numbersIn(f.lines());
    console.log(`svlogd dir, 1000 rotations: ${JSON.stringify(tally(got, total))} of ${total}`);
    expect(tally(got, total)).toEqual({ lost: 0, repeated: 0, backwards: 0 });
    expect(got).toEqual(range(0, total));
    expect(f.stderr).toBe('');
    expect(code).toBe(0);
  }, 30_000);

  it('an svlogd DIR that already holds rotated files: the last -n of current, then only new lines', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '@400000000000000000000001.s'), range(0, 10).map(numbered).join(''));
    writeFileSync(join(dir, '@400000000000000000000002.s'), range(10, 20).map(numbered).join(''));
    writeFileSync(join(dir, 'current'), range(20, 30).map(numbered).join(''));
    const f = new Follower(['-n', '2', '-o', 'raw', dir]);
    await f.waitFor((l) => l.length === 2);
    appendFileSync(join(dir, 'current'), numbered(30));
    await f.waitFor((l) => l.length === 3);
    await sleep(300);
    expect(await f.stop()).toBe(0);
    expect(numbersIn(f.lines())).toEqual([28, 29, 30]);
  });

  it('an svlogd DIR at one line per ms, 5 lines per file: every line once, in order', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'current'), '');
    const f = new Follower(['-n', '0', '-o', 'raw', dir]);
    await sleep(500);
    const total = await write('svlogd', dir, 300, 5, 1);
    await settled(f, total - 1);
    expect(await f.stop()).toBe(0);
    expect(numbersIn(f.lines())).toEqual(range(0, total));
  }, 30_000);

  // Following by name, a file renamed away before it was ever seen at its name cannot be read:
  // `tail -F` loses those too. Both lose the files that live less than a scheduling stall, and
  // the tests run beside others on a shared CPU: run by run either may lose more (measured
  // 780/840, 980/760, 2140/1020 lines), so the comparison allows 5% of the lines for that
  // noise. Before this issue chainsaw lost 13-20% where tail -F lost 1-3%.
  const NOISE = 0.05;

  it('a FILE renamed away 1,000 times by a shell loop (printf >> f; mv f f.N): no more lost than tail -F in the same run, nothing repeated', async () => {
    const path = join(tempDir(), 'app.log');
    writeFileSync(path, '');
    const f = new Follower(['-n', '0', '-o', 'raw', path]);
    const tail = new Tail(path);
    await sleep(500);
    const total = await shellRotate(path, 1000, 20);
    await Promise.all([settled(f, total - 1), settled(tail, total - 1)]);
    tail.stop();
    expect(await f.stop()).toBe(0);
    const ours = tally(numbersIn(f.lines()), total);
    const theirs = tally(numbersIn(tail.stdout.split('\n')), total);
    console.log(`renamed file, 1000 rotations of ${total} lines: chainsaw ${JSON.stringify(ours)}, tail -F ${JSON.stringify(theirs)}`);
    expect(ours.repeated).toBe(0);
    expect(ours.backwards).toBe(0);
    expect(ours.lost).toBeLessThanOrEqual(theirs.lost + NOISE * total);
  }, 30_000);
});
