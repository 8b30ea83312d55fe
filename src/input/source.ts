import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, readdirSync, statSync, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { ChainsawError, InputError, describeSystemError, reportingErrors, type ErrorReporter } from '../errors.js';

/** One input as the user named it: a path, or `-` for standard input. */
export interface InputSpec {
  readonly name: string;
  readonly stdin?: NodeJS.ReadableStream;
}

export const GZIP_MAGIC = [0x1f, 0x8b] as const;
const NL = 0x0a;

export function isGzip(buf: Buffer): boolean {
  return buf.length >= 2 && buf[0] === GZIP_MAGIC[0] && buf[1] === GZIP_MAGIC[1];
}

export interface ChunkOptions {
  readonly chunkSize: number;
  /**
   * Reuse the read buffer: only when nothing keeps an entry past the batch it came in (no tail or
   * context; the merge hands a batch on before its input reads again), so a chunk is done with
   * once the next one is asked for.
   */
  readonly recycle?: boolean;
  /** Descriptors shared by inputs read at once (merged): past them, files are read whole. */
  readonly budget?: OpenBudget;
}

/**
 * The descriptors a merge of many inputs may hold: each input holds one from its start to its
 * end, and the merge needs every input's first lines before it can show any. Past them, a file
 * is read whole into memory as it is opened and closed at once, up to `bytes` in all; past that,
 * the run stops with an error (a file is never read again by path to save a descriptor).
 */
export class OpenBudget {
  private held = 0;
  private bytesLeft: number;

  constructor(private readonly descriptors: number, private readonly bytes = 32 << 20) {
    this.bytesLeft = bytes;
  }

  /** Takes a descriptor for a file kept open, if one is left. */
  hold(): boolean {
    if (this.held >= this.descriptors) return false;
    this.held++;
    return true;
  }

  release(): void {
    this.held--;
  }

  /** Takes room for a file read whole. */
  spend(name: string, bytes: number): void {
    this.bytesLeft -= bytes;
    if (this.bytesLeft < 0) {
      throw new ChainsawError(`${name}: too many inputs to merge at once: no file descriptor left (ulimit -n), and the files read whole instead passed ${this.bytes >> 20} MB; raise the limit, or read them one after another with --no-merge`);
    }
  }

  /** For a run about to open inputs: what is left of the process's limit, less a margin. */
  static forProcess(): OpenBudget {
    const left = descriptorsLeft();
    // Kept for a directory's listing, a file read whole while all are held, and what node may open.
    return new OpenBudget(left === undefined ? Infinity : Math.max(0, left - 4));
  }
}

/**
 * One file of an input (the file named, one file of an svlogd directory, or a stream), read
 * through the one descriptor it was opened with: its name for messages, its bytes as runs of
 * chunks (see plainFileRuns).
 */
export interface InputFile {
  readonly name: string;
  readonly runs: AsyncIterable<Iterable<Buffer>>;
  /**
   * The number of the line that starts at byte `at`, counted through the file's descriptor while
   * it is read (plain files only; the lines of a stream or gzip file are counted as they pass).
   */
  readonly lineAt?: (at: number) => number;
  /** Closes the file if its runs were never read to the end (they close it when they are). */
  readonly close: () => void;
}

function wrapError(name: string, e: unknown): InputError {
  return e instanceof InputError ? e : new InputError(`${name}: ${describeSystemError(e)}`, { cause: e });
}

function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(code), { code });
}

/**
 * Opens a path that should be a regular file. Whatever later happens to the path (rotated,
 * deleted, replaced), the descriptor stays this file. Opened non-blocking: a FIFO in its place
 * is reported, not waited on.
 */
export function openRegularFile(path: string): number {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw wrapError(path, e);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw systemError('EISDIR');
    if (!st.isFile()) throw new InputError(`${path}: not a regular file`);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw wrapError(path, e);
  }
}

