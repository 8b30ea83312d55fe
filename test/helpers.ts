import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..');
export const BIN = join(ROOT, 'bin', 'chainsaw');
export const fixture = (...p: string[]): string => join(ROOT, 'fixtures', ...p);

/**
 * The mixed corpus (every shape, text lines among them) repeated `times` times into a file in a
 * fresh temporary directory: a big input made from the fixtures. `remove` deletes it.
 */
export function repeatedCorpus(times: number): { path: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'chainsaw-big-'));
  const path = join(dir, 'big.log');
  const corpus = readFileSync(fixture('corpus', 'mixed.log'));
  const fd = openSync(path, 'w');
  for (let i = 0; i < times; i++) writeSync(fd, corpus);
  closeSync(fd);
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An empty config home, so a developer's own config never leaks into a test. */
const EMPTY_CONFIG = mkdtempSync(join(tmpdir(), 'chainsaw-noconfig-'));

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

export interface RunOptions {
  stdin?: string | Buffer;
  env?: { [k: string]: string | undefined };
  cwd?: string;
  timeoutMs?: number;
}

/** Spawns the real bin/chainsaw and waits for it to close (never for the first data event). */
export function runChainsaw(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', TZ: 'UTC', XDG_CONFIG_HOME: EMPTY_CONFIG };
    // The fast-path switches pass through, so the whole suite can be run with them off.
    for (const k of ['CHAINSAW_NO_FASTPATH', 'CHAINSAW_WORKERS']) if (process.env[k] !== undefined) env[k] = process.env[k];
    for (const [k, v] of Object.entries(opts.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolvePromise({ code, signal, stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined);
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
  });
}
