import { openSync, readSync } from 'node:fs';
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { parseArgs } from './cli/parse.js';
import { resolvePlan } from './cli/resolve.js';
import { ChainsawError, InputError } from './errors.js';
import { lineBlocks } from './input/lines.js';
import { plainFileRuns, type ChunkOptions } from './input/source.js';
import { Output } from './output.js';
import type { FromWorker, PlanInput, ToWorker } from './parallel.js';
import { InputReader, matchContext, showsPlainAsIs } from './reader.js';
import { makeRenderer } from './render/index.js';

const NL = 0x0a;
/** One read buffer reused, as in the main thread: a block is done with before the next read. */
const CHUNKS: ChunkOptions = { chunkSize: 128 * 1024, recycle: true };
const input = workerData as PlanInput;
const port = parentPort!;

const plan = await resolvePlan(parseArgs(input.words), {
  env: input.env, stdin: { isTTY: false } as unknown as NodeJS.ReadableStream, stdoutIsTTY: input.stdoutIsTTY,
  stdoutColumns: input.stdoutColumns, aliases: input.aliases, now: input.now,
});
const renderer = plan.count ? undefined : makeRenderer(plan.output, plan.render);
const reader = new InputReader(plan.inputs[0]!, 0, matchContext(plan, { keepAll: false, needTime: false, passPlain: showsPlainAsIs(plan) }));
const path = plan.inputs[0]!.name;
// One descriptor for the worker's life: its segments are read from it, not by path each time.
const fd = openSync(path, 'r');

const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/** The byte before `pos`, to tell whether a segment starts on a line boundary. */
function byteBefore(pos: number): number {
  const one = Buffer.alloc(1);
  readSync(fd, one, 0, 1, pos - 1);
  return one[0]!;
}

/**
 * The whole lines that start in [start, end), read as the main thread reads a file: a line
 * belongs to the segment it starts in, so a first partial line is skipped and the last one is
 * read past `end` to its newline.
 */
async function* segmentBlocks(start: number, end: number): AsyncGenerator<Buffer> {
  let skipFirst = start > 0 && byteBefore(start) !== NL;
  let offset = start;
  for await (const blocks of lineBlocks(plainFileRuns(fd, path, CHUNKS, start))) {
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

async function runSegment(msg: ToWorker): Promise<void> {
  let seg = msg.seg;
  const out = new Output(new Writable({
    write(chunk: Buffer, _enc, cb) {
      // Large output buffers own their memory and move to the main thread without a copy.
      const own = chunk.byteOffset === 0 && chunk.buffer.byteLength > Buffer.poolSize;
      post({ seg, kind: 'data', data: own ? new Uint8Array(chunk.buffer, 0, chunk.byteLength) : new Uint8Array(chunk) }, own ? [chunk.buffer as ArrayBuffer] : []);
      cb();
    },
  }));
  let matched = 0;
  for await (const block of segmentBlocks(msg.start, msg.end)) {
    for (const e of reader.lineEntries(block)) {
      matched++;
      if (renderer) out.write(renderer.render(e));
    }
    await out.flush();
  }
  await out.flush(true);
  seg = msg.seg;
  post({ seg, kind: 'done', matched });
}

port.on('message', (msg: ToWorker) => {
  runSegment(msg).catch((e: unknown) => {
    post({ seg: msg.seg, kind: 'error', message: e instanceof ChainsawError ? e.message : `internal error: ${(e as Error).message}`, input: e instanceof InputError });
  });
});
