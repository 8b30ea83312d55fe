import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { UNSAFE_OUTPUT, runInPty } from '../terminal.js';

const dir = mkdtempSync(join(tmpdir(), 'chainsaw-ptyprop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Characters a hostile log line holds: controls, C1, bidi, zero-width, BOM, soft hyphen, tags, separators. */
const HOSTILE_CHARS = [
  '\x1b', '\x07', '\x08', '\r', '\x00', '\x7f', '\x9b', '\x85', '\u202e', '\u202a', '\u2066', '\u200b', '\u200d', '\u2060',
  '\ufeff', '\u00ad', '\u061c', '\u2028', '\u2029', '\u{e0041}', '\u{e0001}', '\x1b]52;c;eA==\x07', '\x1b[2J', '\x1b]8;;x\x1b\\',
];
const hostileText = fc.string({
  unit: fc.oneof(fc.constantFrom(...HOSTILE_CHARS), fc.constantFrom('a', 'B', ' ', '"', '\\', '=', ',', '\t', '\n', '{', 'é'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 16,
});
const value = fc.oneof(hostileText, fc.integer(), fc.constant(null), fc.dictionary(hostileText, hostileText, { maxKeys: 2 }));
const record = fc.record({
  fields: fc.dictionary(hostileText, value, { maxKeys: 4 }),
  msg: hostileText, facility: hostileText, host: hostileText, txnId: hostileText,
  timestamp: fc.oneof(fc.integer({ min: 1e9, max: 2e9 }), fc.constant(1e300), hostileText),
}).map(({ fields, ...canonical }) => JSON.stringify({ ...fields, ...canonical }));
/** Lines that are not JSON: random bytes (no newline, so each stays one line). */
const junk = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b.map((x) => (x === 0x0a ? 0x1b : x))));
const lines = fc.array(fc.oneof({ weight: 3, arbitrary: record.map((s) => Buffer.from(`${s}\n`)) }, { weight: 1, arbitrary: junk.map((b) => Buffer.concat([b, Buffer.from('\n')])) }), { minLength: 40, maxLength: 80 });

const MODES: readonly string[][] = [
  ['-o', 'human'], ['-o', 'table'], ['-o', 'json'], ['-o', 'raw'], ['-o', 'logfmt'], ['-o', 'csv'], ['-o', 'tsv'],
  ['--stats'], ['--stats', '-o', 'json'],
];

describe('no control or format character from the logs reaches a terminal, in any mode (issue 12)', () => {
  it('random records and bytes, every output mode under a pseudo-terminal', async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(lines, async (ls) => {
      const path = join(dir, `in-${run++}.log`);
      writeFileSync(path, Buffer.concat(ls));
      // A handful of spawns per run (one per mode, side by side): spawning is the slow part.
      const results = await Promise.all(MODES.map((mode) => runInPty(['--color', 'never', ...mode, path])));
      results.forEach((r, i) => {
        expect(r.code, MODES[i]!.join(' ')).toBeLessThan(2);
        const bad = UNSAFE_OUTPUT.exec(r.output);
        expect(bad && { mode: MODES[i]!.join(' '), char: bad[0].codePointAt(0)!.toString(16), near: JSON.stringify(r.output.slice(Math.max(0, bad.index - 20), bad.index + 20)) }).toBeNull();
      });
    }), { numRuns: 3, endOnFailure: true });
  });
});
