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
      const text = gelfLines(`OLD${f}`, 4000, 1_600_000_000 + f * 0.001, 0.04);
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

  it('more inputs to merge than descriptors: one clear error before reading, --no-merge reads them all', async () => {
    const dir = join(tmp, 'fds');
    mkdirSync(dir);
    const files = Array.from({ length: 60 }, (_, i) => {
      const p = join(dir, `f${i}.log`);
      writeFileSync(p, `{"timestamp":${1_600_000_000 + i},"level":6,"short_message":"m${i}"}\n`);
      return p;
    });
    const sh = (args: string) => execFileSync('bash', ['-c', `ulimit -n 40; "${process.execPath}" "${BIN}" ${args} ${files.join(' ')} 2>&1; echo "status=$?"`], { encoding: 'utf8', env: ENV });
    expect(sh('-c')).toMatch(/^chainsaw: 60 inputs to merge, but only \d+ files can be open at once \(ulimit -n\): raise the limit, or read them one after another with --no-merge\nstatus=2\n$/);
    expect(sh('-c --no-merge')).toBe('60\nstatus=0\n');
  });
});

describe('finding 2: one bad entry in an svlogd directory loses nothing else', () => {
  it('a dangling @*.u link and a directory named @*.s are reported and skipped; later files and current are read', async () => {
    const dir = join(tmp, 'svbad');
    mkdirSync(dir);
    writeFileSync(join(dir, '@400000000000000100000000.s'), gelfLines('A', 2, 1_600_000_000, 1));
    symlinkSync(join(dir, 'gone'), join(dir, '@400000000000000200000000.u'));
    mkdirSync(join(dir, '@400000000000000300000000.s'));
    writeFileSync(join(dir, '@400000000000000400000000.s'), gelfLines('B', 2, 1_600_000_010, 1));
    writeFileSync(join(dir, 'current'), gelfLines('C', 2, 1_600_000_020, 1));
    const r = await runChainsaw(['-o', 'raw', dir]);
    expect(r.stdout).toBe(gelfLines('A', 2, 1_600_000_000, 1) + gelfLines('B', 2, 1_600_000_010, 1) + gelfLines('C', 2, 1_600_000_020, 1));
    expect(r.stderr).toBe(`chainsaw: ${dir}/@400000000000000200000000.u: No such file or directory\n`
      + `chainsaw: ${dir}/@400000000000000300000000.s: Is a directory\n`);
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
