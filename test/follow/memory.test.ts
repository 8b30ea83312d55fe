import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Follower, cleanUp, tempDir, sleep } from './helpers.js';

afterEach(cleanUp);

const LINE = '{"level":6,"msg":"burst","pad":"' + 'p'.repeat(60) + '"}\n';

describe('-F memory is bounded by a batch, not by the burst (issue 11)', () => {
  it('a 300 MB burst appended at full speed streams out whole under 150 MB peak RSS', async () => {
    const path = join(tempDir(), 'burst.log');
    writeFileSync(path, '');
    const f = new Follower(['-n', '0', '-o', 'raw', path], { countOnly: true });
    await sleep(400);
    // A writer at full speed, as `yes LINE | head -c … >> file`: it goes on while chainsaw reads.
    const lines = Math.floor((300 << 20) / LINE.length);
    await new Promise<void>((resolve, reject) => {
      const w = spawn('sh', ['-c', `yes '${LINE.trimEnd()}' | head -n ${lines} >> "$0"`, path], { stdio: 'ignore' });
      w.on('error', reject);
      w.on('close', () => resolve());
    });
    await f.waitFor(() => f.newlines >= lines, 25_000);
    const peak = f.peakKb();
    const code = await f.stop();
    console.log(`300 MB burst: ${f.newlines} lines out, peak RSS ${Math.round(peak / 1024)} MB`);
    expect(f.newlines).toBe(lines);
    expect(f.stdout.endsWith(LINE)).toBe(true);
    expect(peak).toBeLessThan(150 * 1024);
    expect(code).toBe(0);
  }, 40_000);

  it('a line written a byte at a time costs no memory per piece: no read buffer pinned per piece', async () => {
    const path = join(tempDir(), 'slow.log');
    writeFileSync(path, '');
    const f = new Follower(['-n', '0', '-o', 'raw', path]);
    await sleep(400);
    // A writer that writes one byte every ~30 µs for 5 s: chainsaw reads the line in many pieces.
    const writer = `
      const fs = require('fs');
      const fd = fs.openSync(process.argv[1], 'a');
      fs.writeSync(fd, '{"level":6,"msg":"slow","pad":"');
      let n = 0;
      for (const end = Date.now() + 5000; Date.now() < end; n++) {
        fs.writeSync(fd, 'x');
        for (const t = process.hrtime.bigint() + 30000n; process.hrtime.bigint() < t;);
      }
      fs.writeSync(fd, '"}\\n');
      console.log(n);`;
    const pieces = await new Promise<number>((resolve, reject) => {
      const w = spawn(process.execPath, ['-e', writer, path]);
      let out = '';
      w.stdout.on('data', (b: Buffer) => { out += b.toString(); });
      w.on('error', reject);
      w.on('close', () => resolve(Number(out)));
    });
    await f.waitFor((l) => l.length === 1);
    const peak = f.peakKb();
    expect(await f.stop()).toBe(0);
    console.log(`line of ${pieces} bytes written one at a time: peak RSS ${Math.round(peak / 1024)} MB`);
    expect(f.lines()).toEqual([`{"level":6,"msg":"slow","pad":"${'x'.repeat(pieces)}"}`]);
    expect(peak).toBeLessThan(80 * 1024);
  }, 30_000);

  it('an endless line (-F /dev/zero) is cut at --max-line-bytes: said once, memory under N + 100 MB', async () => {
    const f = new Follower(['--max-line-bytes', '1000000', '-o', 'raw', '/dev/zero']);
    await sleep(1500);
    const peak = f.peakKb();
    expect(await f.stopsAtOnce()).toBe(2);
    console.log(`-F /dev/zero for 1.5 s: peak RSS ${Math.round(peak / 1024)} MB`);
    expect(peak).toBeLessThan(101 * 1024);
    expect(f.stderr).toBe('chainsaw: /dev/zero: line longer than 1000000 bytes (--max-line-bytes): kept as a non-JSON line of its first 1000000 bytes\n');
  });

  it('a followed file: a line over --max-line-bytes is kept as its first N bytes, the lines around it whole', async () => {
    const path = join(tempDir(), 'long.log');
    writeFileSync(path, '');
    const f = new Follower(['--max-line-bytes', '20', '-o', 'raw', path]);
    await sleep(300);
    appendFileSync(path, `short\n${'y'.repeat(100_000)}\nafter\n`);
    await f.waitFor((l) => l.length === 3);
    expect(await f.stop()).toBe(2);
    expect(f.lines()).toEqual(['short', 'y'.repeat(20), 'after']);
    expect(f.stderr).toBe(`chainsaw: ${path}: line longer than 20 bytes (--max-line-bytes): kept as a non-JSON line of its first 20 bytes\n`);
  });
});
