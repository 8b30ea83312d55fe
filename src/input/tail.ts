import { open } from 'node:fs/promises';
import { isGzip, newlinesBefore } from './source.js';

const NL = 0x0a;

/** A block of whole lines, or one line cut at the limit (its first maxBytes bytes and a newline). */
export interface BackwardBlock {
  readonly block: Buffer;
  readonly cut: boolean;
}

/** Lines longer than `maxBytes` are cut; `onOverlong` hears of each, with a way to learn its number. */
export interface BackwardLimit {
  readonly maxBytes: number;
  readonly onOverlong: (lineNumber: () => number) => void;
}

/**
 * A regular uncompressed file read from its end: blocks of whole lines, the last block first.
 * Returns undefined when the file cannot be read that way (gzip, not a regular file). With
 * `endAt`, the file is read as if it ended there (follow mode starts from a size it has seen).
 * A line longer than a block is gathered in pieces and joined once (linear in its length), and
 * no more than its first maxBytes are held: blocks are no bigger, so only such a line can be
 * longer than the limit.
 */
export async function backwardBlocks(path: string, limit: BackwardLimit, endAt?: number): Promise<AsyncGenerator<BackwardBlock> | undefined> {
  const blockSize = Math.min(1 << 20, limit.maxBytes);
  const fh = await open(path, 'r');
  let handedOver = false;
  let fileSize = 0;
  try {
    const st = await fh.stat();
    if (!st.isFile()) return undefined;
    fileSize = st.size;
    const head = Buffer.alloc(2);
    await fh.read(head, 0, 2, 0);
    if (isGzip(head)) return undefined;
    handedOver = true;
  } finally {
    if (!handedOver) await fh.close();
  }
  return (async function* () {
    try {
      let pos = Math.min(fileSize, endAt ?? Infinity);
      // The end of a line whose start is in an earlier block, in file order; once it is known to
      // be longer than the limit, nothing of it is kept: its first maxBytes are read from its
      // start when that is found (a 200 MB line took 190 MB RSS when its pieces were kept).
      let carry: Buffer[] = [];
      let carryBytes = 0;
      let carryNl = false;
      let carryLong = false;
      while (pos > 0) {
        const size = Math.min(blockSize, pos);
        pos -= size;
        const buf = Buffer.allocUnsafe(size);
        const { bytesRead } = await fh.read(buf, 0, size, pos);
        const block = buf.subarray(0, bytesRead);
        const firstNl = block.indexOf(NL);
        if (firstNl < 0 && pos > 0) {
          if (!carryLong) {
            carry.unshift(block);
            carryBytes += block.length;
            if (carryBytes - (carryNl ? 1 : 0) > limit.maxBytes) {
              carryLong = true;
              carry = [];
            }
          }
          continue;
        }
        // The carried line starts after this block's last newline, or at the file's start.
        const lineStart = block.lastIndexOf(NL) + 1;
        if (carryLong || carry.length) {
          const length = block.length - lineStart + carryBytes;
          if (carryLong || length - (carryNl ? 1 : 0) > limit.maxBytes) {
            const at = pos + lineStart;
            limit.onOverlong(() => newlinesBefore(fh.fd, at) + 1);
            carry = [];
            const cut = Buffer.allocUnsafe(limit.maxBytes + 1);
            await fh.read(cut, 0, limit.maxBytes, at);
            cut[limit.maxBytes] = NL;
            yield { block: cut, cut: true };
          } else {
            yield { block: Buffer.concat([block.subarray(lineStart), ...carry], length), cut: false };
          }
        } else if (lineStart < block.length) {
          // The file's last line, without a newline.
          yield { block: block.subarray(lineStart), cut: false };
        }
        const wholeStart = pos === 0 ? 0 : firstNl + 1;
        if (wholeStart < lineStart) yield { block: block.subarray(wholeStart, lineStart), cut: false };
        carry = [block.subarray(0, wholeStart)];
        carryBytes = wholeStart;
        carryNl = true;
        carryLong = false;
        if (pos === 0) return;
      }
    } finally {
      await fh.close();
    }
  })();
}
