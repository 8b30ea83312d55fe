import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from './helpers.js';

/** Whether a command is on the PATH. */
export function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

let sessions = 0;

/**
 * tmux runs a session's command with the user's shell, which may read a startup file that resets
 * PATH (bash with BASH_ENV): the tests' tmux uses /bin/sh, and no user configuration.
 */
const CONFIG = join(mkdtempSync(join(tmpdir(), 'chainsaw-tmux-')), 'tmux.conf');
writeFileSync(CONFIG, 'set -g default-shell /bin/sh\n');

/**
 * A real terminal: a tmux server of its own (its own socket) running one command in an 80×24
 * window. Keys are typed with send-keys and the screen is read with capture-pane, as a person
 * would see it.
 */
export class Terminal {
  private readonly socket = `chainsaw-test-${process.pid}-${sessions++}`;

  constructor(command: string, env: { [k: string]: string } = {}, size = { columns: 80, rows: 24 }) {
    // Assignments before exec, not tmux's -e: tmux gives a new pane the client's PATH.
    const assign = Object.entries(env).map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`).join(' ');
    this.tmux('new-session', '-d', '-x', String(size.columns), '-y', String(size.rows), `${assign} exec ${command}`);
    // The window stays after the command ends, so its last screen can still be read.
    this.tmux('set-option', '-t', '0', 'remain-on-exit', 'on');
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', CONFIG, ...args], { encoding: 'utf8' });
  }

  /** Types keys (tmux key names such as Tab, Enter, C-c, or literal text). */
  send(...keys: string[]): void {
    this.tmux('send-keys', '-t', '0', ...keys);
  }

  /** The screen as text, trailing blank lines dropped. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', '0').replace(/\n+$/, '\n');
  }

  /** Whether the command in the window has ended. */
  ended(): boolean {
    return this.tmux('display-message', '-p', '-t', '0', '#{pane_dead}').trim() === '1';
  }

  /** Waits until the screen satisfies `test`; throws with the screen after `ms`. */
  async waitFor(test: (screen: string) => boolean, ms = 5000): Promise<string> {
    const until = Date.now() + ms;
    for (;;) {
      const s = this.screen();
      if (test(s)) return s;
      if (Date.now() > until) throw new Error(`terminal never showed what was waited for; the screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone.
    }
  }
}

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
  // Without the pager: what is checked is chainsaw's own bytes.
  const command = `stty -onlcr; exec ${[process.execPath, BIN, '--no-pager', ...args].map(shellQuote).join(' ')}`;
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
