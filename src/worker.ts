import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { parseArgs } from './cli/parse.js';
import { resolvePlan } from './cli/resolve.js';
import { ChainsawError, InputError } from './errors.js';
import { Output } from './output.js';
import { SegmentReader, type FromWorker, type PlanInput, type ToWorker } from './parallel.js';
import { makeRenderer } from './render/index.js';

const input = workerData as PlanInput;
const port = parentPort!;

const plan = await resolvePlan(parseArgs(input.words), {
  env: input.env, stdin: { isTTY: false } as unknown as NodeJS.ReadableStream, stdoutIsTTY: input.stdoutIsTTY,
  stdoutColumns: input.stdoutColumns, aliases: input.aliases, now: input.now,
});
const segments = new SegmentReader(plan, plan.count ? undefined : makeRenderer(plan.output, plan.render));

const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

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
  const matched = await segments.render(msg.start, msg.end, out);
  await out.flush(true);
  seg = msg.seg;
  post({ seg, kind: 'done', matched });
}

port.on('message', (msg: ToWorker) => {
  runSegment(msg).catch((e: unknown) => {
    post({ seg: msg.seg, kind: 'error', message: e instanceof ChainsawError ? e.message : `internal error: ${(e as Error).message}`, input: e instanceof InputError });
  });
});
