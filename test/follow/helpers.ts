import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { BIN } from '../helpers.js';

/** A running `chainsaw -F …`, its output gathered as it comes. */
export class Follower {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly closed: Promise<number | null>;

  constructor(args: readonly string[], env: { [k: string]: string } = {}) {
    this.child = spawn(process.execPath, [BIN, '-F', ...args], { env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', TZ: 'UTC', XDG_CONFIG_HOME: '/nonexistent', ...env } });
    this.child.stdout.on('data', (b: Buffer) => { this.stdout += b.toString(); });
    this.child.stderr.on('data', (b: Buffer) => { this.stderr += b.toString(); });
    this.closed = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
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

  /** SIGTERM, then the exit status. */
  async stop(): Promise<number | null> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    const code = await this.closed;
    clearTimeout(timer);
    return code;
  }

  rssKb(): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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
