const NL = 0x0a;
const CR = 0x0d;

/** Lines longer than `maxBytes` (bytes before the `\n`): how they are cut, and who hears of them. */
export interface LineLimit {
  readonly maxBytes: number;
  /** Pass such a line on whole, in pieces as it is read, rather than keep its first maxBytes. */
  readonly passThrough: boolean;
  /** Called for each such line once it is known to be one: where it starts, its number when counted here. */
  readonly onOverlong: (start: number, line: number | undefined) => void;
  /** Count lines as they pass (for a stream: a file is counted again through its descriptor). */
  readonly countLines: boolean;
}

/**
 * What the last block handed out is: whole lines; one line cut at maxBytes (its first maxBytes
 * bytes and a newline); or, passed through, a piece of a longer line that goes on ('piece') or
 * ends with it ('last piece').
 */
export type BlockKind = 'lines' | 'cut' | 'piece' | 'last piece';

/**
 * Passed through (raw output of every line), a line that runs on past this many bytes goes out in
 * pieces as it is read, not gathered up to the limit first (/dev/zero held 64 MiB and its copies,
 * 224 MB; a line that ends under the limit is not reported).
 */
const EARLY_PASS = 1 << 20;

const NO_LIMIT: LineLimit = { maxBytes: Infinity, passThrough: false, onOverlong: () => undefined, countLines: false };

/**
 * Regroups chunks into blocks that end on a line boundary, so a line is never split across
 * blocks. A line longer than a chunk is gathered piece by piece and joined once. The last block
 * (from `end`) may end without a newline: the input's last line. A line longer than the limit is
 * never gathered whole: it is cut, or passed on in pieces (see BlockKind).
 */
export class LineSplitter {
  private readonly pending: PendingLine;
  /** Bytes of the input before the chunk being split. */
  private offset = 0;
  /** Newlines before the chunk being split (when counting). */
  private newlines = 0;
  /**
   * Within a line over the limit: the rest is dropped up to its newline, or passed on. 'stream':
   * passed on before it was known to be over the limit (see EARLY_PASS); `streamed` counts it.
   */
  private overlong: 'cut' | 'pass' | 'stream' | undefined;
  private streamed = 0;
  private streamStart = 0;
  /** What the block just handed out is. */
  kind: BlockKind = 'lines';

  constructor(private readonly limit: LineLimit = NO_LIMIT) {
    this.pending = new PendingLine(limit.maxBytes);
  }

  /** The whole lines completed by this chunk; a block is only valid until the chunk is reused. */
  *push(chunk: Buffer): Generator<Buffer> {
    const max = this.limit.maxBytes;
    // A line inside one piece is no longer than the piece: only lines across pieces are measured.
    if (chunk.length > max) {
      for (let i = 0; i < chunk.length; i += max) yield* this.pushPiece(chunk.subarray(i, Math.min(chunk.length, i + max)));
    } else {
      yield* this.pushPiece(chunk);
    }
  }

  private *pushPiece(chunk: Buffer): Generator<Buffer> {
    try {
      yield* this.split(chunk);
    } finally {
      this.offset += chunk.length;
      if (this.limit.countLines) {
        for (let i = chunk.indexOf(NL); i !== -1; i = chunk.indexOf(NL, i + 1)) this.newlines++;
      }
    }
  }

  private *split(chunk: Buffer): Generator<Buffer> {
    let from = 0;
    if (this.overlong) {
      const nl = chunk.indexOf(NL);
      if (this.overlong === 'stream') {
        this.streamed += nl < 0 ? chunk.length : nl;
        if (this.streamed > this.limit.maxBytes) {
          this.limit.onOverlong(this.streamStart, this.limit.countLines ? this.newlines + 1 : undefined);
          this.overlong = 'pass';
        }
      }
      if (this.overlong !== 'cut') yield this.hand(nl < 0 ? chunk : chunk.subarray(0, nl + 1), nl < 0 ? 'piece' : 'last piece');
      if (nl < 0) return;
      this.overlong = undefined;
      from = nl + 1;
    }
    const lastNl = chunk.lastIndexOf(NL);
    const headEnd = lastNl < from ? chunk.length : chunk.indexOf(NL, from);
    // The line that begins before this chunk (or at `from`) and runs to headEnd: over the limit?
    if (this.pending.bytes + headEnd - from > this.limit.maxBytes) {
      yield* this.overflow(chunk.subarray(from, headEnd < chunk.length ? headEnd + 1 : headEnd), headEnd < chunk.length);
      if (headEnd === chunk.length) return;
      from = headEnd + 1;
    }
    if (lastNl < from) {
      const bytes = this.pending.bytes + chunk.length - from;
      if (this.limit.passThrough && bytes > EARLY_PASS) {
        // Passed on whole anyway: what is gathered goes out now, and the rest as it comes.
        this.streamStart = this.offset + from - this.pending.bytes;
        this.streamed = bytes;
        this.overlong = 'stream';
        for (const p of this.pending.take()) yield this.hand(p, 'piece');
        yield this.hand(chunk.subarray(from), 'piece');
        return;
      }
      if (chunk.length > from) this.pending.add(chunk.subarray(from));
      return;
    }
    if (this.pending.bytes) {
      // Join only the line that spans chunks; copying the whole chunk would double the bytes moved.
      const firstNl = chunk.indexOf(NL, from);
      yield this.hand(this.pending.join(chunk.subarray(from, firstNl + 1)), 'lines');
      from = firstNl + 1;
    }
    if (lastNl + 1 < chunk.length) this.pending.add(chunk.subarray(lastNl + 1));
    if (from <= lastNl) yield this.hand(chunk.subarray(from, lastNl + 1), 'lines');
  }