/** How many newlines the first `end` bytes of an open file hold. */
export function newlinesBefore(fd: number, end: number): number {
  const buf = Buffer.allocUnsafe(1 << 20);
  let count = 0;
  for (let pos = 0; pos < end;) {
    const got = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
    if (got === 0) break;
    for (let i = buf.indexOf(NL, 0); i !== -1 && i < got; i = buf.indexOf(NL, i + 1)) count++;
    pos += got;
  }
  return count;
}

/** Files this process may still open: its limit (node raises the soft one to the hard one) less those open. */
export function descriptorsLeft(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) - readdirSync('/proc/self/fd').length : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads an open regular file in chunks, synchronously: a chunk is scanned while it is still in
 * the CPU's cache, and a run of chunks with nothing to show costs no trip through the event loop.
 * Measured on 350 MB: 128 KB reads into one reused buffer took 70 ms, 1 MB buffers (or three in
 * turn, read ahead on libuv's pool) 250 ms.
 */
function* readPlainFile(fd: number, name: string, opts: ChunkOptions, from = 0): Generator<Buffer> {
  // One buffer reused: the consumer is done with a chunk when it asks for the next one.
  const reused = opts.recycle ? Buffer.allocUnsafe(opts.chunkSize) : undefined;
  let pos = from;
  for (;;) {
    const buf = reused ?? Buffer.allocUnsafe(opts.chunkSize);
    let got: number;
    try {
      got = readSync(fd, buf, 0, opts.chunkSize, pos);
    } catch (e) {
      throw wrapError(name, e);
    }
    if (got === 0) return;
    pos += got;
    yield got === opts.chunkSize ? buf : buf.subarray(0, got);
  }
}

/**
 * How long a run of synchronous reads (and the work done on them) may go before a turn of the
 * event loop. Measured: a turn after every chunk cost a -t scan of 350 MB 40 ms; one every 1 MB
 * let `-o json` over 20 merged inputs grow to 110-165 MB RSS against 95 MB. By time, neither.
 */
const RUN_MS = 2;

/**
 * A plain (not gzip) open file's bytes from offset `from`, as runs of chunks read synchronously,
 * with a turn of the event loop between runs: V8 frees memory and finishes collections in tasks
 * that only run then (without it, human output over 350 MB grew to 460 MB).
 */
export async function* plainFileRuns(fd: number, name: string, opts: ChunkOptions, from = 0): AsyncGenerator<Iterable<Buffer>> {
  const chunks = readPlainFile(fd, name, opts, from);
  let more = true;
  const run = function* (): Generator<Buffer> {
    const until = performance.now() + RUN_MS;
    do {
      const r = chunks.next();
      if (r.done) {
        more = false;
        return;
      }
      yield r.value;
    } while (performance.now() < until);
  };
  try {
    while (more) {
      yield run();
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    chunks.return(undefined);
  }
}

/** Why a gzip stream failed, as zcat would put it. */
function gzipError(name: string, e: unknown): InputError {
  // After a member that decoded, bytes that do not start another one.
  const reason = (e as Error).message === 'incorrect header check' ? 'trailing garbage after the gzip data' : describeSystemError(e);
  return new InputError(`${name}: ${reason}`, { cause: e });
}

/** Compressed bytes are read in pieces this big (16 KB pieces decoded 15% slower). */
const GZIP_PIECE = 64 * 1024;

/**
 * zlib drops the output of the call that fails, and a stream's iterator what it still buffered:
 * up to ~256 KB of lines that did decode, before trailing garbage or a corrupt block (zcat prints
 * them). So after an error the file is decoded again through its descriptor, up to the input the
 * failing call took (zlib's bytesWritten) at once, then in pieces of 1 KB, which finds the piece
 * the error is in; then once more, up to that piece, then a byte per call. The output past what
 * was already passed on is what was lost: all of it, but for what the one failing byte decodes to.
 */
async function* decodedBeforeError(fd: number, passed: number, goodInput: number): AsyncGenerator<Buffer> {
  let skip = passed;
  let good = goodInput;
  for (const step of [1024, 1]) {
    const replay = { passed: 0, goodInput: good };
    yield* replayGzip(fd, skip, good, step, replay);
    skip += replay.passed;
    good = replay.goodInput;
  }
}

/**
 * Decodes an open gzip file from its start until it fails, fed at once up to `goodInput`, then in
 * pieces of `step` bytes, each waited for; yields what comes past the first `skip` bytes, and
 * tells how many it yielded and the input the calls before the failing one took.
 */
async function* replayGzip(fd: number, skip: number, goodInput: number, step: number, tell: { passed: number; goodInput: number }): AsyncGenerator<Buffer> {
  const z = createGunzip();
  const lost: Buffer[] = [];
  let seen = 0;
  let over = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => { wake = resolve; });
  };
  z.on('data', (b: Buffer) => {
    const from = Math.max(0, skip - seen);
    seen += b.length;
    if (from < b.length) lost.push(from ? b.subarray(from) : b);
    poke();
  });
  const stop = () => {
    over = true;
    poke();
  };
  z.on('error', stop);
  z.on('end', stop);
  const hand = function* () {
    for (const b of lost.splice(0)) {
      tell.passed += b.length;
      yield b;
    }
  };
  try {
    const buf = Buffer.allocUnsafe(GZIP_PIECE);
    for (let pos = 0; !over;) {
      const got = readSync(fd, buf, 0, pos < goodInput ? Math.min(GZIP_PIECE, goodInput - pos) : step, pos);
      pos += got;
      let taken = false;
      if (got === 0) z.end();
      else z.write(Buffer.from(buf.subarray(0, got)), () => { taken = true; poke(); });
      await until(() => taken || over);
      yield* hand();
    }
    yield* hand();
    tell.goodInput = z.bytesWritten;
  } finally {
    z.destroy();
  }
}

