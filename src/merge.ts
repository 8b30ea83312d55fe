import type { Entry } from './entry.js';

/** A min-heap of input cursors by (time, input index): a k-way merge that is stable for equal times. */
class MergeHeap {
  private heap: { entries: Entry[]; i: number; it: AsyncIterator<Entry[]> }[] = [];

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

  push(c: { entries: Entry[]; i: number; it: AsyncIterator<Entry[]> }): void {
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
  get cursors() { return this.heap; }
}

/**
 * Merges time-ordered batch streams into one, in batches. A batch is yielded before any input is
 * asked for more, so the consumer is done with an input's lines before that input reads on.
 */
export async function* mergeByTime(streams: AsyncIterable<Entry[]>[]): AsyncGenerator<Entry[]> {
  const heap = new MergeHeap();
  const its = streams.map((s) => s[Symbol.asyncIterator]());
  try {
    // One input at a time: 500 inputs must not hold 500 descriptors at once.
    for (const it of its) {
      const r = await it.next();
      if (!r.done) heap.push({ entries: r.value, i: 0, it });
    }
    let out: Entry[] = [];
    while (heap.size > 0) {
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
        const r = await c.it.next();
        if (r.done) heap.pop();
        else {
          c.entries = r.value;
          c.i = 0;
          heap.siftDown(0);
        }
      }
      if (out.length >= 4096) {
        yield out;
        out = [];
      }
    }
    if (out.length) yield out;
  } finally {
    await Promise.all(its.map((it) => it.return?.(undefined)));
  }
}

export async function* concat(streams: AsyncIterable<Entry[]>[]): AsyncGenerator<Entry[]> {
  for (const s of streams) yield* s;
}

export async function* fromArray(entries: Entry[]): AsyncGenerator<Entry[]> {
  if (entries.length) yield entries;
}

