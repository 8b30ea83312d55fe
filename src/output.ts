const FLUSH_AT = 256 * 1024;

/**
 * Batched writes to stdout with backpressure: pieces are gathered and written in large writes,
 * and `flush()` waits for the stream to drain. A closed pipe makes it `closed`: the pipeline
 * stops reading, and main ends quietly.
 */
export class Output {
  private pieces: (string | Buffer)[] = [];
  private size = 0;
  closed = false;

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') this.closed = true;
      else throw e;
    });
  }

  write(piece: string | Buffer): void {
    if (piece.length === 0 || this.closed) return;
    this.pieces.push(piece);
    this.size += piece.length;
  }

  /** Writes what is gathered once there is enough of it (or always, with force), then waits for drain. */
  async flush(force = false): Promise<void> {
    if (this.size === 0 || (!force && this.size < FLUSH_AT) || this.closed) return;
    const pieces = this.pieces;
    this.pieces = [];
    this.size = 0;
    const data = pieces.every((p) => typeof p === 'string') ? (pieces as string[]).join('')
      : Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    if (!this.stream.write(data)) await this.drained();
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
