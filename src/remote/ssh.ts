import { spawn, type ChildProcess } from 'node:child_process';
import type { RemotePlan } from '../cli/resolve.js';

/** The options every connection gets (after CHAINSAW_SSH's own words, which win in ssh). */
export const SSH_OPTIONS = ['-T', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=3'] as const;

export interface SshExit {
  /** ssh's status: the remote command's, or 255 when ssh itself failed. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** What the command (or ssh) wrote to stderr, line by line, control characters escaped. */
  readonly stderr: readonly string[];
  /** The child could not be started (no ssh on the PATH). */
  readonly spawnError?: Error;
}

/** The children of this run, so an interrupt, a closed pipe or an early end can stop them all. */
const running = new Set<ChildProcess>();

export function killAll(): void {
  for (const child of running) child.kill('SIGTERM');
  running.clear();
}

/** A stderr line as shown: control characters escaped, never sent to the terminal raw. */
export function printableLine(s: string): string {
  return s.replace(/\r$/, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export interface SshChild {
  readonly done: Promise<SshExit>;
  kill(): void;
}

/**
 * Runs `ssh … HOST LINE` with standard input closed; stdout goes to `onData` as it comes.
 * `CHAINSAW_SSH` replaces the `ssh` word (a wrapper, or `ssh -F config`).
 */
export function runSsh(remote: RemotePlan, host: string, line: string, onData: (b: Buffer) => void): SshChild {
  const [cmd, ...pre] = remote.ssh;
  const child = spawn(cmd!, [...pre, ...SSH_OPTIONS, host, line], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const err: Buffer[] = [];
  child.stdout!.on('data', onData);
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  const done = new Promise<SshExit>((resolve) => {
    let spawnError: Error | undefined;
    child.on('error', (e) => (spawnError = e));
    child.on('close', (code, signal) => {
      running.delete(child);
      const text = Buffer.concat(err).toString('utf8');
      const stderr = text.split('\n').map(printableLine).filter((l) => l.trim() !== '');
      resolve({ code, signal, stderr, spawnError });
    });
  });
  return { done, kill: () => child.kill('SIGTERM') };
}

/** The reason ssh gives for failing: its last stderr line, or what is known without one. */
export function sshReason(exit: SshExit, sshWord: string): string {
  if (exit.spawnError) {
    const code = (exit.spawnError as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${sshWord}: command not found (set CHAINSAW_SSH?)` : `${sshWord}: ${exit.spawnError.message}`;
  }
  const last = exit.stderr.at(-1);
  if (last) return last;
  if (exit.signal) return `ssh ended by ${exit.signal}`;
  return exit.code === 255 ? 'connection failed or lost (ssh said nothing; status 255)' : `ssh failed with status ${exit.code}`;
}
