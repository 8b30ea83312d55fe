import { constants, createReadStream, openSync, realpathSync, statSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { InputError, describeSystemError } from '../errors.js';
import type { LineSplitter } from '../input/lines.js';
import { finishLine, splitInto, type Block, type Followed, type NewLines, type Poll } from './tailer.js';

/**
 * A FIFO, pipe or device followed as `tail -F` does: read as a stream, never by position (a pipe
 * has none), every record as it arrives. Nothing here blocks the process: a FIFO is opened
 * without waiting for a writer and read through the event loop, so a signal always gets through.
 * A named FIFO is opened again when its writer closes it, for the next writer; an anonymous pipe
 * (`/dev/stdin`, `<(cmd)`) or a device has nothing more to give after its end.
 */
export class StreamTailer implements Followed {
  private stream: Readable | undefined;
  private ended = false;
  private failure: unknown;
  private lines: LineSplitter;
  /** A named FIFO (it has a path of its own) is opened again at its end; an anonymous pipe is not. */
  private readonly reopen: boolean;

  constructor(readonly path: string, private readonly wake: () => void, private readonly newLines: NewLines) {
    this.lines = newLines();
    let named = false;
    try {
      named = statSync(path).isFIFO() && realpathSync.native(path) !== undefined;
    } catch {
      // /dev/stdin on a pipe resolves to `pipe:[…]`, which is no path.
    }
    this.reopen = named;
  }

  /** Opens the stream; a failure is reported by the next poll. */
  start(): void {
    try {
      if (statSync(this.path).isFIFO()) {
        const fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
        this.stream = new Socket({ fd, readable: true, writable: false });
      } else {
        this.stream = createReadStream(this.path, { highWaterMark: 64 * 1024 });
      }
    } catch (e) {
      this.failure = e;
      return;
    }
    this.ended = false;
    this.stream.on('readable', this.wake);
    this.stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
    this.stream.on('error', (e) => {
      this.failure = e;
      this.wake();
    });
  }

  poll(scratch: Buffer): Poll {
    const blocks: Block[] = [];
    const errors: InputError[] = [];
    let budget = scratch.length;
    let chunk: Buffer | null;
    while (this.stream && budget > 0 && (chunk = this.stream.read() as Buffer | null) !== null) {
      budget -= chunk.length;
      splitInto(this.lines, chunk, blocks);
    }
    if (this.failure !== undefined) {
      errors.push(new InputError(`${this.path}: ${describeSystemError(this.failure)}`, { cause: this.failure }));
      this.failure = undefined;
      this.ended = true;
    }
    if (this.ended) {
      // A writer's unfinished last line is final.
      finishLine(this.lines, blocks);
      this.lines = this.newLines();
      this.stream?.destroy();
      this.stream = undefined;
      this.ended = false;
      if (this.reopen && errors.length === 0) this.start();
    }
    return { blocks, notices: [], errors, more: budget <= 0 };
  }

  close(): void {
    this.stream?.destroy();
    this.stream = undefined;
  }
}
