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
 * A stream's batches; `idle` runs when the next batch has not come within `ms` (so once per
 * pause of the input, not once per line). One timer, re-armed for each wait: a timer and a race
 * per batch cost `cat big.log | chainsaw -o raw` a tenth more CPU.
 */
async function* withIdle<T>(stream: AsyncIterable<T>, ms: number, idle: () => Promise<void>): AsyncGenerator<T> {
  const it = stream[Symbol.asyncIterator]();
  let waiting = false;
  // What is written while the consumer is suspended (awaiting the next batch) keeps its order.
  const timer = setTimeout(() => { if (waiting) idle().catch(() => undefined); }, ms).unref();
  try {
    for (;;) {
      waiting = true;
      timer.refresh();
      const r = await it.next();
      waiting = false;
      if (r.done) return;
      yield r.value;
    }
  } finally {
    clearTimeout(timer);
    await it.return?.(undefined);
  }
}

/**
 * grep's context rule over a stream: `show(e, seq, isMatch)` for each of the first `max` matches
 * and the `before`/`after` records around them, each once and in order (seq numbers every record
 * of the stream, so a gap means the groups are not adjacent). `afterBatch` runs after each batch;
 * false stops the walk. Returns the number of matches shown.
 */
async function walkContext(
  batches: AsyncIterable<Entry[]>, before: number, after: number, max: number,
  show: (e: Entry, seq: number, match: boolean) => void, afterBatch: () => Promise<boolean>,
): Promise<number> {
  let matched = 0;
  let seq = 0;
  let afterLeft = 0;
  const held: { e: Entry; seq: number }[] = [];
  outer: for await (const batch of batches) {
    for (const e of batch) {
      const s = seq++;
      if (e.matched && matched < max) {
        for (const b of held) show(b.e, b.seq, false);
        held.length = 0;
        matched += e.lines;
        show(e, s, true);
        afterLeft = after;
      } else if (afterLeft > 0) {
        afterLeft--;
        show(e, s, false);
      } else {
        if (matched >= max) break outer;
        if (before > 0) {
          held.push({ e, seq: s });
          if (held.length > before) held.shift();
        }
      }
      if (matched >= max && afterLeft === 0) break outer;
    }
    if (!(await afterBatch())) break;
  }
  return matched;
}

/** What -n N keeps with context: the groups of the last N matches, as a window over the shown records. */
class LastGroups {
  private kept: { e: Entry; seq: number; match: boolean }[] = [];
  private head = 0;
  private matches = 0;

  constructor(private readonly n: number, private readonly before: number) {}

  add(e: Entry, seq: number, match: boolean): void {
    this.kept.push({ e, seq, match });
    if (match && ++this.matches > this.n) this.dropOldest();
  }

  /** Drops the oldest match and what only it needed: records before its successor's context. */
  private dropOldest(): void {
    const k = this.kept;
    while (!k[this.head]!.match) this.head++;
    this.head++;
    this.matches--;
    let next = this.head;
    while (!k[next]!.match) next++;
    const from = k[next]!.seq - this.before;
    while (this.head < next && k[this.head]!.seq < from) this.head++;
    if (this.head > 1024 && this.head * 2 > k.length) {
      this.kept = k.slice(this.head);
      this.head = 0;
    }
  }

  get entries() {
    return this.kept.slice(this.head);
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

  if (plan.tail !== undefined && !plan.context) {
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

  let lastShown = -1;
  const show = (e: Entry, s: number): void => {
    // -A/-B/-C (even 0): `--` between groups that are not adjacent, as grep prints it.
    if (plan.context && lastShown >= 0 && s > lastShown + 1 && renderer && !plan.count && !stats) {
      output.write(renderer.separator ? renderer.separator() : '--\n');
    }
    lastShown = s;
    emit(e);
    // Shown: its record is not needed again, and should die young rather than wait for the batch.
    e.forget();
  };

  if (plan.tail !== undefined) {
    // -n with context: the last N matches with their context, then shown as -C shows them.
    const last = new LastGroups(plan.tail, plan.before);
    if (plan.tail > 0) await walkContext(stream, plan.before, plan.after, Infinity, (e, s, m) => last.add(e, s, m), async () => true);
    let afterLeft = 0;
    for (const { e, seq, match } of last.entries) {
      if (match) {
        if (matched >= max) break;
        matched++;
        afterLeft = plan.after;
      } else if (matched >= max && afterLeft-- <= 0) break;
      show(e, seq);
    }
    await output.flush();
    return { matched };
  }

  const batches = live && !plan.count && !stats
    ? withIdle(stream, LIVE_FLUSH_MS, async () => {
      if (renderer?.pending) output.write(renderer.pending());
      await output.flush(true);
    })
    : stream;
  matched = await walkContext(batches, plan.before, plan.after, max, show, async () => {
    await output.flush();
    return !output.closed;
  });
  return { matched };
}
