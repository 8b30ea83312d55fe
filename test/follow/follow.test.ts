import { mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Follower, append, numbered, numbersIn, range, sleep } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'chainsaw-follow-'));

describe('-F follows files like tail -F (issue 5)', () => {
  it('starts with the last -n records, then prints new ones; no line lost or repeated through rotation, truncation, deletion and split writes', async () => {
    const dir = tmp();
    const current = join(dir, 'current');
    writeFileSync(current, range(0, 20).map(numbered).join(''));
    const f = new Follower(['-n', '5', '-o', 'raw', dir]);
    await f.waitFor((l) => l.length >= 5);
    expect(numbersIn(f.lines())).toEqual(range(15, 20));

    let n = 20;
    const writeSome = async (count: number) => {
      for (let i = 0; i < count; i++) {
        append(current, numbered(n++));
        if (i % 10 === 0) await sleep(5);
      }
    };
    const caughtUp = () => f.waitFor((l) => numbersIn(l).at(-1) === n - 1);

    await writeSome(50);
    // svlogd-style rotation: rename current away, lines keep coming to the new current.
    renameSync(current, join(dir, '@400000004ef83a0a00000000.s'));
    writeFileSync(current, '');
    await writeSome(50);
    // A line split across writes is printed once, whole, when its newline arrives.
    const splitNumber = n++;
    const split = numbered(splitNumber);
    await f.waitFor((l) => numbersIn(l).at(-1) === splitNumber - 1);
    append(current, split.slice(0, 20));
    await sleep(300);
    expect(f.stdout.endsWith(`n=${splitNumber - 1}"}\n`)).toBe(true);
    append(current, split.slice(20));
    await writeSome(30);
    // copytruncate: the reader has caught up, the file is emptied and written again.
    await caughtUp();
    truncateSync(current, 0);
    await writeSome(40);
    // delete and re-create
    await caughtUp();
    rmSync(current);
    await sleep(250);
    writeFileSync(current, '');
    await writeSome(40);
    await caughtUp();
    expect(numbersIn(f.lines())).toEqual(range(15, n));
    expect(f.lines().every((l) => /^\{"level":6,"msg":"n=\d+"\}$/.test(l))).toBe(true);
    expect(await f.stop()).toBe(0);
  });

  it('waits for a file that does not exist yet', async () => {
    const dir = tmp();
    const path = join(dir, 'later.log');
    const f = new Follower([path]);
    await sleep(400);
    writeFileSync(path, '{"level":4,"msg":"finally"}\n');
    await f.waitFor((l) => l.length === 1);
    expect(f.lines()).toEqual(['WARN  finally']);
    expect(await f.stop()).toBe(0);
  });

  it('follows several files at once, labelled, interleaved by arrival, with a filter', async () => {
    const dir = tmp();
    const a = join(dir, 'api.log');
    const b = join(dir, 'db.log');
    writeFileSync(a, '');
    writeFileSync(b, '');
    const f = new Follower(['-l', 'warn', a, b]);
    await sleep(300);
    append(a, '{"level":4,"msg":"a warn"}\n{"level":6,"msg":"a info"}\n');
    await f.waitFor((l) => l.length === 1);
    append(b, '{"level":3,"msg":"b error"}\n');
    await f.waitFor((l) => l.length === 2);
    expect(f.lines()).toEqual(['api.log: WARN  a warn', 'db.log: ERROR b error']);
    expect(await f.stop()).toBe(0);
  });

  it('SIGTERM ends it quietly: status 1 when nothing matched', async () => {
    const dir = tmp();
    const path = join(dir, 'quiet.log');
    writeFileSync(path, '{"level":6,"msg":"info"}\n');
    const f = new Follower(['-l', 'err', path]);
    await sleep(400);
    expect(await f.stop()).toBe(1);
    expect(f.stdout).toBe('');
    expect(f.stderr).toBe('');
  });

  it('-m N ends following after N records', async () => {
    const dir = tmp();
    const path = join(dir, 'm.log');
    writeFileSync(path, '');
    const f = new Follower(['-f', '-m', '2', '-o', 'raw', path]);
    await sleep(300);
    append(path, numbered(1) + numbered(2) + numbered(3));
    expect(await f.closed).toBe(0);
    expect(numbersIn(f.lines())).toEqual([1, 2]);
  });

  it('a DIR is followed at its current, every output mode works', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'svc'));
    const current = join(dir, 'svc', 'current');
    writeFileSync(current, '{"level":6,"msg":"old","ts":1324890000}\n');
    const f = new Follower(['-o', 'csv', '-k', 'time,message', join(dir, 'svc')]);
    await f.waitFor((l) => l.length === 2);
    append(current, '{"level":6,"msg":"new","ts":1324890001}\n');
    await f.waitFor((l) => l.length === 3);
    expect(f.lines()).toEqual(['time,message', '2011-12-26T09:00:00.000Z,old', '2011-12-26T09:00:01.000Z,new']);
    await f.stop();
  });
});
