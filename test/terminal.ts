import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
