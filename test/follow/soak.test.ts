import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Follower, append, numbered, numbersIn, range, sleep } from './helpers.js';

describe('follow soak (issue 5)', () => {
  it('30 s, 20 svlogd rotations, 200k lines: every number once, in order, memory flat', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainsaw-soak-'));
    const current = join(dir, 'current');
    writeFileSync(current, '');
    const f = new Follower(['-n', '0', '-o', 'raw', '-l', 'info', dir]);
    await sleep(500);
    const rssStart = f.rssKb();
    const total = 200_000;
    const seconds = 30;
    const batch = Math.ceil(total / (seconds * 100)); // a batch every 10 ms
    const rotateEvery = Math.ceil(total / 21);
    let n = 0;
    let rotations = 0;
    const started = Date.now();
    while (n < total) {
      let text = '';
      for (let i = 0; i < batch && n < total; i++) {
        text += numbered(n++);
        if (n % rotateEvery === 0 && n < total) {
          append(current, text);
          text = '';
          renameSync(current, join(dir, `@40000000${String(rotations).padStart(16, '0')}.s`));
          writeFileSync(current, '');
          rotations++;
        }
      }
      append(current, text);
      const due = started + (n / total) * seconds * 1000;
      await sleep(Math.max(0, due - Date.now()));
    }
    await f.waitFor((l) => numbersIn(l.slice(-1)).at(-1) === total - 1, 20_000);
    const rssEnd = f.rssKb();
    const code = await f.stop();
    const got = numbersIn(f.lines());
    expect(rotations).toBe(20);
    expect(got.length).toBe(total);
    expect(got).toEqual(range(0, total));
    expect(code).toBe(0);
    // Flat: what it holds does not grow with what it has read.
    console.log(`soak: ${total} lines, ${rotations} rotations in ${((Date.now() - started) / 1000).toFixed(1)} s; RSS ${rssStart} kB at start, ${rssEnd} kB at end`);
    expect(rssEnd).toBeLessThan(rssStart + 40_000);
  }, 90_000);
});
