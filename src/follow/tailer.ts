import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, describeSystemError } from '../errors.js';
import type { LineSplitter } from '../input/lines.js';

const FINGERPRINT = 64;
const NL = Buffer.from('\n');
const NL_BYTE = 0x0a;
/** An unfinished line shorter than this is left in the file until its newline comes. */
const HOLD = 64 * 1024;
/** Files found at a followed path and held open, waiting their turn: past this many, newer ones are not opened. */
const MAX_WAITING = 64;

/** What one poll of a followed input found. */
export interface Poll {
  /** Blocks of whole lines, in order. They may live in the read buffer: use them before the next poll. */
  readonly blocks: readonly Block[];
  /** Things worth telling the user: the file was truncated, replaced, or is gone. */
  readonly notices: readonly string[];
  /** Failures (a file that cannot be opened or read): the run ends with status 2. */
  readonly errors: readonly InputError[];
  /** More may be there already: poll again without waiting for a change. */
  readonly more: boolean;
}

/** Whole lines, or one line longer than --max-line-bytes cut to its first bytes (`cut`). */
export interface Block {
  readonly bytes: Buffer;
  readonly cut: boolean;
}

/** The blocks of one chunk, each with what the splitter says it is. */
export function splitInto(lines: LineSplitter, chunk: Buffer, into: Block[]): void {
  for (const bytes of lines.push(chunk)) into.push({ bytes, cut: lines.kind === 'cut' });
}

/** One followed input: a file by name, an svlogd directory, or a stream. */
export interface Followed {
  /** Reads what has arrived: at most one read buffer's worth, so memory is bounded by a batch. */
  poll(scratch: Buffer): Poll;
  /** Something changed at `name` (a watch event, by file name): look at the path at once. */
  changed?(name: string | null): void;
  close(): void;
}

/** Makes a line splitter for each file read: one place decides how lines are cut. */
export type NewLines = () => LineSplitter;

interface Identity {
  readonly ino: number;
  readonly dev: number;
}

/** An input's unfinished last line is final once the input is: it goes out with a newline. */
export function finishLine(lines: LineSplitter, into: Block[]): void {
  const rest = [...lines.end()];
  if (rest.length) into.push({ bytes: Buffer.concat([...rest, NL]), cut: false });
}

const same = (a: Identity, b: Identity) => a.ino === b.ino && a.dev === b.dev;
const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

/** One open regular file, read by its descriptor from `pos`. */
interface OpenFile extends Identity {
  readonly fd: number;
  pos: number;
  /** Will not grow any more (rotated away or replaced): read to its end, then move on. */
  final: boolean;
  /** Could not be read: given up. */
  broken?: boolean;
}

/** Opens a regular file, or throws. Without blocking: a FIFO put at the path must not stall the process. */
function openRegular(path: string): OpenFile {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: st.isDirectory() ? 'EISDIR' : undefined });
    return { fd, ino: st.ino, dev: st.dev, pos: 0, final: false };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * Reads regular files through their descriptors, one after another, as `tail -F` does: new whole
 * lines as they are written; a file that is replaced is read to its end before the next one
 * (which file comes next is for the subclass to say); truncation (copytruncate) starts it again
 * from the beginning. A half-written line is held, copied, until its newline arrives.
 */
abstract class FileTailer implements Followed {
  protected file: OpenFile | undefined;
  private lines: LineSplitter;
  /** The last bytes read, and the size last seen, to notice a truncation that grew back. */
  private tail: Buffer = Buffer.alloc(0);
  private seenSize = -1;
  private notices: string[] = [];
  private errors: InputError[] = [];
  /** The error last reported, so a lasting one (EMFILE, EACCES) is said once, not at every poll. */
  private lastError: string | undefined;

  constructor(readonly path: string, private readonly newLines: NewLines) {
    this.lines = newLines();
  }

  /**
   * The file to read after `done` (which the caller closes afterwards), or undefined to wait for
   * one. With `done` undefined: the first file, or the one that appeared while waiting.
   */
  protected abstract nextFile(done: OpenFile | undefined): OpenFile | undefined;

  /** Whether the file being read has been replaced: once read to its end, it is finished. */
  protected abstract replaced(file: OpenFile): boolean;

  changed?(name: string | null): void;

  /** Opens the first file, positioned at `startAt` (what was shown already); returns its size. */
  start(startAt: number | undefined): number | undefined {
    const f = this.nextFile(undefined);
    if (!f) return undefined;
    const size = fstatSync(f.fd).size;
    f.pos = Math.min(startAt ?? size, size);
    if (f.pos > 0) {
      const before = Buffer.alloc(Math.min(FINGERPRINT, f.pos));
      readSync(f.fd, before, 0, before.length, f.pos - before.length);
      this.tail = before;
    }
    this.seenSize = size;
    this.file = f;
    return size;
  }

