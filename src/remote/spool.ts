import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';

/**
 * Bytes a spool keeps in memory before it writes what the reader has not taken to a file: 32
 * hosts read at once hold at most 64 MB between them.
 */
const MEMORY_LIMIT = 2 << 20;

/**
 * What one ssh child sends, kept until the merge asks for it. The child is never slowed down:
 * with --fanout N, a host waits for a slot until others have finished, and they can only finish
 * when their output has somewhere to go while the merge is waiting on a host that has not started.
 * Past `limit` unread bytes the rest goes to a temporary file, read back in order.
 */
export class Spool {
  private mem: Buffer[] = [];
  private memBytes = 0;
  private fd: number | undefined;
  private wpos = 0;
  private rpos = 0;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(private readonly tempFile: () => string, private readonly limit = MEMORY_LIMIT) {}

  write(chunk: Buffer): void {
    if (this.fd !== undefined && this.rpos < this.wpos) this.spill(chunk);
    else if (this.memBytes + chunk.length > this.limit) this.spill(chunk);
    else {
      this.mem.push(chunk);
      this.memBytes += chunk.length;
    }
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  private spill(chunk: Buffer): void {
    if (this.fd === undefined) {
      const path = this.tempFile();
      this.fd = openSync(path, 'w+');
      // Unlinked at once: the descriptor is all that is needed, and nothing is left behind.
      rmSync(path, { force: true });
    }
    writeSync(this.fd, chunk, 0, chunk.length, this.wpos);
    this.wpos += chunk.length;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Frees the file; the spool reads as ended. */
  close(): void {
    this.ended = true;
    this.mem = [];
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.rpos = this.wpos = 0;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const chunk = this.mem.shift();
        if (chunk) {
          this.memBytes -= chunk.length;
          yield chunk;
        } else if (this.fd !== undefined && this.rpos < this.wpos) {
          const buf = Buffer.allocUnsafe(Math.min(256 * 1024, this.wpos - this.rpos));
          const got = readSync(this.fd, buf, 0, buf.length, this.rpos);
          this.rpos += got;
          // Caught up: the file can start over, and new bytes go to memory again.
          if (this.rpos === this.wpos) this.rpos = this.wpos = 0;
          yield buf.subarray(0, got);
        } else if (this.ended) {
          return;
        } else {
          await new Promise<void>((resolve) => (this.wake = resolve));
        }
      }
    } finally {
      this.close();
    }
  }
}
