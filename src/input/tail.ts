import { open, stat } from 'node:fs/promises';
import { isGzip } from './source.js';

const NL = 0x0a;

/**
 * A regular uncompressed file read from its end: blocks of whole lines, the last block first.
 * Returns undefined when the file cannot be read that way (gzip, not a regular file). With
 * `endAt`, the file is read as if it ended there (follow mode starts from a size it has seen).
 */
export async function backwardBlocks(path: string, endAt?: number, blockSize = 1 << 20): Promise<AsyncGenerator<Buffer> | undefined> {
  const st = await stat(path);
  if (!st.isFile()) return undefined;
  const fh = await open(path, 'r');
  const head = Buffer.alloc(2);
  await fh.read(head, 0, 2, 0);
  if (isGzip(head)) {
    await fh.close();
    return undefined;
  }
  return (async function* () {
    try {
      let pos = Math.min(st.size, endAt ?? Infinity);
      let carry: Buffer | undefined; // the start of a line whose head is in an earlier block
      while (pos > 0) {
        const size = Math.min(blockSize, pos);
        pos -= size;
        const buf = Buffer.allocUnsafe(size);
        const { bytesRead } = await fh.read(buf, 0, size, pos);
        let block = buf.subarray(0, bytesRead);
        if (carry) block = Buffer.concat([block, carry]);
        if (pos === 0) {
          yield block;
          return;
        }
        const firstNl = block.indexOf(NL);
        if (firstNl < 0) {
          carry = block;
          continue;
        }
        carry = block.subarray(0, firstNl + 1);
        const rest = block.subarray(firstNl + 1);
        if (rest.length > 0) yield rest;
      }
    } finally {
      await fh.close();
    }
  })();
}
