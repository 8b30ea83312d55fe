import { createReadStream, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
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
 * Reads a file in chunks with positioned reads from `pos`. With the descriptor held, the next
 * chunk is already being read while the caller works on this one; without (hundreds of inputs),
 * the file is opened only for each read.
 */
async function* readPlainFile(path: string, opts: ChunkOptions, pos: number): AsyncGenerator<Buffer> {
  const held = opts.holdOpen ? await open(path, 'r') : undefined;
  // Buffers in turn instead of a new one per read: dead chunks otherwise pile up as garbage
  // faster than the collector frees them. Two would do (the one read ahead, the one scanned:
  // the line reader copies what it keeps); the third is margin.
  const ring = opts.recycle ? [0, 1, 2].map(() => Buffer.allocUnsafe(opts.chunkSize)) : undefined;
  let turn = 0;
  const readAt = async (at: number): Promise<Buffer> => {
    const handle = held ?? (await open(path, 'r'));
    const buf = ring ? ring[turn++ % ring.length]! : Buffer.allocUnsafe(opts.chunkSize);
    try {
      const { bytesRead } = await handle.read(buf, 0, opts.chunkSize, at);
      return bytesRead === opts.chunkSize ? buf : buf.subarray(0, bytesRead);
    } finally {
      if (!held) await handle.close();
    }
  };
  let next: Promise<Buffer> | undefined = readAt(pos);
  try {
    while (next) {
      const chunk = await next;
      if (chunk.length === 0) return;
      pos += chunk.length;
      next = held ? readAt(pos) : undefined;
      // A failed read-ahead is reported when it is awaited, not as an unhandled rejection.
      next?.catch(() => undefined);
      yield chunk;
      next ??= readAt(pos);
    }
  } finally {
    if (next) await next.catch(() => undefined);
    await held?.close();
  }
}

/** Decompresses a gzip stream; a truncated or corrupt file is an InputError after what could be read. */
async function* gunzip(compressed: AsyncIterable<Buffer>, name: string): AsyncGenerator<Buffer> {
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

async function readHead(path: string, size: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(size);
    const { bytesRead } = await fh.read(buf, 0, size, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export interface ChunkOptions {
  readonly chunkSize: number;
  /** Keep the descriptor open between reads (false when hundreds of inputs are read at once). */
  readonly holdOpen: boolean;
  /**
   * Reuse read buffers: only when nothing keeps an entry past the batch it came in (no merge,
   * tail, context or follow), so a block is done with once the next one is asked for.
   */
  readonly recycle?: boolean;
}

function wrapError(name: string, e: unknown): InputError {
  return e instanceof InputError ? e : new InputError(`${name}: ${describeSystemError(e)}`, { cause: e });
}

/** The decompressed bytes of one regular file, in chunks. */
async function* fileChunks(path: string, opts: ChunkOptions): AsyncGenerator<Buffer> {
  let head: Buffer;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('Is a directory'), { code: 'EISDIR' });
    head = await readHead(path, opts.chunkSize);
  } catch (e) {
    throw wrapError(path, e);
  }
  try {
    if (isGzip(head)) {
      yield* gunzip(readPlainFile(path, opts, 0), path);
    } else if (head.length > 0) {
      yield head;
      if (head.length === opts.chunkSize) yield* readPlainFile(path, opts, head.length);
    }
  } catch (e) {
    throw wrapError(path, e);
  }
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

/** The bytes of one input: a file (gzip or not), an svlogd directory's files in order, or stdin. */
export async function* inputChunks(spec: InputSpec, opts: ChunkOptions): AsyncGenerator<Buffer> {
  if (spec.stdin) {
    yield* streamChunks(spec.stdin, spec.name);
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
    yield* streamChunks(createReadStream(spec.name, { highWaterMark: opts.chunkSize }), spec.name);
  }
}