/** The decompressed bytes of an open gzip file; a truncated or corrupt file is an InputError after every line that decoded. */
async function* gunzipFile(fd: number, name: string, opts: ChunkOptions): AsyncGenerator<Buffer> {
  const z = createGunzip({ chunkSize: Math.min(256 * 1024, opts.chunkSize * 2) });
  // zlib holds on to the pieces it is given: they are not reused.
  const source = Readable.from(readPlainFile(fd, name, { chunkSize: GZIP_PIECE }), { objectMode: false });
  source.on('error', (e) => z.destroy(e));
  source.pipe(z);
  let passed = 0;
  try {
    for await (const chunk of z) {
      passed += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    yield* decodedBeforeError(fd, passed, z.bytesWritten);
    throw gzipError(name, e);
  } finally {
    source.destroy();
    z.destroy();
  }
}

/** Whether an open file starts with the gzip magic. */
function startsGzip(fd: number): boolean {
  const head = Buffer.alloc(2);
  return readSync(fd, head, 0, 2, 0) === 2 && isGzip(head);
}

/**
 * One open regular file as an InputFile, gzip or not: read through its descriptor to its end,
 * then closed; or, when the budget has no descriptor left for it, read whole now and closed.
 */
function openedFile(name: string, fd: number, opts: ChunkOptions): InputFile {
  let open = true;
  const held = opts.budget?.hold() ?? false;
  const close = () => {
    if (!open) return;
    open = false;
    closeSync(fd);
    if (held) opts.budget!.release();
  };
  if (opts.budget && !held) {
    try {
      const bytes = readWhole(fd, name, opts.budget);
      return { name, runs: singles(streamChunks(once(bytes), name)), close: () => undefined };
    } finally {
      close();
    }
  }
  let gzip = false;
  try {
    gzip = startsGzip(fd);
  } catch {
    // Reported by the first read.
  }
  async function* runs(): AsyncGenerator<Iterable<Buffer>> {
    try {
      if (!gzip) yield* plainFileRuns(fd, name, opts);
      else for await (const chunk of gunzipFile(fd, name, opts)) yield [chunk];
    } finally {
      close();
    }
  }
  return { name, runs: runs(), lineAt: gzip ? undefined : (at) => newlinesBefore(fd, at) + 1, close };
}

/** An open file's bytes up to its end, counted against the budget before they are read. */
function readWhole(fd: number, name: string, budget: OpenBudget): Buffer {
  const pieces: Buffer[] = [];
  try {
    let size = fstatSync(fd).size;
    for (;;) {
      // The size it has, then what it grew by meanwhile.
      size = Math.max(size, 64 * 1024);
      budget.spend(name, size);
      const buf = Buffer.allocUnsafe(size);
      const got = readSync(fd, buf, 0, size, null);
      budget.spend(name, got - size);
      if (got === 0) return Buffer.concat(pieces);
      pieces.push(buf.subarray(0, got));
      size = 0;
    }
  } catch (e) {
    throw e instanceof ChainsawError ? e : wrapError(name, e);
  }
}

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  if (b.length) yield b;
}

