const NL = 0x0a;
const CR = 0x0d;

/**
 * Regroups chunks into blocks that end on a line boundary, so a line is never split across
 * blocks. A line longer than a chunk is gathered piece by piece and joined once. The last block
 * (from `end`) may end without a newline: the input's last line.
 */
export class LineSplitter {
  private pending: Buffer[] = [];

  /** The whole lines completed by this chunk; a block is only valid until the chunk is reused. */
  *push(chunk: Buffer): Generator<Buffer> {
    const lastNl = chunk.lastIndexOf(NL);
    // What is kept across chunks is copied: chunks may be read buffers that get reused.
    if (lastNl < 0) {
      if (chunk.length) this.pending.push(Buffer.from(chunk));
      return;
    }
    let from = 0;
    if (this.pending.length) {
      // Join only the line that spans chunks; copying the whole chunk would double the bytes moved.
      const firstNl = chunk.indexOf(NL);
      const joined = Buffer.concat([...this.pending, chunk.subarray(0, firstNl + 1)]);
      this.pending = [];
      yield joined;
      from = firstNl + 1;
    }
    const rest = lastNl + 1 < chunk.length ? Buffer.from(chunk.subarray(lastNl + 1)) : undefined;
    if (rest) this.pending.push(rest);
    if (from <= lastNl) yield chunk.subarray(from, lastNl + 1);
  }

  /** The blocks of a run of chunks, each valid until the next is asked for. */
  *blocks(chunks: Iterable<Buffer>): Generator<Buffer> {
    for (const chunk of chunks) yield* this.push(chunk);
  }

  /** The input's last line when it has no newline. */
  *end(): Generator<Buffer> {
    const { pending } = this;
    this.pending = [];
    if (pending.length) yield pending.length === 1 ? pending[0]! : Buffer.concat(pending);
  }
}

/**
 * An input's runs of chunks (see inputChunks) as runs of line blocks: a run is iterated
 * synchronously, so blocks with nothing to show cost no trip through the event loop.
 */
export async function* lineBlocks(runs: AsyncIterable<Iterable<Buffer>>): AsyncGenerator<Iterable<Buffer>> {
  const lines = new LineSplitter();
  for await (const run of runs) yield lines.blocks(run);
  yield lines.end();
}

/** The end of the line's content (before `\r\n` or `\n`), given the index of its `\n` or the block end. */
export function contentEnd(block: Buffer, start: number, nl: number): number {
  return nl > start && block[nl - 1] === CR ? nl - 1 : nl;
}

/** Calls `each(start, end, next)` for every line of a block: content [start, end), next line at `next`. */
export function forEachLine(block: Buffer, each: (start: number, end: number, next: number) => boolean | void): void {
  let start = 0;
  const len = block.length;
  while (start < len) {
    let nl = block.indexOf(NL, start);
    const next = nl < 0 ? len : nl + 1;
    if (nl < 0) nl = len;
    if (each(start, contentEnd(block, start, nl), next) === false) return;
    start = next;
  }
}
