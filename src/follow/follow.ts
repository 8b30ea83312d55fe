import { watch, type FSWatcher } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Plan } from '../cli/resolve.js';
import type { Entry } from '../entry.js';
import { InputError, UsageError } from '../errors.js';
import { LineSplitter } from '../input/lines.js';
import { entrySink, type RunResult, type Sink } from '../navigate.js';
import { runPipeline, type ErrorReporter } from '../pipeline.js';
import { InputReader, matchContext } from '../reader.js';
import { StreamTailer } from './stream.js';
import { PathTailer, SvlogdTailer, type Followed, type NewLines } from './tailer.js';

/**
 * Polling catches what watch events miss (network filesystems, some rotations); watch makes it
 * prompt. Polls that find nothing space out to IDLE_POLL_MS (tail's own --sleep-interval): 1,000
 * idle files polled every 100 ms took 4% of a core, every second under 1%.
 */
const POLL_MS = 100;
const IDLE_POLL_MS = 1000;
/**
 * What one poll reads from one input at most, into one buffer shared by all inputs: a burst
 * (a 1 GB append) streams out in batches of this, and memory stays bounded by it.
 */
const BATCH = 256 * 1024;

type Kind = 'file' | 'dir' | 'stream';

async function kindOf(name: string): Promise<Kind> {
  try {
    const st = await stat(name);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'stream';
  } catch {
    // Not there yet: followed by name, waited for.
    return 'file';
  }
}

/**
 * `-F`: the last -n records of each file (default 10), then every new record as it is written,
 * filtered and rendered like any other run, until interrupted (or -m is reached). Pipes and
 * devices are read as streams, every record as it arrives.
 */
export async function runFollow(plan: Plan, sink: Sink, report: ErrorReporter, stop: AbortSignal, notify: (msg: string) => void): Promise<RunResult> {
  const stdin = plan.inputs.filter((i) => i.stdin);
  if (stdin.length === plan.inputs.length) return runPipeline({ ...plan, tail: undefined }, sink, report);
  if (stdin.length) throw new UsageError('-F follows files: standard input cannot be followed together with them');

  const emit = entrySink(plan, sink);
  const max = plan.maxCount ?? Infinity;
  let matched = 0;
  const ctx = matchContext(plan, { keepAll: false, needTime: false });
  // A line longer than --max-line-bytes is kept as its first bytes, and said once per input
  // (without its number: following starts from the end, so lines are not counted).
  const toldOverlong = new Set<number>();
  const overlong = (i: number) => {
    if (toldOverlong.has(i)) return;
    toldOverlong.add(i);
    const max = plan.maxLineBytes;
    report(new InputError(`${plan.inputs[i]!.name}: line longer than ${max} bytes (--max-line-bytes): kept as a non-JSON line of its first ${max} bytes`));
  };
  const linesOf = (i: number): NewLines => () => new LineSplitter({ maxBytes: plan.maxLineBytes, passThrough: false, countLines: false, onOverlong: () => overlong(i) });

  // A change seen while a poll runs is not lost: the next round starts at once. The wait is
  // ended from a task of its own, never inside the watch callback: libuv reads watch events in a
  // loop, and a poll run from there whose output lands in a watched directory would feed it
  // events forever, starving signals.
  let changed = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    changed = true;
    if (wake) setImmediate(wake);
  };

  const show = (entries: readonly Entry[]): boolean => {
    for (const e of entries) {
      if (matched >= max) return false;
      matched++;
      emit(e);
    }
    return matched < max;
  };

  const kinds = await Promise.all(plan.inputs.map((i) => kindOf(i.name)));
  const inputs: Followed[] = [];
  const readers: InputReader[] = [];
  const watched: string[][] = [];
  // Start: the last -n matching records of each file that exists, then follow from that point.
  for (let i = 0; i < kinds.length; i++) {
    const name = plan.inputs[i]!.name;
    if (kinds[i] === 'stream') {
      const s = new StreamTailer(name, poke, linesOf(i));
      s.start();
      inputs.push(s);
      readers.push(new InputReader({ name }, i, ctx));
      watched.push([]);
      continue;
    }
    const t = kinds[i] === 'dir' ? new SvlogdTailer(name, linesOf(i)) : new PathTailer(name, linesOf(i));
    inputs.push(t);
    readers.push(new InputReader({ name: t.path }, i, ctx));
    // The directory's watch sees the file change, and a new file take its name (a link's target
    // elsewhere is watched itself).
    const link = await lstat(t.path).then((st) => st.isSymbolicLink(), () => false);
    watched.push(kinds[i] === 'dir' ? [name] : link ? [dirname(t.path), t.path] : [dirname(t.path)]);
    // The last records are read before the file is held open: near the descriptor limit, a file
    // either shows them and is followed, or is reported.
    const size = await stat(t.path).then((st) => (st.isFile() ? st.size : undefined), () => undefined);
    if (size !== undefined && plan.tail && plan.tail > 0) {
      const last = await readers[i]!.lastMatches(plan.tail, size).catch(() => undefined);
      if (last) show(last);
    }
    t.start(size);
  }
  await sink.output.flush(true);

  const watchers: FSWatcher[] = [];
  for (const p of new Set(watched.flat())) {
    try {
      const w = watch(p, { persistent: false }, (event, file) => {
        // A new file at a followed name is opened at once, before it can be renamed away again.
        if (event === 'rename') {
          for (let i = 0; i < inputs.length; i++) if (watched[i]!.includes(p)) inputs[i]!.changed?.(file ? String(file) : null);
        }
        poke();
      });
      w.on('error', () => undefined);
      watchers.push(w);
    } catch {
      // Not there yet, or not watchable: polling covers it.
    }
  }
  stop.addEventListener('abort', poke);

  const scratch = Buffer.allocUnsafe(BATCH);
  let pause = POLL_MS;
  try {
    while (!stop.aborted && matched < max && !sink.output.closed) {
      changed = false;
      let more = false;
      let read = false;
      for (let i = 0; i < inputs.length && matched < max; i++) {
        const { blocks, notices, errors, more: pending } = inputs[i]!.poll(scratch);
        for (const n of notices) notify(n);
        for (const e of errors) report(e);
        for (const b of blocks) if (!show(readers[i]!.matchBlock(b.bytes, b.cut))) break;
        more ||= pending;
        read ||= blocks.length > 0 || notices.length > 0;
      }
      // Written before the next batch is read: output keeps pace with input, memory stays flat.
      await sink.output.flush(true);
      if (stop.aborted || matched >= max) break;
      if (more || changed) {
        // A turn of the event loop (signals, watch events), then on at once.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      pause = read ? POLL_MS : Math.min(IDLE_POLL_MS, pause * 2);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pause);
        function done() {
          clearTimeout(timer);
          if (wake === done) wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  } finally {
    for (const w of watchers) w.close();
    for (const t of inputs) t.close();
  }
  return { matched };
}
