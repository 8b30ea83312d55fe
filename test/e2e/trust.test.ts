import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, fixture, runChainsaw } from '../helpers.js';

// Issue 11: every line read once, whole, from the file it came from.
const tmp = mkdtempSync(join(tmpdir(), 'chainsaw-trust-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ENV = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', TZ: 'UTC', XDG_CONFIG_HOME: tmp, CHAINSAW_NO_FASTPATH: process.env.CHAINSAW_NO_FASTPATH };

/** `count` GELF lines tagged `tag`, times `t0 + i * step` seconds: a file of known lines. */
function gelfLines(tag: string, count: number, t0: number, step: number, pad = 60): string {
  let s = '';
  for (let i = 0; i < count; i++) s += `{"timestamp":${t0 + i * step},"level":6,"short_message":"${tag}-${i}","pad":"${'p'.repeat(pad)}"}\n`;
  return s;
}

/**
 * Runs chainsaw and, once its first output arrives, stops reading its stdout (so it stalls
 * mid-input on a full pipe), calls `meanwhile`, then reads the rest.
 */
function runStalled(args: string[], meanwhile: () => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let stalled = false;
    child.stdout.on('data', (b: Buffer) => {
      out.push(b);
      if (stalled) return;
      stalled = true;
      child.stdout.pause();
      // Long enough for chainsaw to fill the pipe and wait on it.
      setTimeout(() => {
        meanwhile();
        child.stdout.resume();
      }, 300);
    });
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: err }));
  });
}

