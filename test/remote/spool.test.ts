import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool } from '../../src/remote/spool.js';

describe('the spool between an ssh child and the merge (issue 13)', () => {
  it('keeps every byte in order through memory, the file and back, while read and written at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainsaw-spool-'));
    let files = 0;
    const spool = new Spool(() => join(dir, `s${files++}`), 64);
    const expected: string[] = [];
    const got: string[] = [];
    const reading = (async () => {
      for await (const b of spool) {
        got.push(b.toString());
        // A slow reader: the writer runs ahead into the file.
        if (got.length % 7 === 0) await new Promise((r) => setTimeout(r, 1));
      }
    })();
    for (let i = 0; i < 500; i++) {
      const piece = `line ${i} ${'x'.repeat(i % 40)}\n`;
      expected.push(piece);
      spool.write(Buffer.from(piece));
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    spool.end();
    await reading;
    expect(got.join('')).toBe(expected.join(''));
    expect(files).toBeGreaterThan(0);
    // The file is unlinked as soon as it is opened: nothing is left behind.
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(true);
  });
});