  protected notice(text: string): void {
    this.notices.push(`${this.path}: ${text}`);
  }

  /** Reports a failure once while it lasts (the next success clears it). */
  protected fail(name: string, e: unknown): void {
    const message = `${name}: ${describeSystemError(e)}`;
    if (message === this.lastError) return;
    this.lastError = message;
    this.errors.push(new InputError(message, { cause: e }));
  }

  protected succeeded(): void {
    this.lastError = undefined;
  }

  poll(scratch: Buffer): Poll {
    const blocks: Block[] = [];
    let more = false;
    for (;;) {
      if (!this.file) {
        this.file = this.nextFile(undefined);
        if (!this.file) break;
      }
      const f = this.file;
      let got = 0;
      try {
        if (!f.broken) {
          if (!f.final) this.checkTruncated(f);
          got = readSync(f.fd, scratch, 0, scratch.length, f.pos);
        }
      } catch (e) {
        // EIO and the like: what was read stands; the file is held, not read again (nor from
        // its start), until another one takes its place.
        this.fail(this.path, e);
        f.broken = true;
      }
      const take = this.taken(scratch, got, f);
      if (take > 0) {
        f.pos += take;
        const chunk = scratch.subarray(0, take);
        this.remember(chunk);
        splitInto(this.lines, chunk, blocks);
        more = true;
        break;
      }
      // At the end, or only the start of a line there so far.
      if (!f.final) {
        if (!this.replaced(f)) break;
        // What was written before the rotation may have come after the read that found the end.
        f.final = true;
        continue;
      }
      this.finish(blocks);
      const next = this.nextFile(f);
      closeSync(f.fd);
      this.file = next;
      if (!next) break;
    }
    const out = { blocks, notices: this.notices, errors: this.errors, more };
    this.notices = [];
    this.errors = [];
    return out;
  }

  /**
   * How much of what was read to take now. The end of a line whose newline has not come yet is
   * left in the file and read again with what follows, until there are HOLD bytes of it: a line
   * written a byte at a time is gathered by the line splitter in pieces of HOLD, not of a byte.
   */
  private taken(scratch: Buffer, got: number, f: OpenFile): number {
    if (got === 0 || f.final) return got;
    const partial = got - (scratch.lastIndexOf(NL_BYTE, got - 1) + 1);
    return partial > 0 && partial < HOLD ? got - partial : got;
  }

  private finish(into: Block[]): void {
    finishLine(this.lines, into);
    this.lines = this.newLines();
    this.tail = Buffer.alloc(0);
    this.seenSize = -1;
  }

  /**
   * Truncated, or truncated and written again past the old size (copytruncate racing a writer:
   * the bytes just before `pos` are no longer the ones read): read again from the start.
   */
  private checkTruncated(f: OpenFile): void {
    const size = fstatSync(f.fd).size;
    const seen = this.seenSize;
    this.seenSize = size;
    let cut = size < f.pos;
    if (!cut && size !== seen && this.tail.length > 0) {
      const now = Buffer.alloc(this.tail.length);
      cut = readSync(f.fd, now, 0, now.length, f.pos - now.length) !== now.length || !now.equals(this.tail);
    }
    if (!cut) return;
    this.notice('file truncated');
    f.pos = 0;
    this.lines = this.newLines();
    this.tail = Buffer.alloc(0);
  }

  /** Keeps the last bytes read (up to FINGERPRINT) to recognise the file on the next poll. */
  private remember(got: Buffer): void {
    this.tail = got.length >= FINGERPRINT ? Buffer.from(got.subarray(got.length - FINGERPRINT))
      : Buffer.concat([this.tail, got]).subarray(-FINGERPRINT);
  }

  close(): void {
    if (this.file) closeSync(this.file.fd);
    this.file = undefined;
  }
}

/**
 * A file followed by name (`tail -F`): each new file found at the name is opened at once and held
 * until its turn, so a file that is renamed away quickly is still read, from its descriptor.
 */
export class PathTailer extends FileTailer {
  /** Files found at the path after the one being read, oldest first, already open. */
  private waiting: OpenFile[] = [];
  private goneSaid = false;
  private readonly base: string;

  constructor(path: string, newLines: NewLines) {
    super(path, newLines);
    this.base = path.slice(path.lastIndexOf('/') + 1);
  }

