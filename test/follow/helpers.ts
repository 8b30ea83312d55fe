import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers.js';

export interface FollowerOptions {
  readonly env?: { [k: string]: string };
  /** Keep only the count of output lines and the last few KB (for outputs of hundreds of MB). */
  readonly countOnly?: boolean;
  /** Run this instead of `node bin/chainsaw -F ARGS` (e.g. under `sh -c` for ulimit or `<(…)`). */
  readonly command?: readonly [string, ...string[]];
}

/** A running `chainsaw -F …`, its output gathered as it comes. */
export class Follower {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  /** Output lines so far (newlines seen). */
  newlines = 0;
  readonly closed: Promise<number | null>;

  private static running = new Set<Follower>();

  /** Kills what a failed test left running. */
  static killAll(): void {
    for (const f of Follower.running) f.child.kill('SIGKILL');
  }

  constructor(args: readonly string[], opts: FollowerOptions = {}) {
    const [cmd, ...rest] = opts.command ?? [process.execPath, BIN, '-F', ...args];
    // A shell's stdin is not a socket (bash would take that for sshd and read ~/.bashrc).
    const stdio = opts.command ? (['ignore', 'pipe', 'pipe'] as const) : (['pipe', 'pipe', 'pipe'] as const);
    this.child = spawn(cmd, rest, { stdio: [...stdio], env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', TZ: 'UTC', XDG_CONFIG_HOME: '/nonexistent', BIN, ...opts.env } }) as ChildProcessWithoutNullStreams;
    this.child.stdout.on('data', (b: Buffer) => {
      for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) this.newlines++;
      this.stdout += b.toString();
      if (opts.countOnly && this.stdout.length > 8192) this.stdout = this.stdout.slice(-4096);
    });
    this.child.stderr.on('data', (b: Buffer) => { this.stderr += b.toString(); });
    Follower.running.add(this);
    this.closed = new Promise((resolve) => this.child.on('close', (code) => {
      Follower.running.delete(this);
      resolve(code);
    }));
  }

  lines(): string[] {
    return this.stdout.split('\n').filter((l) => l !== '');
  }

  /** Waits until the output satisfies `ok`, failing after `ms`. */
  async waitFor(ok: (lines: string[]) => boolean, ms = 5000): Promise<void> {
    const until = Date.now() + ms;
    while (!ok(this.lines())) {
      if (Date.now() > until) throw new Error(`timed out; output so far:\n${this.stdout.slice(-2000)}\nstderr:\n${this.stderr.slice(-2000)}`);
      await sleep(20);
    }
  }

  /**
   * Signals it and checks that it ends by itself within 2 s (not killed after 3 s); returns the
   * exit status.
   */
  async stopsAtOnce(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const started = Date.now();
    const code = await this.stop(signal, 3000);
    if (Date.now() - started >= 2000) throw new Error(`${signal} took ${Date.now() - started} ms to end it`);
    return code;
  }

  /** SIGTERM (or another signal), then the exit status; null when it had to be killed after `ms`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', ms = 5000): Promise<number | null> {
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    const code = await this.closed;
    clearTimeout(timer);
    return code;
  }

  rssKb(): number {
    return this.status('VmRSS');
  }

  /** Peak resident memory so far, in kB. */
  peakKb(): number {
    return this.status('VmHWM');
  }

  private status(field: string): number {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const made: string[] = [];

/** A fresh temporary directory, removed by cleanUp. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'chainsaw-follow-'));
  made.push(d);
  return d;
}

/** After each test: kills what a failed test left running, removes its temporary directories. */
export function cleanUp(): void {
  Follower.killAll();
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export const numbered = (n: number) => `{"level":6,"msg":"n=${n}"}\n`;

export function append(path: string, text: string): void {
  appendFileSync(path, text);
}

/** The numbers in the output, in order. */
export function numbersIn(lines: readonly string[]): number[] {
  return lines.map((l) => /n=(\d+)/.exec(l)).filter((m) => m !== null).map((m) => Number(m![1]));
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
