import { open, stat, type FileHandle } from 'node:fs/promises';
import { describeSystemError } from '../errors.js';

const NL = 0x0a;
const READ_SIZE = 1 << 20;
const FINGERPRINT = 64;

/** What one poll of a followed file found. */
export interface Poll {
  /** Whole lines that arrived, newline included, in one block (empty when none did). */
  readonly block: Buffer;
  /** Things worth telling the user: the file was truncated, replaced, or is gone. */
  readonly notices: readonly string[];
}

const same = (a: { ino: number; dev: number }, b: { ino: number; dev: number }) => a.ino === b.ino && a.dev === b.dev;

/**
 * Follows one file by name, as `tail -F`: new whole lines as they are written; through rotation
 * (rename and re-create: the old file is drained to its end first), truncation (copytruncate:
 * read again from the start), deletion and re-creation, and a file that does not exist yet.
 * A half-written line is held until its newline arrives.
 */
export class Tailer {
  private fh: FileHandle | undefined;
  private id: { ino: number; dev: number } | undefined;
  private pos = 0;
  private partial: Buffer[] = [];
  private missingSaid = false;
  /** The last bytes read, and the size last seen, to notice a truncation that grew back. */
  private tail: Buffer = Buffer.alloc(0);
  private seenSize = -1;

  constructor(readonly path: string) {}

  /** Opens the file if it exists, positioned at `startAt` (the size already shown), else waits for it. */
  async start(startAt: number | undefined): Promise<void> {
    try {
      await this.openCurrent();
      const size = (await this.fh!.stat()).size;
      this.pos = Math.min(startAt ?? size, size);
      if (this.pos > 0) {
        const before = Buffer.alloc(Math.min(FINGERPRINT, this.pos));
        await this.fh!.read(before, 0, before.length, this.pos - before.length);
        this.tail = before;
      }
    } catch {
      this.fh = undefined;
    }
  }

  private async openCurrent(): Promise<void> {
    const fh = await open(this.path, 'r');
    const st = await fh.stat();
    this.fh = fh;
    this.id = { ino: st.ino, dev: st.dev };
    this.pos = 0;
    this.partial = [];
    this.tail = Buffer.alloc(0);
    this.seenSize = -1;
    this.missingSaid = false;
  }

  /** Reads what the open file has past `pos`, keeping any unfinished last line for later. */
  private async drain(into: Buffer[]): Promise<void> {
    if (!this.fh) return;
    for (;;) {
      const buf = Buffer.allocUnsafe(READ_SIZE);
      const { bytesRead } = await this.fh.read(buf, 0, READ_SIZE, this.pos);
      if (bytesRead === 0) return;
      this.pos += bytesRead;
      const got = buf.subarray(0, bytesRead);
      this.remember(got);
      const lastNl = got.lastIndexOf(NL);
      if (lastNl < 0) {
        this.partial.push(got);
        continue;
      }
      into.push(...this.partial, got.subarray(0, lastNl + 1));
      this.partial = lastNl + 1 < got.length ? [got.subarray(lastNl + 1)] : [];
      if (bytesRead < READ_SIZE) return;
    }
  }

  /** A rotated-away file will not grow again: its unfinished last line is final. */
  private flushPartial(into: Buffer[]): void {
    if (this.partial.length) into.push(...this.partial, Buffer.from('\n'));
    this.partial = [];
  }

  /**
   * Whether the bytes just before `pos` are still the ones read: a file truncated and written
   * again past the old size (copytruncate racing a writer) is caught here, not by its size.
   */
  private async unchanged(): Promise<boolean> {
    if (!this.fh || this.tail.length === 0) return true;
    const at = this.pos - this.tail.length;
    const now = Buffer.alloc(this.tail.length);
    const { bytesRead } = await this.fh.read(now, 0, now.length, at);
    return bytesRead === now.length && now.equals(this.tail);
  }

  /** Keeps the last bytes read (up to FINGERPRINT) to recognise the file on the next poll. */
  private remember(got: Buffer): void {
    this.tail = got.length >= FINGERPRINT ? Buffer.from(got.subarray(got.length - FINGERPRINT))
      : Buffer.concat([this.tail, got]).subarray(-FINGERPRINT);
  }

  async poll(): Promise<Poll> {
    const pieces: Buffer[] = [];
    const notices: string[] = [];
    if (this.fh) {
      const size = (await this.fh.stat()).size;
      if (size < this.pos || (size !== this.seenSize && !(await this.unchanged()))) {
        notices.push(`${this.path}: file truncated`);
        this.pos = 0;
        this.partial = [];
        this.tail = Buffer.alloc(0);
      }
      await this.drain(pieces);
      this.seenSize = this.pos;
    }
    let onDisk: { ino: number; dev: number } | undefined;
    try {
      const st = await stat(this.path);
      onDisk = { ino: st.ino, dev: st.dev };
    } catch (e) {
      if (!this.missingSaid && (e as NodeJS.ErrnoException).code !== 'ENOENT') notices.push(`${this.path}: ${describeSystemError(e)}`);
      else if (!this.missingSaid && this.fh) notices.push(`${this.path}: has gone away; waiting for it to come back`);
      this.missingSaid = true;
    }
    if (onDisk && (!this.fh || !this.id || !same(onDisk, this.id))) {
      if (this.fh) {
        // Replaced (rotated or re-created): finish the old file, then start the new one from its beginning.
        await this.drain(pieces);
        this.flushPartial(pieces);
        await this.fh.close();
        this.fh = undefined;
        notices.push(`${this.path}: replaced; following the new file`);
      }
      try {
        await this.openCurrent();
        await this.drain(pieces);
      } catch (e) {
        this.fh = undefined;
        if (!this.missingSaid) notices.push(`${this.path}: ${describeSystemError(e)}`);
        this.missingSaid = true;
      }
    }
    return { block: pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces), notices };
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
  }
}
