import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { parseArgs } from './cli/parse.js';
import { resolvePlan } from './cli/resolve.js';
import { ChainsawError, InputError } from './errors.js';
import { Output } from './output.js';
import type { FromWorker, PlanInput, ToWorker } from './parallel.js';
import { InputReader, matchContext } from './pipeline.js';
import { makeRenderer } from './render/index.js';

const NL = 0x0a;
const BLOCK = 1 << 20;
const input = workerData as PlanInput;
const port = parentPort!;

const plan = await resolvePlan(parseArgs(input.words), {
  env: input.env, stdin: { isTTY: false } as unknown as NodeJS.ReadableStream, stdoutIsTTY: input.stdoutIsTTY,
  stdoutColumns: input.stdoutColumns, aliases: input.aliases, now: input.now,
});
const renderer = plan.count ? undefined : makeRenderer(plan.output, plan.render);
const reader = new InputReader(plan.inputs[0]!, 0, matchContext(plan, { keepAll: false, needTime: false }));
const fh = await open(plan.inputs[0]!.name, 'r');

const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

/**
 * The whole lines that start in [start, end): a line belongs to the segment it starts in, so the
 * first partial line is skipped and the last one is read past `end` to its newline.
 */
async function* segmentBlocks(start: number, end: number): AsyncGenerator<Buffer> {
  let pos = start;
  if (start > 0) {
    const one = Buffer.alloc(1);
    await fh.read(one, 0, 1, start - 1);
    if (one[0] !== NL) {
      // Skip the rest of the line that began in the previous segment.
      for (;;) {
        const buf = Buffer.allocUnsafe(64 * 1024);
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) return;
        const nl = buf.subarray(0, bytesRead).indexOf(NL);
        if (nl >= 0) {
          pos += nl + 1;
          break;
        }
        pos += bytesRead;
      }
    }
  }
  let carry: Buffer[] = [];
  while (pos < end || carry.length) {
    const buf = Buffer.allocUnsafe(BLOCK);
    const { bytesRead } = await fh.read(buf, 0, BLOCK, pos);
    const got = buf.subarray(0, bytesRead);
    const blockStart = pos - carry.reduce((n, c) => n + c.length, 0);
    pos += bytesRead;
    if (bytesRead === 0) {
      if (carry.length) yield Buffer.concat(carry);
      return;
    }
    const lastNl = got.lastIndexOf(NL);
    if (lastNl < 0) {
      carry.push(got);
      continue;
    }
    let block = carry.length ? Buffer.concat([...carry, got.subarray(0, lastNl + 1)]) : got.subarray(0, lastNl + 1);
    carry = lastNl + 1 < got.length ? [got.subarray(lastNl + 1)] : [];
    const limit = end - blockStart;
    if (block.length > limit) {
      // Keep the lines that start before `end`.
      const nl = limit > 0 ? block.indexOf(NL, limit - 1) : -1;
      block = block.subarray(0, nl + 1);
      if (block.length) yield block;
      return;
    }
    yield block;
    if (pos >= end && carry.length === 0) return;
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
    for (const e of reader.matchBlock(block)) {
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