  /**
   * The pending bytes and `head` (up to and with the newline when `ends`) make a line over the
   * limit: reported, then cut to its first maxBytes, or passed on.
   */
  private *overflow(head: Buffer, ends: boolean): Generator<Buffer> {
    const { countLines, onOverlong, passThrough } = this.limit;
    onOverlong(this.offset - this.pending.bytes, countLines ? this.newlines + 1 : undefined);
    if (!ends) this.overlong = passThrough ? 'pass' : 'cut';
    if (passThrough) {
      for (const p of this.pending.take()) yield this.hand(p, 'piece');
      yield this.hand(head, ends ? 'last piece' : 'piece');
      return;
    }
    yield this.hand(this.pending.cut(head), 'cut');
  }

  private hand(block: Buffer, kind: BlockKind): Buffer {
    this.kind = kind;
    return block;
  }

  /** The blocks of a run of chunks, each valid until the next is asked for. */
  *blocks(chunks: Iterable<Buffer>): Generator<Buffer> {
    for (const chunk of chunks) yield* this.push(chunk);
  }

  /** The input's last line when it has no newline. */
  *end(): Generator<Buffer> {
    // A line passed through in pieces ends here, without a newline.
    if (this.overlong === 'pass' || this.overlong === 'stream') yield this.hand(Buffer.alloc(0), 'last piece');
    this.overlong = undefined;
    if (this.pending.bytes) yield this.hand(this.pending.join(Buffer.alloc(0)), 'lines');
  }
}

/**
 * The start of a line that runs on past the chunk it began in, copied (chunks may be read
 * buffers that get reused): pieces joined once at its end; past half the limit (at most 4 MiB),
 * one buffer of the limit's size, so that a line cut at the limit is never held twice (a gzip
 * bomb with the default 64 MiB peaked at 220 MB RSS with pieces, then their copy; switching at
 * half of 64 MiB, /dev/zero peaked at 157 MB, at 4 MiB 125 MB: only the pages written count).
 */
const SWITCH_BYTES = 4 << 20;

class PendingLine {
  private pieces: Buffer[] = [];
  private whole: Buffer | undefined;
  bytes = 0;

  constructor(private readonly maxBytes: number) {}

  add(b: Buffer): void {
    if (this.whole) {
      this.bytes += b.copy(this.whole, this.bytes);
      return;
    }
    this.pieces.push(Buffer.from(b));
    this.bytes += b.length;
    if (this.bytes > Math.min(this.maxBytes / 2, SWITCH_BYTES) && Number.isFinite(this.maxBytes)) {
      this.whole = Buffer.allocUnsafe(this.maxBytes + 1);
      let at = 0;
      for (const p of this.pieces) at += p.copy(this.whole, at);
      this.pieces = [];
    }
  }

  /** The line: these bytes, then `head` (its end, no longer than the limit allows). */
  join(head: Buffer): Buffer {
    const whole = this.whole;
    const line = whole ? whole.subarray(0, this.bytes + head.copy(whole, this.bytes)) : this.pieces.length === 1 && head.length === 0 ? this.pieces[0]! : Buffer.concat([...this.pieces, head]);
    this.reset();
    return line;
  }

  /** The first maxBytes of these bytes then `head`, and a newline. */
  cut(head: Buffer): Buffer {
    const line = this.whole ?? Buffer.concat(this.pieces, this.maxBytes + 1);
    const at = this.whole ? this.bytes : Math.min(this.bytes, this.maxBytes);
    if (at < this.maxBytes) head.copy(line, at, 0, this.maxBytes - at);
    line[this.maxBytes] = NL;
    this.reset();
    return line;
  }

  /** These bytes as they are, for a line passed through. */
  take(): Buffer[] {
    const pieces = this.whole ? [this.whole.subarray(0, this.bytes)] : this.pieces;
    this.reset();
    return pieces;
  }

  private reset(): void {
    this.pieces = [];
    this.whole = undefined;
    this.bytes = 0;
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
