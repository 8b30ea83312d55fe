import type { Entry } from './entry.js';
import type { Plan } from './cli/resolve.js';
import type { Output } from './output.js';
import type { Renderer } from './render/renderer.js';
import type { StatsCollector } from './stats.js';

/** The sink side: where entries go after filtering and merging. */
export interface Sink {
  readonly renderer: Renderer | undefined;
  readonly output: Output;
  readonly stats: StatsCollector | undefined;
}

export interface RunResult {
  /** Records that matched (or, without filters, lines shown). */
  matched: number;
}

/** Sends one entry where the run wants it: the stats, or the renderer (nothing for -c). */
export function entrySink(plan: Plan, sink: Sink): (e: Entry) => void {
  const { output, renderer, stats } = sink;
  return (e) => {
    if (stats) {
      const rec = e.record;
      if (rec) stats.add(rec);
      else stats.addInvalid();
    } else if (renderer && !plan.count) {
      output.write(renderer.render(e));
    }
  };
}

/**
 * How long live output may wait for the next batch before what is gathered is written: output
 * stays batched while the input keeps data coming, and a record that arrived alone goes out at once.
 */
const LIVE_FLUSH_MS = 5;

/**
 * A stream's batches; `idle` runs whenever the next batch has not come within `ms` (so once per
 * pause of the input, not once per line).
 */
async function* withIdle<T>(stream: AsyncIterable<T>, ms: number, idle: () => Promise<void>): AsyncGenerator<T> {
  const it = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = it.next();
      let timer: NodeJS.Timeout | undefined;
      const quiet = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ms); });
      let r = await Promise.race([next, quiet]);
      clearTimeout(timer);
      if (r === undefined) {
        await idle();
        r = await next;
      }
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await it.return?.(undefined);
  }
}

/**
 * Tail, context, max count, count and stats over the merged stream, then rendering. With `live`
 * (an input that is not a regular file), what is gathered is written whenever the input pauses.
 */
export async function navigate(stream: AsyncIterable<Entry[]>, plan: Plan, sink: Sink, live = false): Promise<RunResult> {
  const { output, renderer, stats } = sink;
  let matched = 0;
  const max = plan.maxCount ?? Infinity;
  const emit = entrySink(plan, sink);
  if (max === 0) return { matched: 0 };

  if (plan.tail !== undefined) {
    const ring: Entry[] = [];
    const n = plan.tail;
    if (n > 0) {
      for await (const batch of stream) {
        for (const e of batch) {
          if (!e.matched) continue;
          ring.push(e);
          if (ring.length > n) ring.shift();
        }
      }
    }
    for (const e of ring) {
      matched++;
      emit(e);
      if (matched >= max) break;
    }
    await output.flush();
    return { matched };
  }

  const context = plan.before > 0 || plan.after > 0;
  let seq = 0;
  let lastShown = -1;
  let afterLeft = 0;
  const before: { e: Entry; seq: number }[] = [];
  const show = (e: Entry, s: number): void => {
    if (context && lastShown >= 0 && s > lastShown + 1 && renderer && !plan.count && !stats) {
      output.write(renderer.separator ? renderer.separator() : '--\n');
    }
    lastShown = s;
    emit(e);
    // Shown: its record is not needed again, and should die young rather than wait for the batch.
    e.forget();
  };

  const batches = live && !plan.count && !stats
    ? withIdle(stream, LIVE_FLUSH_MS, async () => {
      if (renderer?.pending) output.write(renderer.pending());
      await output.flush(true);
    })
    : stream;
  outer: for await (const batch of batches) {
    for (const e of batch) {
      const s = seq++;
      if (e.matched && matched < max) {
        for (const b of before) show(b.e, b.seq);
        before.length = 0;
        matched++;
        show(e, s);
        afterLeft = plan.after;
      } else if (afterLeft > 0) {
        afterLeft--;
        show(e, s);
      } else {
        if (matched >= max) break outer;
        if (plan.before > 0) {
          before.push({ e, seq: s });
          if (before.length > plan.before) before.shift();
        }
      }
      if (matched >= max && afterLeft === 0) break outer;
    }
    await output.flush();
    if (output.closed) break;
  }
  return { matched };
}
