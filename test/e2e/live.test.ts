import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, createWriteStream, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runChainsaw } from '../helpers.js';

// Issue 10: input that is not a regular file is shown live. Each test drives chainsaw through a
// real pipe (`cat | chainsaw`, so its stdin is a pipe, not the test's socket) with a writer that
// waits for each record on chainsaw's stdout before it writes the next line.

const tmp = mkdtempSync(join(tmpdir(), 'chainsaw-live-'));
const EMPTY_CONFIG = mkdtempSync(join(tmpdir(), 'chainsaw-live-cfg-'));
const ENV = { PATH: process.env.PATH ?? '', NO_COLOR: '1', TZ: 'UTC', XDG_CONFIG_HOME: EMPTY_CONFIG,
  ...(process.env.CHAINSAW_NO_FASTPATH ? { CHAINSAW_NO_FASTPATH: process.env.CHAINSAW_NO_FASTPATH } : {}) };

const gelf = (msg: string, t: number, level: number, txn: string) =>
  `{"version":"1.1","host":"api1","short_message":"${msg}","timestamp":${t},"level":${level},"_txnId":"${txn}"}\n`;
const L1 = gelf('first', 1324890886.1, 6, 'tx-1');
const L2 = gelf('second', 1324890887.2, 4, 'tx-2');
const L3 = gelf('third', 1324890888.3, 3, 'tx-1');

/** chainsaw (and whatever feeds it) in its own process group, its stdout gathered as it comes. */
class Live {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly closed: Promise<number | null>;

