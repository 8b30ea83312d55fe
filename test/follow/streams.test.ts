import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Follower, cleanUp, tempDir, numbered, numbersIn, range, sleep } from './helpers.js';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const s of stops.splice(0)) s();
  cleanUp();
});

function fifo(): string {
  const path = join(tempDir(), 'fifo');
  execFileSync('mkfifo', [path]);
  return path;
}

/** Opens the FIFO for writing in a child (`sh -c 'printf … > fifo'`), which ends once written. */
function writeFifo(path: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const w = spawn('sh', ['-c', 'printf "%s" "$1" > "$0"', path, text], { stdio: 'ignore' });
    w.on('error', reject);
    w.on('close', () => resolve());
  });
}

describe('-F on pipes, FIFOs and devices: read as streams; SIGINT/SIGTERM end it in every state (issue 11)', () => {
  it('a FIFO with no writer: SIGTERM ends it at once, quietly, status 1', async () => {
    const f = new Follower(['-o', 'raw', fifo()]);
    await sleep(500);
    expect(await f.stopsAtOnce()).toBe(1);
    expect(f.stderr).toBe('');
  });

  it('a FIFO with no writer: SIGINT ends it too', async () => {
    const f = new Follower(['-o', 'raw', fifo()]);
    await sleep(500);
    expect(await f.stopsAtOnce('SIGINT')).toBe(1);
  });

  it('a FIFO read as a stream: every record of each writer in turn, as tail -F does', async () => {
    const path = fifo();
    const f = new Follower(['-n', '1', '-o', 'raw', path]);
    await sleep(300);
    await writeFifo(path, numbered(0) + numbered(1));
    await f.waitFor((l) => l.length === 2);
    await writeFifo(path, numbered(2));
    await f.waitFor((l) => l.length === 3);
    expect(await f.stop()).toBe(0);
    expect(numbersIn(f.lines())).toEqual([0, 1, 2]);
    expect(f.stderr).toBe('');
  });

  it('/dev/stdin on a pipe is read as a stream (was: internal error: ESPIPE)', async () => {
    const f = new Follower([], {
      command: ['bash', '-c', `exec "$0" "$BIN" -F -o raw /dev/stdin < <(printf '%s' '${numbered(0)}${numbered(1)}'; sleep 0.3; printf '%s' '${numbered(2)}')`, process.execPath],
    });
    await f.waitFor((l) => l.length === 3);
    expect(await f.stop()).toBe(0);
    expect(numbersIn(f.lines())).toEqual(range(0, 3));
    expect(f.stderr).toBe('');
  });

  it('process substitution <(cmd) is read as a stream (was: internal error: ESPIPE)', async () => {
    const f = new Follower([], {
      command: ['bash', '-c', `exec "$0" "$BIN" -F -o raw <(printf '%s' '${numbered(0)}'; sleep 0.3; printf '%s' '${numbered(1)}')`, process.execPath],
    });
    await f.waitFor((l) => l.length === 2);
    expect(await f.stop()).toBe(0);
    expect(numbersIn(f.lines())).toEqual([0, 1]);
    expect(f.stderr).toBe('');
  });

  it('/dev/zero (one endless line): SIGTERM ends it at once', async () => {
    const f = new Follower(['-o', 'raw', '/dev/zero']);
    await sleep(300);
    // Nothing matched (1), or the over-long line was reported (2).
    expect([1, 2]).toContain(await f.stopsAtOnce());
  });

  it('a file growing with one endless line: SIGTERM ends it at once', async () => {
    const path = join(tempDir(), 'endless.log');
    writeFileSync(path, '');
    const f = new Follower(['-o', 'raw', path]);
    await sleep(300);
    const mb = 'x'.repeat(1 << 20);
    const writer = setInterval(() => appendFileSync(path, mb), 20);
    stops.push(() => clearInterval(writer));
    await sleep(500);
    expect([1, 2]).toContain(await f.stopsAtOnce());
  });

  it('inputs that cannot be opened (out of descriptors) are reported, and the run ends with status 2', async () => {
    const dir = tempDir();
    const files = range(0, 80).map((i) => join(dir, `f${i}.log`));
    for (const [i, p] of files.entries()) writeFileSync(p, numbered(i));
    const f = new Follower([], { command: ['sh', '-c', 'ulimit -n 60 && exec "$0" "$BIN" -F -n 1 -o raw "$@"', process.execPath, ...files] });
    await f.waitFor(() => /Too many open files/.test(f.stderr));
    await sleep(300);
    expect(await f.stop()).toBe(2);
    const said = f.stderr.split('\n').filter((l) => l !== '');
    expect(said.length).toBeGreaterThan(0);
    // Each input that could not be opened is named once, as `chainsaw: PATH: Too many open files`;
    // every other one was followed, its last record shown.
    for (const l of said) expect(l).toMatch(/^chainsaw: \S+\/f\d+\.log: Too many open files$/);
    const reported = said.map((l) => Number(/f(\d+)\.log/.exec(l)![1]));
    expect([...numbersIn(f.lines()), ...reported].sort((a, b) => a - b)).toEqual(range(0, files.length));
  });

  it('output blocked on a reader that does not read: SIGTERM still ends it', async () => {
    const path = join(tempDir(), 'big.log');
    writeFileSync(path, range(0, 50_000).map(numbered).join(''));
    const f = new Follower(['-n', '50000', '-o', 'raw', path]);
    f.child.stdout.pause();
    await sleep(800);
    expect(await f.stopsAtOnce()).not.toBeNull();
  });
});