  override changed(name: string | null): void {
    if (name === null || name === this.base) this.look();
  }

  /** Looks at the path: a file there that is not the newest one held is opened and queued. */
  private look(): void {
    const newest = this.waiting.at(-1) ?? this.file;
    let found;
    try {
      found = statSync(this.path);
    } catch (e) {
      if (code(e) !== 'ENOENT') this.fail(this.path, e);
      else if (newest && !this.goneSaid) this.notice('has gone away; waiting for it to come back');
      this.goneSaid = true;
      return;
    }
    if ((newest && same(found, newest)) || this.waiting.length >= MAX_WAITING) return;
    let f: OpenFile;
    try {
      f = openRegular(this.path);
    } catch (e) {
      if (code(e) !== 'ENOENT') this.fail(this.path, e);
      return;
    }
    this.succeeded();
    this.goneSaid = false;
    if (newest && same(f, newest)) closeSync(f.fd);
    else this.waiting.push(f);
  }

  protected replaced(): boolean {
    this.look();
    return this.waiting.length > 0;
  }

  protected nextFile(done: OpenFile | undefined): OpenFile | undefined {
    if (!this.waiting.length) this.look();
    const next = this.waiting.shift();
    if (next && done) this.notice('replaced; following the new file');
    return next;
  }

  override close(): void {
    super.close();
    for (const f of this.waiting.splice(0)) closeSync(f.fd);
  }
}

/** svlogd/multilog's names for rotated files: `@` TAI64N `.s` (or `.u`), in time order by name. */
const isRotated = (name: string) => name.startsWith('@') && (name.endsWith('.s') || name.endsWith('.u'));

/**
 * An svlogd directory: its `current`, and through rotation every file that was `current` in
 * turn. svlogd renames `current` to `@<TAI64N>.s` and creates a new one; a file not read to its
 * end when that happens is still in the directory under its new name, so the rotated files
 * newer than the last one read are read from there, in name order, before the new `current`.
 * Nothing is lost or read twice, however fast the rotations, unless svlogd deletes a file
 * before it was read (reported).
 */
export class SvlogdTailer extends FileTailer {
  /** Rotated files named up to this are read (or were there before the start). */
  private done = '';

  constructor(private readonly dir: string, newLines: NewLines) {
    super(join(dir, 'current'), newLines);
  }

  /** The rotated names after `done`, in order. */
  private rotated(): string[] {
    try {
      return readdirSync(this.dir).filter((n) => isRotated(n) && n > this.done).sort();
    } catch (e) {
      this.fail(this.dir, e);
      return [];
    }
  }

  private identity(name: string): Identity | undefined {
    try {
      return statSync(join(this.dir, name));
    } catch {
      return undefined;
    }
  }

  override start(startAt: number | undefined): number | undefined {
    // What was rotated before the start is history: -n shows the end of current only.
    try {
      this.done = readdirSync(this.dir).filter(isRotated).sort().at(-1) ?? '';
    } catch {
      this.done = '';
    }
    return super.start(startAt);
  }

  protected replaced(file: OpenFile): boolean {
    try {
      return !same(statSync(this.path), file);
    } catch (e) {
      if (code(e) !== 'ENOENT') this.fail(this.path, e);
      // Renamed, the new current not created yet: it is finished if it is among the rotated.
      return this.rotated().some((n) => {
        const id = this.identity(n);
        return id !== undefined && same(id, file);
      });
    }
  }

  protected nextFile(done: OpenFile | undefined): OpenFile | undefined {
    for (;;) {
      // Rotated files not read yet come first: skip the one just read through its descriptor.
      for (const name of this.rotated()) {
        this.done = name;
        const path = join(this.dir, name);
        let f: OpenFile;
        try {
          f = openRegular(path);
        } catch (e) {
          this.fail(path, code(e) === 'ENOENT' ? new Error('removed before it was read') : e);
          continue;
        }
        if (done && same(f, done)) {
          closeSync(f.fd);
          continue;
        }
        f.final = true;
        return f;
      }
      let cur: OpenFile;
      try {
        cur = openRegular(this.path);
      } catch (e) {
        if (code(e) !== 'ENOENT') this.fail(this.path, e);
        return undefined;
      }
      this.succeeded();
      // A file rotated before this current was created, and not read yet, comes before it.
      const older = this.rotated().some((n) => {
        const id = this.identity(n);
        return id !== undefined && !same(id, cur) && !(done && same(id, done));
      });
      if (!older) return cur;
      closeSync(cur.fd);
    }
  }
}
