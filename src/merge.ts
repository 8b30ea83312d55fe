import type { Entry } from './entry.js';

/** One input's place in the merge: its current batch and the next entry in it. */
interface Cursor {
  entries: Entry[];
  i: number;
  readonly k: number;
}

/** A min-heap of input cursors by (time, input index): a k-way merge that is stable for equal times. */
class MergeHeap {
  private heap: Cursor[] = [];

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!, y = this.heap[b]!;
    const ex = x.entries[x.i]!, ey = y.entries[y.i]!;
    return ex.sortTime < ey.sortTime || (ex.sortTime === ey.sortTime && ex.input < ey.input);
  }

  private swap(a: number, b: number): void {
    const t = this.heap[a]!;
    this.heap[a] = this.heap[b]!;
    this.heap[b] = t;
  }

  push(c: Cursor): void {
    this.heap.push(c);
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Restores the heap after the top cursor moved on. */
  siftDown(i = 0): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  top() { return this.heap[0]; }

  pop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  get size(): number { return this.heap.length; }
}

/**
 * How long a live input (a pipe, a FIFO) may be silent while the others hold records that it
 * might still precede: then they go on without it, and its later records join when they come.
 */
const SILENCE_MS = 100;

/** A live input's read that outlasted SILENCE_MS: the merge goes on, and takes its batch once it is there. */
interface Parked {
  readonly k: number;
  readonly read: Promise<IteratorResult<Entry[]>>;
  result?: IteratorResult<Entry[]>;
  error?: { e: unknown };
}

/**
 * Merges time-ordered batch streams into one, in batches. A batch is yielded before any input is
 * asked for more, so the consumer is done with an input's lines before that input reads on.
 * `live[k]` marks an input that is not a regular file: a record is never held more than
 * SILENCE_MS waiting for it.
 */
export async function* mergeByTime(streams: AsyncIterable<Entry[]>[], live: readonly boolean[] = []): AsyncGenerator<Entry[]> {
  const heap = new MergeHeap();
  const its = streams.map((s) => s[Symbol.asyncIterator]());
  const parked = new Set<Parked>();
  const admit = (k: number, r: IteratorResult<Entry[]>): void => {
    if (!r.done) heap.push({ entries: r.value, i: 0, k });
  };
  /** Reads an input's next batch into the heap; a live input that stays silent is parked instead. */
  const fetch = async (k: number): Promise<void> => {
    const read = its[k]!.next();
    if (!live[k]) return admit(k, await read);
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), SILENCE_MS); });
    const r = await Promise.race([read, silent]);
    clearTimeout(timer);
    if (r !== undefined) return admit(k, r);
    const p: Parked = { k, read };
    read.then((v) => { p.result = v; }, (e: unknown) => { p.error = { e }; });
    parked.add(p);
  };
  /** Parked inputs whose batch has come back join the heap. */
  const unpark = (): void => {
    for (const p of parked) {
      if (p.error) throw p.error.e;
      if (!p.result) continue;
      parked.delete(p);
      admit(p.k, p.result);
    }
  };
  try {
    // One input at a time: 500 inputs must not hold 500 descriptors at once.
    for (let k = 0; k < its.length; k++) await fetch(k);
    let out: Entry[] = [];
    while (heap.size > 0 || parked.size > 0) {
      if (parked.size > 0) unpark();
      if (heap.size === 0) {
        // Nothing left but silent live inputs: wait for whichever speaks first.
        if (out.length) {
          yield out;
          out = [];
        }
        await Promise.race([...parked].map((p) => p.read.then(() => undefined, () => undefined)));
        continue;
      }
      const c = heap.top()!;
      out.push(c.entries[c.i]!);
      c.i++;
      if (c.i < c.entries.length) {
        heap.siftDown(0);
      } else {
        // Everything merged so far goes out before any input reads on: an input may then reuse
        // the buffer its earlier lines were read into.
        if (out.length) {
          yield out;
          out = [];
        }
        heap.pop();
        await fetch(c.k);
      }
      if (out.length >= 4096) {
        yield out;
        out = [];
      }
    }
    if (out.length) yield out;
  } finally {
    // A parked input is still waiting for its read: its end is not waited for (the run is over).
    const waiting = new Set([...parked].map((p) => p.k));
    await Promise.all(its.map((it, k) => (waiting.has(k) ? void it.return?.(undefined)?.catch(() => undefined) : it.return?.(undefined))));
  }
}

export async function* concat(streams: AsyncIterable<Entry[]>[]): AsyncGenerator<Entry[]> {
  for (const s of streams) yield* s;
}

export async function* fromArray(entries: Entry[]): AsyncGenerator<Entry[]> {
  if (entries.length) yield entries;
}

