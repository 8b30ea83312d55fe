const FLUSH_AT = 256 * 1024;
const BUFFER_SIZE = FLUSH_AT + 64 * 1024;

/**
 * Batched writes to stdout with backpressure. Text is encoded straight into one large buffer
 * (no joining of small strings), written once it is full; `flush()` waits for the stream to
 * drain. A closed pipe makes it `closed`: the pipeline stops reading, and main ends quietly.
 */
export class Output {
  private buf: Buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  /** Buffers whose write has completed, for reuse: fresh 320 KB buffers per write pile up as garbage. */
  private free: Buffer[] = [];
  private ready: Buffer[] = [];
  closed = false;
  /** A write that failed for another reason than a closed pipe (a full disk): reported by main. */
  failure: NodeJS.ErrnoException | undefined;

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      this.closed = true;
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') this.failure ??= e;
    });
  }

  write(piece: string | Buffer): void {
    if (piece.length === 0 || this.closed) return;
    const room = this.buf.length - this.used;
    if (typeof piece === 'string') {
      // A UTF-16 unit becomes at most 3 bytes: if that fits, encode in place.
      if (piece.length * 3 <= room) {
        this.used += this.buf.write(piece, this.used);
        return;
      }
      piece = Buffer.from(piece);
    }
    if (piece.length <= room) {
      piece.copy(this.buf, this.used);
      this.used += piece.length;
      return;
    }
    this.seal();
    // A copy: the piece may live in a read buffer that is about to be reused.
    this.ready.push(Buffer.from(piece));
  }

  /**
   * A large buffer nobody else will touch (a worker's output, moved to this thread) joins the
   * write queue as it is instead of being copied; a small one is copied as by write().
   */
  writeOwned(piece: Buffer): void {
    if (piece.length < FLUSH_AT / 2 || this.closed) {
      this.write(piece);
      return;
    }
    this.seal();
    this.ready.push(piece);
  }

  /** Moves the filled part of the buffer to the write queue and starts a new buffer. */
  private seal(): void {
    if (this.used === 0) return;
    this.ready.push(this.buf.subarray(0, this.used));
    this.buf = this.free.pop() ?? Buffer.allocUnsafe(BUFFER_SIZE);
    this.used = 0;
  }

  /** Writes what is gathered once there is enough of it (or always, with force), then waits for drain. */
  async flush(force = false): Promise<void> {
    if (this.closed) return;
    if (this.used >= FLUSH_AT || (force && this.used > 0)) this.seal();
    if (this.ready.length === 0) return;
    const pieces = this.ready;
    this.ready = [];
    let ok = true;
    for (const p of pieces) {
      const whole = p.byteOffset === 0 && p.buffer.byteLength === BUFFER_SIZE ? Buffer.from(p.buffer, 0, BUFFER_SIZE) : undefined;
      // A buffer handed to another thread is detached: only a buffer still ours comes back.
      const recycle = whole && this.free.length < 4 ? () => { if (whole.buffer.byteLength) this.free.push(whole); } : undefined;
      ok = this.stream.write(p, recycle) && ok;
    }
    if (!ok) await this.drained();
  }

  /** Waits for 'drain', or for the stream to close or fail, whichever comes first. */
  private drained(): Promise<void> {
    const s = this.stream;
    return new Promise((resolve) => {
      const done = () => {
        s.off('drain', done);
        s.off('close', done);
        s.off('error', done);
        resolve();
      };
      s.on('drain', done);
      s.on('close', done);
      s.on('error', done);
    });
  }
}