  constructor(script: string, args: readonly string[]) {
    this.child = spawn('sh', ['-c', script, 'sh', process.execPath, BIN, ...args], { env: ENV, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (b: Buffer) => { this.stdout += b.toString(); });
    this.child.stderr!.on('data', (b: Buffer) => { this.stderr += b.toString(); });
    this.child.stdin!.on('error', () => undefined);
    this.closed = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Milliseconds until stdout contains `text`; fails after `ms`. */
  async waitFor(text: string, ms = 3000): Promise<number> {
    const start = performance.now();
    while (!this.stdout.includes(text)) {
      if (performance.now() - start > ms) throw new Error(`'${text.trim()}' not on stdout after ${ms} ms; stdout so far:\n${this.stdout}\nstderr:\n${this.stderr}`);
      await sleep(2);
    }
    return performance.now() - start;
  }

  /** Ends the whole process group (the shell, cat or tail, chainsaw). */
  kill(): void {
    try {
      process.kill(-this.child.pid!, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const latencies: number[] = [];
const median = () => [...latencies].sort((a, b) => a - b)[latencies.length >> 1]!;
afterAll(() => {
  if (latencies.length) process.stderr.write(`live latency over ${latencies.length} records: median ${median().toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms\n`);
});

interface Step { readonly line: string; readonly expect?: string }

/** Writes each line into `cat | chainsaw ARGS`; a line with `expect` must show before the next is written. */
async function drive(args: readonly string[], steps: readonly Step[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const live = new Live('cat | exec "$@"', args);
  try {
    let started = false;
    for (const s of steps) {
      live.child.stdin!.write(s.line);
      if (s.expect === undefined) {
        await sleep(30);
        continue;
      }
      const ms = await live.waitFor(s.expect);
      // The first record shown also waited for node to start.
      if (started) latencies.push(ms);
      started = true;
    }
    live.child.stdin!.end();
    const code = await live.closed;
    return { code, stdout: live.stdout, stderr: live.stderr };
  } finally {
    live.kill();
  }
}

describe('a live pipe: each record shows as soon as its line arrives (issue 10)', () => {
  const file = join(tmp, 'three.log');
  writeFileSync(file, L1 + L2 + L3);

  it.each([
    ['human', 'first', 'second', 'third'],
    ['table', 'first', 'second', 'third'],
    ['json', '"first"', '"second"', '"third"'],
    ['raw', L1, L2, L3],
    ['logfmt', 'msg=first', 'msg=second', 'msg=third'],
    ['csv', 'first\n', 'second\n', 'third\n'],
    ['tsv', 'first\n', 'second\n', 'third\n'],
  ])('-o %s', async (mode, e1, e2, e3) => {
    const r = await drive(['-o', mode], [{ line: L1, expect: e1 }, { line: L2, expect: e2 }, { line: L3, expect: e3 }]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The same bytes as a run over the file (a table's widths come from its first block, so it is read by content).
    const batch = await runChainsaw(['-o', mode, file]);
    if (mode === 'table') expect(r.stdout.split('\n').map((l) => l.split(/\s+/)[3])).toEqual(batch.stdout.split('\n').map((l) => l.split(/\s+/)[3]));
    else expect(r.stdout).toBe(batch.stdout);
  });

  it.each([
    [['-l', 'warn'], [{ line: L1 }, { line: L2, expect: L2 }, { line: L3, expect: L3 }], L2 + L3],
    [['-t', 'tx-1'], [{ line: L1, expect: L1 }, { line: L2 }, { line: L3, expect: L3 }], L1 + L3],
    [['-q', 'level <= err or short_message == "first"'], [{ line: L1, expect: L1 }, { line: L2 }, { line: L3, expect: L3 }], L1 + L3],
    [['-v', '-l', 'warn'], [{ line: L1, expect: L1 }, { line: 'plain text\n', expect: 'plain text\n' }, { line: L3 }], L1 + 'plain text\n'],
  ])('%j -o raw', async (args, steps, all) => {
    const r = await drive([...args, '-o', 'raw'], steps);
    expect(r).toEqual({ code: 0, stdout: all, stderr: '' });
  });

  it('context after a match (-A 1) shows the match at once, and its context as it comes', async () => {
    const r = await drive(['-A', '1', '-l', 'err', '-o', 'raw'], [{ line: L1 }, { line: L3, expect: L3 }, { line: L2, expect: L3 + L2 }, { line: L1 }]);
    expect(r).toEqual({ code: 0, stdout: L3 + L2, stderr: '' });
  });

  it('a FIFO named as FILE is live too', async () => {
    const fifo = join(tmp, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const live = new Live('exec "$@"', ['-o', 'raw', fifo]);
    const writer = createWriteStream(fifo);
    try {
      writer.write(L1);
      await live.waitFor(L1);
      writer.write(L2);
      latencies.push(await live.waitFor(L1 + L2));
      writer.end();
      expect(await live.closed).toBe(0);
      expect(live.stdout).toBe(L1 + L2);
    } finally {
      writer.destroy();
      live.kill();
    }
  });

  it('merged with a file: a record held for the merge goes out after 100 ms of silence on the live input', async () => {
    const merged = join(tmp, 'merged.log');
    const f1 = gelf('f1', 1324890886, 6, 'a'), f3 = gelf('f3', 1324890888, 6, 'a');
    const s2 = gelf('s2', 1324890887, 6, 'b'), s4 = gelf('s4', 1324890889, 6, 'b');
    writeFileSync(merged, f1 + f3);
    const live = new Live('cat | exec "$@"', ['-o', 'raw', merged, '-']);
    try {
      live.child.stdin!.write(s2);
      await live.waitFor(f1 + s2);
      // f3 may still be preceded by a later line of stdin; after 100 ms of silence it is released.
      const waited = await live.waitFor(f1 + s2 + f3);
      expect(waited).toBeGreaterThanOrEqual(50);
      live.child.stdin!.write(s4);
      await live.waitFor(f1 + s2 + f3 + s4);
      live.child.stdin!.end();
      expect(await live.closed).toBe(0);
      expect(live.stdout).toBe(f1 + s2 + f3 + s4);
    } finally {
      live.kill();
    }
  });

  it('tail -F FILE | chainsaw shows an appended line within a second', async () => {
    const log = join(tmp, 'current');
    writeFileSync(log, L1 + L2);
    const live = new Live('tail -n +1 -s 0.1 -F "$3" | exec "$1" "$2" -l warn', [log]);
    try {
      await live.waitFor('second');
      appendFileSync(log, L3);
      latencies.push(await live.waitFor('third', 1000));
      expect(live.stdout).toBe('2011-12-26T09:14:47.200Z WARN  api1: second txnId=tx-2\n2011-12-26T09:14:48.300Z ERROR api1: third txnId=tx-1\n');
    } finally {
      live.kill();
    }
    await live.closed;
  });

  it('a record reaches stdout within 50 ms of its line (the median over the runs above; the CPU is shared)', () => {
    expect(latencies.length).toBeGreaterThan(15);
    expect(median()).toBeLessThan(50);
  });
});
