import { availableParallelism } from 'node:os';
import { closeSync, openSync, readSync } from 'node:fs';
import { stat, open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import type { Plan } from './cli/resolve.js';
import { ChainsawError, InputError, describeSystemError } from './errors.js';
import { lineBlocks } from './input/lines.js';
import { isGzip, plainFileRuns, type ChunkOptions } from './input/source.js';
import { Output } from './output.js';
import type { ErrorReporter } from './pipeline.js';
import type { RunResult, Sink } from './navigate.js';
import { derivePrefilter } from './query/prefilter.js';
import { InputReader, matchContext, showsPlainAsIs } from './reader.js';
import type { Renderer } from './render/renderer.js';

/** What a worker needs to resolve the same plan as the main thread: plain data only. */
export interface PlanInput {
  readonly words: readonly string[];
  readonly env: { [k: string]: string | undefined };
  readonly stdoutIsTTY: boolean;
  readonly stdoutColumns: number | undefined;
  readonly aliases: { [field: string]: string[] } | undefined;
  readonly now: number;
}

export type ToWorker = { readonly seg: number; readonly start: number; readonly end: number };
export type FromWorker =
  | { readonly seg: number; readonly kind: 'data'; readonly data: Uint8Array }
  | { readonly seg: number; readonly kind: 'done'; readonly matched: number }
  | { readonly seg: number; readonly kind: 'error'; readonly message: string; readonly input: boolean };

const MIN_SIZE = 48 << 20;
/** 2 MB: held output stays small (1M bunyan lines, -j 2: 160 MB RSS against 185 MB with 8 MB), at no cost in speed. */
const SEGMENT = 2 << 20;

/** -j auto: the cores, at most this many. */
const AUTO_MAX = 8;

/**
 * How many threads a run may use: -j N; -j auto (the default) is the cores, at most 8, or
 * CHAINSAW_WORKERS=N, read as -j N (the name this had before -j). One means no workers.
 */
export function workerCount(plan: Plan, env: { [k: string]: string | undefined }): number {
  if (plan.threads !== 'auto') return plan.threads;
  const asked = Number(env.CHAINSAW_WORKERS);
  if (env.CHAINSAW_WORKERS !== undefined && Number.isInteger(asked) && asked >= 0) return Math.max(1, asked);
  return Math.min(AUTO_MAX, availableParallelism());
}

/**
 * Whether a run is worth spreading over worker threads: one big plain file, CPU-bound work
 * (parsing for a filter or rendering), and nothing that needs one sequential pass (merge,
 * context, tail, follow, stats, -m, a table's widths, --strict's line numbers).
 */
export async function parallelizable(plan: Plan, workers: number): Promise<boolean> {
  if (workers < 2) return false;
  if (!plan.fastPaths || plan.inputs.length !== 1 || plan.follow || plan.stats || plan.strict) return false;
  if (plan.tail !== undefined || plan.maxCount !== undefined || plan.context) return false;
  if (plan.output === 'table') return false;
  // Only parsing every line is work worth a thread. Copying bytes through is not, nor is a
  // filter whose byte prefilter already skips most lines (measured: slower with workers).
  const pre = derivePrefilter(plan.expr, plan);
  if (pre.needles || pre.test) return false;
  if (!plan.predicate && (plan.output === 'raw' || plan.count)) return false;
  const spec = plan.inputs[0]!;
  if (spec.stdin) return false;
  try {
    const st = await stat(spec.name);
    if (!st.isFile() || st.size < MIN_SIZE) return false;
    const fh = await open(spec.name, 'r');
    const head = Buffer.alloc(2);
    await fh.read(head, 0, 2, 0);
    await fh.close();
    return !isGzip(head);
  } catch {
    return false;
  }
}

const NL = 0x0a;
/** One read buffer reused, as in a single-threaded run: a block is done with before the next read. */
const CHUNKS: ChunkOptions = { chunkSize: 128 * 1024, recycle: true };

/** Reads, filters and renders segments of the one input file: each worker has one, and so has the main thread. */
export class SegmentReader {
  private readonly reader: InputReader;
  private readonly path: string;
  /** One descriptor for the thread's life: its segments are read from it, not by path each time. */
  private readonly fd: number;

  constructor(plan: Plan, private readonly renderer: Renderer | undefined) {
    this.reader = new InputReader(plan.inputs[0]!, 0, matchContext(plan, { keepAll: false, needTime: false, passPlain: showsPlainAsIs(plan) }));
    this.path = plan.inputs[0]!.name;
    try {
      this.fd = openSync(this.path, 'r');
    } catch (e) {
      throw new InputError(`${this.path}: ${describeSystemError(e)}`, { cause: e });
    }
  }

  /** The byte before `pos`, to tell whether a segment starts on a line boundary. */
  private byteBefore(pos: number): number {
    const one = Buffer.alloc(1);
    readSync(this.fd, one, 0, 1, pos - 1);
    return one[0]!;
  }

  /**
   * The whole lines that start in [start, end), read as the main thread reads a file: a line
   * belongs to the segment it starts in, so a first partial line is skipped and the last one is
   * read past `end` to its newline.
   */
  private async *blocks(start: number, end: number): AsyncGenerator<Buffer> {
    let skipFirst = start > 0 && this.byteBefore(start) !== NL;
    let offset = start;
    for await (const blocks of lineBlocks(plainFileRuns(this.fd, this.path, CHUNKS, start))) {
      for (let block of blocks) {
        let blockStart = offset;
        offset += block.length;
        if (skipFirst) {
          skipFirst = false;
          const nl = block.indexOf(NL);
          if (nl < 0) return;
          block = block.subarray(nl + 1);
          blockStart += nl + 1;
        }
        if (blockStart >= end) return;
        if (offset > end) {
          // Keep the lines that start before `end`.
          const nl = block.indexOf(NL, end - blockStart - 1);
          yield nl < 0 ? block : block.subarray(0, nl + 1);
          return;
        }
        if (block.length) yield block;
      }
    }
  }

  /**
   * Renders the matching lines of [start, end) into `out` (flushed as it goes, not at the end),
   * until `stop` says the run failed; returns how many matched.
   */
  async render(start: number, end: number, out: Output, stop: () => boolean = () => false): Promise<number> {
    let matched = 0;
    for await (const block of this.blocks(start, end)) {
      for (const e of this.reader.lineEntries(block)) {
        matched++;
        if (this.renderer) out.write(this.renderer.render(e));
      }
      await out.flush();
      if (out.closed || stop()) break;
    }
    return matched;
  }

  close(): void {
    closeSync(this.fd);
  }
}

interface Segment { chunks: Uint8Array[]; done: boolean; matched: number }

/**
 * Splits the file into segments that the main thread and `threads - 1` workers filter and
 * render; the main thread writes their output in file order. The main thread takes a segment
 * whenever it is free: on 2 cores it and one worker beat two workers and a main thread that
 * only writes (1M bunyan lines, human output: 4.5 s of CPU against 5.6 s, one start-up and one
 * JIT warm-up less). A segment it takes when all before it are written goes straight to the
 * output; a later one is held like a worker's. Only a few segments run ahead of the one being
 * written, so memory stays bounded whatever the file size.
 */
export async function runParallel(plan: Plan, input: PlanInput, threads: number, sink: Sink, report: ErrorReporter): Promise<RunResult> {
  const path = plan.inputs[0]!.name;
  const size = (await stat(path)).size;
  const segments: ToWorker[] = [];
  for (let s = 0, i = 0; s < size; s += SEGMENT, i++) segments.push({ seg: i, start: s, end: Math.min(size, s + SEGMENT) });
  const results = new Map<number, Segment>();
  const window = threads * 2;
  let next = 0;
  let writing = 0;
  let matched = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const poke = () => wake?.();
  const more = () => next < segments.length && next - writing < window && failure === undefined;

  // The main thread's own segments (opened before any worker starts: a failure here leaves none running).
  const local = new SegmentReader(plan, plan.count ? undefined : sink.renderer);

  // A smaller young generation than V8's default: the same speed, ~50 MB less RSS with two
  // workers (measured on 1M bunyan lines, human output: 220 MB against 170 MB).
  const workers = Array.from({ length: threads - 1 }, () => new Worker(new URL('./worker.js', import.meta.url), { workerData: input, resourceLimits: { maxYoungGenerationSizeMb: 8 } }));
  const idle: Worker[] = [];
  const dispatch = (w: Worker) => {
    if (more()) {
      const seg = segments[next++]!;
      results.set(seg.seg, { chunks: [], done: false, matched: 0 });
      w.postMessage(seg);
    } else {
      idle.push(w);
    }
  };

  let localBusy = false;
  const held = new Output(new Writable({
    write(chunk: Buffer, _enc, cb) {
      results.get(heldSeg)!.chunks.push(Uint8Array.prototype.slice.call(chunk));
      cb();
    },
  }));
  let heldSeg = -1;
  const runLocal = async (): Promise<void> => {
    localBusy = true;
    try {
      const failed = () => failure !== undefined;
      while (more()) {
        const seg = segments[next++]!;
        const r: Segment = { chunks: [], done: false, matched: 0 };
        results.set(seg.seg, r);
        if (seg.seg === writing) {
          r.matched = await local.render(seg.start, seg.end, sink.output, failed);
        } else {
          heldSeg = seg.seg;
          r.matched = await local.render(seg.start, seg.end, held, failed);
          await held.flush(true);
        }
        r.done = true;
        poke();
        if (sink.output.closed) break;
      }
    } catch (e) {
      failure ??= e;
      poke();
    } finally {
      localBusy = false;
    }
  };

  for (const w of workers) {
    w.on('message', (m: FromWorker) => {
      const r = results.get(m.seg)!;
      if (m.kind === 'data') r.chunks.push(m.data);
      else if (m.kind === 'done') {
        r.done = true;
        r.matched = m.matched;
        dispatch(w);
      } else {
        failure = m.input ? new InputError(m.message) : new ChainsawError(m.message);
      }
      poke();
    });
    w.on('error', (e) => {
      failure = e;
      poke();
    });
  }
  // The main thread starts on the first segment while the workers load.
  let localRun = runLocal();
  for (const w of workers) dispatch(w);

  try {
    while (writing < segments.length) {
      if (failure !== undefined) break;
      const r = results.get(writing);
      if (r && r.chunks.length) {
        for (const c of r.chunks.splice(0)) sink.output.writeOwned(Buffer.from(c.buffer, c.byteOffset, c.byteLength));
        await sink.output.flush();
        if (sink.output.closed) break;
        continue;
      }
      if (r?.done) {
        matched += r.matched;
        results.delete(writing);
        writing++;
        for (const w of idle.splice(0)) dispatch(w);
        if (!localBusy) localRun = runLocal();
        continue;
      }
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await localRun;
    local.close();
  }
  if (failure instanceof InputError) report(failure);
  else if (failure !== undefined) throw failure;
  return { matched };
}