describe('finding 1: a file is read from the descriptor opened at its start', () => {
  it('40 merged inputs, one rotated mid-read: every old line, nothing of the new file, nothing spliced', async () => {
    const dir = join(tmp, 'many');
    mkdirSync(dir);
    const files: string[] = [];
    let expected = '';
    for (let f = 0; f < 40; f++) {
      const p = join(dir, `s${String(f).padStart(2, '0')}.log`);
      const text = gelfLines(`OLD${f}`, 2500, 1_600_000_000 + f * 0.001, 0.04);
      writeFileSync(p, text);
      files.push(p);
      expected += text;
    }
    const r = await runStalled(['-o', 'raw', ...files], () => {
      renameSync(files[0]!, `${files[0]}.1`);
      writeFileSync(files[0]!, gelfLines('NEW', 20_000, 1_500_000_000, 1, 10));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('NEW');
    expect(r.stdout.split('\n').sort()).toEqual(expected.split('\n').sort());
  });

  it('more inputs to merge than descriptors: small ones are read whole at once, big ones stop the run with one clear error; --no-merge reads them all', async () => {
    const dir = join(tmp, 'fds');
    mkdirSync(dir);
    const small = Array.from({ length: 60 }, (_, i) => {
      const p = join(dir, `s${i}.log`);
      writeFileSync(p, `{"timestamp":${1_600_000_000 + i},"level":6,"short_message":"m${i}"}\n`);
      return p;
    });
    const big = Array.from({ length: 60 }, (_, i) => {
      const p = join(dir, `b${String(i).padStart(2, '0')}.log`);
      writeFileSync(p, gelfLines(`B${i}`, 6500, 1_600_000_000 + i, 1));
      return p;
    });
    const sh = (args: string, files: string[]) => execFileSync('bash', ['-c', `ulimit -n 30; "${process.execPath}" "${BIN}" ${args} ${files.join(' ')} 2>&1; echo "status=$?"`], { encoding: 'utf8', env: ENV });
    expect(sh('-c', small)).toBe('60\nstatus=0\n');
    expect(sh('-c', big)).toMatch(/^chainsaw: \S+\/b\d\d\.log: too many inputs to merge at once: no file descriptor left \(ulimit -n\), and the files read whole instead passed 32 MB; raise the limit, or read them one after another with --no-merge\nstatus=2\n$/);
    expect(sh('-c --no-merge', big)).toBe('390000\nstatus=0\n');
  });
});

describe('finding 2: one bad entry in an svlogd directory loses nothing else', () => {
  it('a dangling @*.u link, a directory and a FIFO named @*.s are reported and skipped; later files and current are read', async () => {
    const dir = join(tmp, 'svbad');
    mkdirSync(dir);
    writeFileSync(join(dir, '@400000000000000100000000.s'), gelfLines('A', 2, 1_600_000_000, 1));
    symlinkSync(join(dir, 'gone'), join(dir, '@400000000000000200000000.u'));
    mkdirSync(join(dir, '@400000000000000300000000.s'));
    // A FIFO is not waited on.
    execFileSync('mkfifo', [join(dir, '@400000000000000350000000.s')]);
    writeFileSync(join(dir, '@400000000000000400000000.s'), gelfLines('B', 2, 1_600_000_010, 1));
    writeFileSync(join(dir, 'current'), gelfLines('C', 2, 1_600_000_020, 1));
    const r = await runChainsaw(['-o', 'raw', dir]);
    expect(r.stdout).toBe(gelfLines('A', 2, 1_600_000_000, 1) + gelfLines('B', 2, 1_600_000_010, 1) + gelfLines('C', 2, 1_600_000_020, 1));
    expect(r.stderr).toBe(`chainsaw: ${dir}/@400000000000000200000000.u: No such file or directory\n`
      + `chainsaw: ${dir}/@400000000000000300000000.s: Is a directory\n`
      + `chainsaw: ${dir}/@400000000000000350000000.s: not a regular file\n`);
    expect(r.code).toBe(2);
  });

  it('current rotated while the directory is read: the old current is read to its end, the new one not at all', async () => {
    const dir = join(tmp, 'svrot');
    mkdirSync(dir);
    const old = gelfLines('R', 30_000, 1_600_000_000, 1);
    const cur = gelfLines('C', 5000, 1_600_100_000, 1);
    writeFileSync(join(dir, '@400000000000000100000000.s'), old);
    writeFileSync(join(dir, 'current'), cur);
    const r = await runStalled(['-o', 'raw', dir], () => {
      renameSync(join(dir, 'current'), join(dir, '@400000000000000900000000.s'));
      writeFileSync(join(dir, 'current'), gelfLines('NEW', 10, 1_600_200_000, 1));
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(old + cur);
    expect(r.code).toBe(0);
  });

  it('a rotated file deleted after the listing (svlogd cleanup) is reported; the files after it are read', async () => {
    const dir = join(tmp, 'svgone');
    mkdirSync(dir);
    const first = gelfLines('F', 30_000, 1_600_000_000, 1);
    writeFileSync(join(dir, '@400000000000000100000000.s'), first);
    writeFileSync(join(dir, '@400000000000000200000000.s'), gelfLines('G', 10, 1_600_100_000, 1));
    writeFileSync(join(dir, 'current'), gelfLines('C', 10, 1_600_200_000, 1));
    const r = await runStalled(['-o', 'raw', dir], () => unlinkSync(join(dir, '@400000000000000200000000.s')));
    expect(r.stderr).toBe(`chainsaw: ${dir}/@400000000000000200000000.s: No such file or directory\n`);
    expect(r.stdout).toBe(first + gelfLines('C', 10, 1_600_200_000, 1));
    expect(r.code).toBe(2);
  });
});

const MIB = 1024 * 1024;

/** Runs a shell pipeline in which CHAINSAW stands for chainsaw under GNU time: its peak RSS, stdout, stderr and status. */
function measured(pipeline: string): Promise<{ rssMb: number; stdout: Buffer; stderr: string; status: number }> {
  return new Promise((resolve, reject) => {
    const script = `set -o pipefail; ${pipeline.replace('CHAINSAW', `/usr/bin/time -f 'RSS %M' "${process.execPath}" "${BIN}"`)}`;
    const child = spawn('bash', ['-c', script], { env: ENV, cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const m = /^RSS (\d+)\n/m.exec(err);
      const stderr = err.replace(/^Command exited with non-zero status \d+\n/m, '').replace(/^RSS \d+\n/m, '');
      resolve({ rssMb: m ? Number(m[1]) / 1024 : NaN, stdout: Buffer.concat(out), stderr, status: code ?? -1 });
    });
  });
}

describe.skipIf(!existsSync('/usr/bin/time'))('finding 6: over-long lines', () => {
  const after = '{"level":3,"short_message":"after"}\n';

  it('a line over --max-line-bytes is reported once with its number, kept as a non-JSON line of its first N bytes; the run goes on, status 2', async () => {
    const f = join(tmp, 'long.log');
    writeFileSync(f, `{"level":6,"short_message":"first"}\n{"level":3,"pad":"${'y'.repeat(3 * MIB)}"}\n${'z'.repeat(2 * MIB)}\n${after}`);
    const r = await runChainsaw(['--max-line-bytes', String(MIB), '-o', 'raw', '--invalid', 'show', '-l', 'err', f]);
    expect(r.stderr).toBe(`chainsaw: ${f}:2: line longer than ${MIB} bytes (--max-line-bytes): kept as a non-JSON line of its first ${MIB} bytes\n`);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`{"level":3,"pad":"${'y'.repeat(MIB - 18)}`);
    expect(lines[1]).toBe('z'.repeat(MIB));
    expect(lines.slice(2)).toEqual(['{"level":3,"short_message":"after"}', '']);
    expect(r.code).toBe(2);
    // --strict: the cut line is the error.
    const s = await runChainsaw(['--max-line-bytes', String(MIB), '--strict', '-o', 'raw', f]);
    expect(s.stdout).toBe('{"level":6,"short_message":"first"}\n');
    expect(s.stderr).toMatch(new RegExp(`:2: line longer than ${MIB} bytes \\(--max-line-bytes\\)\\n$`));
    expect(s.code).toBe(2);
  });

  it('--max-line-bytes is a whole number from 1 to 256 MiB', async () => {
    for (const bad of ['0', '-1', '1.5', '300000000', 'x']) {
      const r = await runChainsaw(['--max-line-bytes', bad, fixture('shapes', 'gelf.log')]);
      expect(r.stderr).toMatch(/^chainsaw: --max-line-bytes: expected a whole number/);
      expect(r.code).toBe(2);
    }
  });

  it('a 1 GB line on a pipe: the record after it is found, memory under N + 100 MB', async () => {
    const r = await measured(`(head -c 1G /dev/zero; printf '\\n${after}') | CHAINSAW --max-line-bytes ${MIB} -l err -o raw`);
    expect(r.stderr).toBe(`chainsaw: -:1: line longer than ${MIB} bytes (--max-line-bytes): kept as a non-JSON line of its first ${MIB} bytes\n`);
    expect(r.stdout.toString()).toBe(after);
    expect(r.status).toBe(2);
    expect(r.rssMb).toBeLessThan(1 + 100);
  }, 30_000);

  it('-o raw without a filter passes such a line through whole, without holding it', async () => {
    const input = `head -c 200M /dev/zero | tr '\\0' x; printf '\\n${after}'`;
    const r = await measured(`(${input}) | CHAINSAW --max-line-bytes ${MIB} -o raw | cksum`);
    expect(r.stdout.toString()).toBe(execFileSync('bash', ['-c', `(${input}) | cksum`], { encoding: 'utf8' }));
    expect(r.stderr).toBe(`chainsaw: -:1: line longer than ${MIB} bytes (--max-line-bytes): passed through whole\n`);
    expect(r.status).toBe(2);
    expect(r.rssMb).toBeLessThan(1 + 100);
  }, 30_000);

  it('a gzip bomb (one line of 400 MB of zeros) with the default limit stays under 64 MiB + 100 MB', async () => {
    const bomb = join(tmp, 'bomb.gz');
    // gzip members one after another are one stream: 25 of 16 MB of zeros, then a newline and a record.
    execFileSync('bash', ['-c', `head -c 16M /dev/zero | gzip -1 > "${bomb}.m"; for i in $(seq 25); do cat "${bomb}.m"; done > "${bomb}"; printf '\\n${after}' | gzip >> "${bomb}"`]);
    const r = await measured(`CHAINSAW -c "${bomb}"`);
    expect(r.stderr).toBe(`chainsaw: ${bomb}:1: line longer than ${64 * MIB} bytes (--max-line-bytes): kept as a non-JSON line of its first ${64 * MIB} bytes\n`);
    expect(r.stdout.toString()).toBe('2\n');
    expect(r.rssMb).toBeLessThan(64 + 100);
  }, 30_000);

  it('/dev/zero with the default limit: reported at once, memory stays under 64 MiB + 100 MB while it reads on', async () => {
    const child = spawn(process.execPath, [BIN, '-c', '/dev/zero'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 15_000);
      child.stderr.on('data', (b: Buffer) => {
        err += b.toString();
        if (err.includes('\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // A second more of reading zeros (GBs of them).
    await new Promise((r) => setTimeout(r, 1000));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    child.kill('SIGKILL');
    expect(err).toBe(`chainsaw: /dev/zero:1: line longer than ${64 * MIB} bytes (--max-line-bytes): kept as a non-JSON line of its first ${64 * MIB} bytes\n`);
    expect(Number(/VmHWM:\s*(\d+)/.exec(status)![1]) / 1024).toBeLessThan(64 + 100);
  }, 30_000);

  it('-n reads a 150 MB line from the end in linear time', async () => {
    const f = join(tmp, 'tail-long.log');
    execFileSync('bash', ['-c', `(printf '{"level":6,"short_message":"a"}\\n'; head -c 150M /dev/zero | tr '\\0' x; printf '\\n{"level":6,"short_message":"b"}\\n{"level":6,"short_message":"c"}\\n') > "${f}"`]);
    const t0 = Date.now();
    const r = await runChainsaw(['-n', '2', '-o', 'raw', '-q', 'exists(short_message)', f], { timeoutMs: 20_000 });
    expect(r.stdout).toBe('{"level":6,"short_message":"b"}\n{"level":6,"short_message":"c"}\n');
    // With the fast paths off, -n reads forwards: the long line is read, and reported.
    expect(r.code).toBe(process.env.CHAINSAW_NO_FASTPATH === '1' ? 2 : 0);
    // Read from the end, it never reaches the long line: 150 MB of it took 15 s when each 1 MB block was joined to the rest.
    const three = await runChainsaw(['-n', '3', '-o', 'raw', f], { timeoutMs: 20_000 });
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(three.stderr).toBe(`chainsaw: ${f}:2: line longer than ${64 * MIB} bytes (--max-line-bytes): kept as a non-JSON line of its first ${64 * MIB} bytes\n`);
    expect(three.stdout).toBe(`${'x'.repeat(64 * MIB)}\n{"level":6,"short_message":"b"}\n{"level":6,"short_message":"c"}\n`);
    expect(three.code).toBe(2);
    unlinkSync(f);
  }, 30_000);
});

describe('finding 7: gzip keeps every line that decoded', () => {
  const lines = Array.from({ length: 60_000 }, (_, i) => `{"level":6,"short_message":"line ${i}","pad":"${'q'.repeat(20 + (i * 7919) % 50)}"}\n`).join('');

  it('trailing garbage: every line, then the error, status 2', async () => {
    const f = join(tmp, 'trailing.gz');
    writeFileSync(f, Buffer.concat([execFileSync('gzip', ['-c'], { input: lines, maxBuffer: 64 * MIB }), Buffer.from('garbage!')]));
    const r = await runChainsaw(['-o', 'raw', f]);
    expect(r.stderr).toBe(`chainsaw: ${f}: trailing garbage after the gzip data\n`);
    expect(r.stdout === lines).toBe(true);
    expect(r.code).toBe(2);
  });

  it('a corrupt block mid-file: every whole line zcat decodes before it, then the error', async () => {
    const f = join(tmp, 'corrupt.gz');
    const gz = execFileSync('gzip', ['-c'], { input: lines, maxBuffer: 64 * MIB });
    // Bytes of a deflate block overwritten: zlib stops at the first code that makes no sense.
    for (let i = Math.floor(gz.length / 2); i < Math.floor(gz.length / 2) + 64; i++) gz[i] = 0xff;
    writeFileSync(f, gz);
    let zcat: Buffer;
    try {
      zcat = execFileSync('gzip', ['-dc', f], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * MIB });
    } catch (e) {
      zcat = (e as { stdout: Buffer }).stdout;
    }
    const wholeLines = (b: Buffer) => b.subarray(0, b.lastIndexOf(0x0a) + 1).toString();
    const r = await runChainsaw(['-o', 'raw', f]);
    expect(r.stderr).toBe(`chainsaw: ${f}: corrupt gzip data\n`);
    // zcat writes what it decoded in 32 KB windows: chainsaw has all of that, and the lines after.
    expect(wholeLines(zcat).length).toBeGreaterThan(100_000);
    expect(r.stdout.startsWith(wholeLines(zcat))).toBe(true);
    expect(r.stdout.endsWith('\n') && lines.startsWith(r.stdout)).toBe(true);
    expect(r.code).toBe(2);
  });
});

describe('finding 8: --strict gives the same answer with and without the fast paths', () => {
  it.each([['1'], [undefined]])('CHAINSAW_NO_FASTPATH=%s: a garbage first line is the error', async (off) => {
    const f = join(tmp, 'strict.log');
    writeFileSync(f, 'garbage\n{"level":6,"txnId":"T1","short_message":"m"}\n');
    const r = await runChainsaw(['--strict', '-t', 'T1', '-o', 'raw', f], { env: { CHAINSAW_NO_FASTPATH: off } });
    expect(r.stderr).toBe(`chainsaw: ${f}:1: not a JSON object\n`);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });
});

describe('finding 9: no descriptor, no silence', () => {
  const sh = (script: string) => execFileSync('bash', ['-c', `${script} 2>&1; echo "status=$?"`], { encoding: 'utf8', env: ENV });
  const cs = `"${process.execPath}" "${BIN}"`;

  it('standard input closed (<&-) is an error, as grep says; /dev/null is an empty input', () => {
    expect(sh(`${cs} -c <&-`)).toBe('chainsaw: -: Bad file descriptor\n0\nstatus=2\n');
    expect(sh(`${cs} -c </dev/null`)).toBe('0\nstatus=1\n');
    expect(sh(`${cs} -c "${fixture('shapes', 'gelf.log')}" <&-`)).toBe('4\nstatus=0\n');
  });

  it('out of descriptors: a one-line error at every limit node itself starts with, never "not built"', () => {
    const files = Array.from({ length: 12 }, (_, i) => fixture('shapes', 'gelf.log')).join(' ');
    const seen = new Set<string>();
    for (const n of [18, 20, 24, 48]) {
      const out = sh(`ulimit -n ${n}; ${cs} -c ${files}`);
      // Below ~17 node's own start-up aborts, before any of chainsaw runs.
      if (/Assertion failed|Segmentation|status=1[34][0-9]|EMFILE: too many open files, open '.*bin\/chainsaw'/.test(out)) continue;
      expect(out).toMatch(/^(48\nstatus=0|chainsaw: Too many open files \(ulimit -n is too low to start\)\nstatus=2)\n$/);
      seen.add(out.split('\n')[0]!.slice(0, 30));
    }
    expect(seen.size).toBe(2);
  });
});
