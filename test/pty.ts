import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './helpers.js';

const EMPTY_CONFIG = mkdtempSync(join(tmpdir(), 'chainsaw-noconfig-'));

const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export interface PtyResult {
  code: number | null;
  /** What the terminal received, with its own newline translation off: exactly chainsaw's bytes. */
  output: string;
}

/**
 * Runs bin/chainsaw with stdout (and stderr) a real pseudo-terminal, through script(1). The
 * terminal's `\n` → `\r\n` translation is turned off first, so a CR in the output is chainsaw's.
 */
export function runInPty(args: readonly string[], opts: { env?: { [k: string]: string }; timeoutMs?: number } = {}): Promise<PtyResult> {
  const command = `stty -onlcr; exec ${[process.execPath, BIN, ...args].map(shellQuote).join(' ')}`;
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', TERM: 'xterm', XDG_CONFIG_HOME: EMPTY_CONFIG, ...opts.env };
    for (const k of ['CHAINSAW_NO_FASTPATH', 'CHAINSAW_WORKERS']) if (process.env[k] !== undefined) env[k] ??= process.env[k];
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: Buffer.concat(out).toString('utf8') });
    });
  });
}

/**
 * Control (C0 but tab and newline, DEL, C1), format (bidi, zero-width, BOM, soft hyphen, tags) and
 * separator characters. Tabs are harmless on a terminal (and TSV's own separator).
 */
export const UNSAFE_OUTPUT = /[\x00-\x08\x0b-\x1f\x7f-\x9f\p{Cf}\u2028\u2029]/u;
