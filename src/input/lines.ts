const NL = 0x0a;
const CR = 0x0d;

/**
 * Regroups chunks into blocks that end on a line boundary, so a line is never split across
 * blocks. A line longer than a chunk is gathered piece by piece and joined once. The last block
 * may end without a newline: the input's last line.
 */
export async function* lineBlocks(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  for await (const chunk of chunks) {
    const lastNl = chunk.lastIndexOf(NL);
    // What is kept across chunks is copied: chunks may be read buffers that get reused.
    if (lastNl < 0) {
      pending.push(Buffer.from(chunk));
      continue;
    }
    let from = 0;
    if (pending.length) {
      // Join only the line that spans chunks; copying the whole chunk would double the bytes moved.
      const firstNl = chunk.indexOf(NL);
      yield Buffer.concat([...pending, chunk.subarray(0, firstNl + 1)]);
      from = firstNl + 1;
    }
    if (from <= lastNl) yield chunk.subarray(from, lastNl + 1);
    pending = lastNl + 1 < chunk.length ? [Buffer.from(chunk.subarray(lastNl + 1))] : [];
  }
  if (pending.length) yield pending.length === 1 ? pending[0]! : Buffer.concat(pending);
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
