import { spawn, type ChildProcess } from 'node:child_process';
import { splitWords } from './cli/config.js';

/** A running pager: write the output into `input`, then `close()` waits for the user to quit it. */
export interface Pager {
  readonly input: NodeJS.WritableStream;
  close(): Promise<void>;
}

/** The pager command: $CHAINSAW_PAGER, else $PAGER, else less; none when empty or `cat` (as git). */
export function pagerCommand(env: NodeJS.ProcessEnv): string[] | undefined {
  const words = splitWords(env.CHAINSAW_PAGER ?? env.PAGER ?? 'less');
  return words.length === 0 || (words.length === 1 && words[0] === 'cat') ? undefined : words;
}

/**
 * Starts the pager with the terminal as its output. Resolves once it runs; a pager that cannot be
 * started rejects with the reason, and the caller writes to the terminal itself.
 */
export function startPager(words: readonly string[], env: NodeJS.ProcessEnv): Promise<Pager> {
  // LESS=FRX as git and bunyan set it: quit when it fits one screen, pass colors, keep the screen.
  const childEnv = { ...env, LESS: env.LESS ?? 'FRX', LV: env.LV ?? '-c' };
  const child: ChildProcess = spawn(words[0]!, words.slice(1), { stdio: ['pipe', 'inherit', 'inherit'], env: childEnv });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('error', (e) => reject(e));
    child.once('spawn', () => {
      // Later failures (a pager that quit early) reach the writer as a closed pipe.
      child.on('error', () => undefined);
      const input = child.stdin!;
      resolve({
        input,
        async close() {
          input.end();
          await exited;
        },
      });
    });
  });
}
