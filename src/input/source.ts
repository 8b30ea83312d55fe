import { closeSync, createReadStream, openSync, readSync, statSync, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { InputError, describeSystemError } from '../errors.js';

/** One input as the user named it: a path, or `-` for standard input. */
export interface InputSpec {
  readonly name: string;
  readonly stdin?: NodeJS.ReadableStream;
}

export const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(buf: Buffer): boolean {
  return buf.length >= 2 && buf[0] === GZIP_MAGIC[0] && buf[1] === GZIP_MAGIC[1];
}

/** The files an svlogd/multilog directory holds in time order: `@*.s`, `@*.u` by name, then `current`. */
export async function svlogdFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new InputError(`${dir}: ${describeSystemError(e)}`, { cause: e });
  }
  const rotated = names.filter((n) => n.startsWith('@') && (n.endsWith('.s') || n.endsWith('.u'))).sort();
  const files = rotated.map((n) => join(dir, n));
  if (names.includes('current')) files.push(join(dir, 'current'));
  if (files.length === 0) throw new InputError(`${dir}: Is a directory (not an svlogd log directory: no current, no @*.s)`);
  return files;
}

/**
 * Reads a regular file in chunks, synchronously: a chunk is scanned while it is still in the CPU's
 * cache, and a run of chunks with nothing to show costs no trip through the event loop. Measured
 * on 350 MB: 128 KB reads into one reused buffer took 70 ms, 1 MB buffers (or three in turn, read
 * ahead on libuv's pool) 250 ms. With `holdOpen` false (hundreds of inputs merged) the file is
 * opened only for each read.
 */
function* readPlainFile(path: string, opts: ChunkOptions, from = 0): Generator<Buffer> {
  const fd = opts.holdOpen ? openSync(path, 'r') : undefined;
  // One buffer reused: the consumer is done with a chunk when it asks for the next one.
  const reused = opts.recycle ? Buffer.allocUnsafe(opts.chunkSize) : undefined;
  let pos = from;
  try {
    for (;;) {
      const buf = reused ?? Buffer.allocUnsafe(opts.chunkSize);
      const handle = fd ?? openSync(path, 'r');
      let got: number;
      try {
        got = readSync(handle, buf, 0, opts.chunkSize, pos);
      } finally {
        if (fd === undefined) closeSync(handle);
      }
      if (got === 0) return;
      pos += got;
      yield got === opts.chunkSize ? buf : buf.subarray(0, got);
    }
  } catch (e) {
    throw wrapError(path, e);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Decompresses a gzip stream; a truncated or corrupt file is an InputError after what could be read. */
async function* gunzip(compressed: Iterable<Buffer> | AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
  const z = createGunzip({ chunkSize: 256 * 1024 });
  const source = Readable.from(compressed, { objectMode: false });
  source.on('error', (e) => z.destroy(e));
  source.pipe(z);
  try {
    for await (const chunk of z) yield chunk as Buffer;
  } catch (e) {
    throw new InputError(`${name}: ${describeSystemError(e)}`, { cause: e });
  }
}

export interface ChunkOptions {
  readonly chunkSize: number;
  /** Keep the descriptor open between reads (false when hundreds of inputs are read at once). */
  readonly holdOpen: boolean;
  /**
   * Reuse the read buffer: only when nothing keeps an entry past the batch it came in (no tail or
   * context; the merge hands a batch on before its input reads again), so a chunk is done with
   * once the next one is asked for.
   */
  readonly recycle?: boolean;
}

function wrapError(name: string, e: unknown): InputError {
  return e instanceof InputError ? e : new InputError(`${name}: ${describeSystemError(e)}`, { cause: e });
}

/**
 * How long a run of synchronous reads (and the work done on them) may go before a turn of the
 * event loop. Measured: a turn after every chunk cost a -t scan of 350 MB 40 ms; one every 1 MB
 * let `-o json` over 20 merged inputs grow to 110-165 MB RSS against 95 MB. By time, neither.
 */
const RUN_MS = 2;

/**
 * A plain (not gzip) regular file's bytes from offset `from`, as runs of chunks read
 * synchronously, with a turn of the event loop between runs: V8 frees memory and finishes
 * collections in tasks that only run then (without it, human output over 350 MB grew to 460 MB).
 */
export async function* plainFileRuns(path: string, opts: ChunkOptions, from = 0): AsyncGenerator<Iterable<Buffer>> {
  const chunks = readPlainFile(path, opts, from);
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

/** Whether a regular file starts with the gzip magic. */
function startsGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && isGzip(head);
  } finally {
    closeSync(fd);
  }
}

/** The decompressed bytes of one regular file, as runs of chunks. */
async function* fileChunks(path: string, opts: ChunkOptions): AsyncGenerator<Iterable<Buffer>> {
  let gzip: boolean;
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('Is a directory'), { code: 'EISDIR' });
    gzip = startsGzip(path);
  } catch (e) {
    throw wrapError(path, e);
  }
  if (!gzip) {
    yield* plainFileRuns(path, opts);
    return;
  }
  // zlib holds on to the chunks it is given: they are not reused.
  for await (const chunk of gunzip(readPlainFile(path, { ...opts, recycle: false }), path)) yield [chunk];
}

/** Standard input in chunks, gunzipped when it starts with the gzip magic. */
async function* streamChunks(stream: NodeJS.ReadableStream, name: string): AsyncGenerator<Buffer> {
  const it = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const toBuf = (c: Buffer | string) => (typeof c === 'string' ? Buffer.from(c) : c);
  let first = await it.next();
  while (!first.done && toBuf(first.value).length < 2) {
    const more = await it.next();
    if (more.done) break;
    first = { done: false, value: Buffer.concat([toBuf(first.value), toBuf(more.value)]) };
  }
  if (first.done) return;
  const head = toBuf(first.value);
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield toBuf(r.value);
  }
  try {
    yield* isGzip(head) ? gunzip(all(), name) : all();
  } catch (e) {
    throw wrapError(name, e);
  }
}

/**
 * The bytes of one input: a file (gzip or not), an svlogd directory's files in order, or stdin.
 * They come as runs of chunks: a run is read synchronously (a regular file's whole content), a
 * stream's chunks come one per run as they arrive.
 */
export async function* inputChunks(spec: InputSpec, opts: ChunkOptions): AsyncGenerator<Iterable<Buffer>> {
  if (spec.stdin) {
    for await (const chunk of streamChunks(spec.stdin, spec.name)) yield [chunk];
    return;
  }
  let st: Stats;
  try {
    st = await stat(spec.name);
  } catch (e) {
    throw wrapError(spec.name, e);
  }
  if (st.isFile()) {
    yield* fileChunks(spec.name, opts);
  } else if (st.isDirectory()) {
    for (const file of await svlogdFiles(spec.name)) yield* fileChunks(file, opts);
  } else {
    // A pipe or device (`chainsaw <(zcat old.gz)`, /dev/stdin): read as a stream, not by position.
    const stream = createReadStream(spec.name, { highWaterMark: opts.chunkSize });
    for await (const chunk of streamChunks(stream, spec.name)) yield [chunk];
  }
}