/** The same file (device and inode) as an open descriptor. */
function sameFile(a: Stats, fd: number): boolean {
  const b = fstatSync(fd);
  return a.dev === b.dev && a.ino === b.ino;
}

/**
 * The files of an svlogd/multilog directory in time order: `@*.s`, `@*.u` by name, then `current`.
 * `current` is opened first and read last through that descriptor, to its end, even when svlogd
 * renames it to `@….s` meanwhile (that name, if listed, is then skipped: it is the same file).
 * Rotated files are opened one at a time; one that vanished (svlogd's cleanup), a dangling link
 * or a directory is reported and the rest is still read.
 */
async function* svlogdFiles(dir: string, opts: ChunkOptions, report: ErrorReporter): AsyncGenerator<InputFile> {
  const currentPath = join(dir, 'current');
  let current: InputFile | undefined;
  let currentStat: Stats | undefined;
  try {
    const fd = openRegularFile(currentPath);
    currentStat = fstatSync(fd);
    current = openedFile(currentPath, fd, opts);
  } catch (e) {
    if (((e as InputError).cause as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') report(wrapError(currentPath, e));
  }
  try {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      throw wrapError(dir, e);
    }
    const rotated = names.filter((n) => n.startsWith('@') && (n.endsWith('.s') || n.endsWith('.u'))).sort();
    if (rotated.length === 0 && !names.includes('current')) {
      throw new InputError(`${dir}: Is a directory (not an svlogd log directory: no current, no @*.s)`);
    }
    for (const n of rotated) {
      const path = join(dir, n);
      let fd: number;
      try {
        fd = openRegularFile(path);
      } catch (e) {
        report(wrapError(path, e));
        continue;
      }
      if (currentStat && sameFile(currentStat, fd)) {
        closeSync(fd);
        continue;
      }
      let file: InputFile;
      try {
        file = openedFile(path, fd, opts);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        report(e);
        continue;
      }
      yield { ...file, runs: reportingErrors(file.runs, report) };
    }
    if (current !== undefined) {
      const file = current;
      current = undefined;
      yield { ...file, runs: reportingErrors(file.runs, report) };
    }
  } finally {
    current?.close();
  }
}

/**
 * A stream's chunks (stdin, a pipe, a device), gunzipped when it starts with the gzip magic.
 * `reused`: the chunks are one read buffer, filled again once the next is asked for.
 */
async function* streamChunks(chunks: AsyncIterable<Buffer | string>, name: string, reused = false): AsyncGenerator<Buffer> {
  const it = chunks[Symbol.asyncIterator]();
  const toBuf = (c: Buffer | string) => (typeof c === 'string' ? Buffer.from(c) : c);
  try {
    let first = await it.next();
    while (!first.done && toBuf(first.value).length < 2) {
      const more = await it.next();
      if (more.done) break;
      first = { done: false, value: Buffer.concat([toBuf(first.value), toBuf(more.value)]) };
    }
    if (first.done) return;
    const head = toBuf(first.value);
    const gzip = isGzip(head);
    // zlib holds on to the chunks it is given: a reused buffer is copied.
    const own = (b: Buffer) => (gzip && reused ? Buffer.from(b) : b);
    async function* all(): AsyncGenerator<Buffer> {
      yield own(head);
      for (let r = await it.next(); !r.done; r = await it.next()) yield own(toBuf(r.value));
    }
    if (!gzip) {
      yield* all();
      return;
    }
    const z = createGunzip({ chunkSize: 256 * 1024 });
    const source = Readable.from(all(), { objectMode: false });
    source.on('error', (e) => z.destroy(e));
    source.pipe(z);
    try {
      for await (const chunk of z) yield chunk as Buffer;
    } catch (e) {
      throw e instanceof InputError ? e : gzipError(name, e);
    }
  } catch (e) {
    throw wrapError(name, e);
  } finally {
    await it.return?.(undefined);
  }
}

/**
 * A pipe or device named as a file (`<(zcat old.gz)`, /dev/stdin, /dev/zero), read as it comes,
 * not by position, into one reused buffer when the consumer allows it (fresh buffers for each
 * read of /dev/zero left ~64 MB of garbage for V8 to collect).
 */
async function* deviceChunks(path: string, opts: ChunkOptions): AsyncGenerator<Buffer> {
  // A FIFO waits here for a writer, on libuv's pool, not on the event loop.
  const fh = await open(path, 'r');
  try {
    const reused = opts.recycle ? Buffer.allocUnsafe(opts.chunkSize) : undefined;
    for (;;) {
      const buf = reused ?? Buffer.allocUnsafe(opts.chunkSize);
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/**
 * Whether standard input was closed when the process started (`chainsaw <&-`): node then opens
 * /dev/null read-write in its place, where a shell's `</dev/null` opens it read-only.
 */
function closedAtStart(stream: NodeJS.ReadableStream): boolean {
  if ((stream as { fd?: number }).fd !== 0) return false;
  try {
    const flags = /^flags:\s*([0-7]+)/m.exec(readFileSync('/proc/self/fdinfo/0', 'utf8'));
    return flags !== null && (parseInt(flags[1]!, 8) & 3) === constants.O_RDWR && fstatSync(0).rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

/**
 * The files of one input: a file (gzip or not), an svlogd directory's files in order, or a
 * stream (stdin, a pipe or device named as a file). A file that cannot be opened ends the input
 * (InputError); within a directory, each file that cannot be read is reported and skipped.
 */
export async function* inputFiles(spec: InputSpec, opts: ChunkOptions, report: ErrorReporter): AsyncGenerator<InputFile> {
  if (spec.stdin) {
    if (closedAtStart(spec.stdin)) throw new InputError(`${spec.name}: ${describeSystemError(systemError('EBADF'))}`);
    yield { name: spec.name, runs: singles(streamChunks(spec.stdin as AsyncIterable<Buffer | string>, spec.name)), close: () => undefined };
    return;
  }
  let st: Stats;
  try {
    st = await stat(spec.name);
  } catch (e) {
    throw wrapError(spec.name, e);
  }
  if (st.isFile()) {
    yield openedFile(spec.name, openRegularFile(spec.name), opts);
  } else if (st.isDirectory()) {
    yield* svlogdFiles(spec.name, opts, report);
  } else {
    yield { name: spec.name, runs: singles(streamChunks(deviceChunks(spec.name, opts), spec.name, opts.recycle)), close: () => undefined };
  }
}

/** A stream's chunks, one per run: they come as they arrive. */
async function* singles(chunks: AsyncIterable<Buffer>): AsyncGenerator<Iterable<Buffer>> {
  for await (const chunk of chunks) yield [chunk];
}
