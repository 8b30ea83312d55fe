import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Plan } from '../cli/resolve.js';
import type { Entry } from '../entry.js';
import { UsageError } from '../errors.js';
import { entrySink, type RunResult, type Sink } from '../navigate.js';
import { runPipeline, type ErrorReporter } from '../pipeline.js';
import { InputReader, matchContext } from '../reader.js';
import { Tailer } from './tailer.js';

/** Polling catches what watch events miss (network filesystems, some rotations); watch makes it prompt. */
const POLL_MS = 100;

async function followedPath(name: string): Promise<string> {
  try {
    return (await stat(name)).isDirectory() ? join(name, 'current') : name;
  } catch {
    return name;
  }
}

/**
 * `-F`: the last -n records of each file (default 10), then every new record as it is written,
 * filtered and rendered like any other run, until interrupted (or -m is reached).
 */
export async function runFollow(plan: Plan, sink: Sink, report: ErrorReporter, stop: AbortSignal, notify: (msg: string) => void): Promise<RunResult> {
  const stdin = plan.inputs.filter((i) => i.stdin);
  if (stdin.length === plan.inputs.length) return runPipeline({ ...plan, tail: undefined }, sink, report);
  if (stdin.length) throw new UsageError('-F follows files: standard input cannot be followed together with them');

  const emit = entrySink(plan, sink);
  const max = plan.maxCount ?? Infinity;
  let matched = 0;
  const ctx = matchContext(plan, { keepAll: false, needTime: false });
  const paths = await Promise.all(plan.inputs.map((i) => followedPath(i.name)));
  const readers = paths.map((p, i) => new InputReader({ name: p }, i, ctx));
  const tailers = paths.map((p) => new Tailer(p));

  const show = (entries: readonly Entry[]): boolean => {
    for (const e of entries) {
      if (matched >= max) return false;
      matched++;
      emit(e);
    }
    return matched < max;
  };

  // Start: the last -n matching records of each file that exists, then follow from that point.
  for (let i = 0; i < tailers.length; i++) {
    let size: number | undefined;
    try {
      size = (await stat(paths[i]!)).size;
    } catch {
      size = undefined;
    }
    if (size !== undefined && plan.tail && plan.tail > 0) {
      const last = await readers[i]!.lastMatches(plan.tail, size).catch(() => undefined);
      if (last) show(last);
    }
    await tailers[i]!.start(size);
  }
  await sink.output.flush(true);

  let wake: (() => void) | undefined;
  const watchers: FSWatcher[] = [];
  const poke = () => wake?.();
  for (const p of new Set(paths.flatMap((p) => [p, dirname(p)]))) {
    try {
      const w = watch(p, { persistent: false }, poke);
      w.on('error', () => undefined);
      watchers.push(w);
    } catch {
      // Not there yet, or not watchable: polling covers it.
    }
  }
  stop.addEventListener('abort', poke);

  try {
    while (!stop.aborted && matched < max && !sink.output.closed) {
      for (let i = 0; i < tailers.length && matched < max; i++) {
        const { block, notices } = await tailers[i]!.poll();
        for (const n of notices) notify(n);
        if (block.length) show(readers[i]!.matchBlock(block));
      }
      await sink.output.flush(true);
      if (stop.aborted || matched >= max) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, POLL_MS);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    for (const w of watchers) w.close();
    await Promise.all(tailers.map((t) => t.close()));
  }
  return { matched };
}
