import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { BIN, fixture, runChainsaw, type RunResult } from '../helpers.js';
// @ts-expect-error: a plain module, shared with the bench.
import { startFleet } from './fleet.mjs';

/**
 * Issue 13: -H over real OpenSSH. Three hosts, api1 (chainsaw on its PATH), api2 and db1 (not),
 * each an sshd on 127.0.0.1 in its own mount namespace, where fleet.logs holds that host's logs.
 */
interface Fleet { skip?: string; logs: string; ssh: string; pids: number[]; hostDir(name: string): string; stop(): void }
let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet({
    api1: { dir: fixture('hosts', 'api1'), chainsaw: true },
    api2: { dir: fixture('hosts', 'api2') },
    db1: { dir: fixture('hosts', 'db1') },
  }) as Fleet;
  if (fleet.skip) console.warn(`\n*** SKIPPING the -H tests: ${fleet.skip} ***\n`);
});
afterAll(() => fleet?.stop?.());

function needFleet(ctx: TestContext): void {
  if (fleet.skip) ctx.skip();
}

const hosts = (args: string[], env: { [k: string]: string } = {}): Promise<RunResult> =>
  runChainsaw(args, { env: { CHAINSAW_SSH: fleet.ssh, ...env }, timeoutMs: 60_000 });
const POSIX = { CHAINSAW_REMOTE: 'posix' };
const ROUTES = [['remote chainsaw', {}], ['POSIX tools', POSIX]] as const;

// Generous timeouts: every run opens several ssh connections, on a machine others share.
describe.concurrent('chainsaw -H (issue 13)', { timeout: 90_000 }, () => {
  it.for(ROUTES)('one timeline from three hosts, labelled, a missing path named (%s)', async ([, env], ctx) => {
    needFleet(ctx);
    const r = await hosts(['-H', 'api[1-2],db1', `${fleet.logs}/api`], env);
    expect(r.stdout).toBe([
      'api1: 2011-12-26T09:14:40.500Z INFO  [myapp.api] api1: GET /orders start txnId=T-1',
      'api2: 2011-12-26T09:14:41.500Z INFO  [myapp.api] api2: GET /cart start txnId=T-3',
      'api1: 2011-12-26T09:14:42.250Z INFO  [myapp.api] api1: GET /health',
      'api2: 2011-12-26T09:14:43.000Z INFO  [myapp.api] api2: GET /orders proxied txnId=T-1',
      'api1: 2011-12-26T09:14:44.000Z WARN  [myapp.api] api1: slow downstream: 900 ms txnId=T-1',
      'api2: 2011-12-26T09:14:45.000Z WARN  [myapp.api] api2: retrying db txnId=T-1',
      'api1: 2011-12-26T09:14:46.500Z INFO  [myapp.api] api1: GET /orders 200 txnId=T-1',
      'api1: Error: a stack line without JSON',
      'api2: 2011-12-26T09:14:46.500Z INFO  [myapp.api] api2: GET /cart 200 txnId=T-3',
      'api1: 2011-12-26T09:14:48.000Z ERROR [myapp.api] api1: POST /pay failed txnId=T-2 status=502',
      "api2: 2011-12-26T09:14:49.000Z CRIT  [myapp.api] api2: weird $(touch /tmp/chainsaw-pwned) 'quote' txnId=T-2",
      '',
    ].join('\n'));
    expect(r.stderr).toBe(`chainsaw: db1: ${fleet.logs}/api: No such file or directory\n`);
    expect(r.code).toBe(2);
  });

  it.for(ROUTES)('one transaction across hosts and globbed files, host:file labels (%s)', async ([, env], ctx) => {
    needFleet(ctx);
    const r = await hosts(['-H', 'api1,api2,db1', '-t', 'T-1', '-o', 'table', `${fleet.logs}/*/current`], env);
    expect(r.stdout).toBe([
      'input             time                      level   facility   host  message',
      'api1:web/current  2011-12-26T09:14:41.000Z  info    myapp.web  api1  render /orders',
      'db1               2011-12-26T09:14:43.500Z  info    myapp.db   db1   query orders ok',
      'api1:api/current  2011-12-26T09:14:44.000Z  warn    myapp.api  api1  slow downstream: 900 ms',
      'api2              2011-12-26T09:14:45.000Z  warn    myapp.api  api2  retrying db',
      'api1:api/current  2011-12-26T09:14:46.500Z  info    myapp.api  api1  GET /orders 200',
      '',
    ].join('\n'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  // The oracle: the same run over the hosts' files read locally (merged in the same host order).
  const QUERIES: string[][] = [
    [], ['-t', 'T-1'], ['-q', 'status >= 500 or message contains "cart"'],
    ['--facility', 'myapp.api', '--since', '2011-12-26T09:14:43', '--until', '2011-12-26T09:14:47'],
    ['-n', '2', '-l', 'info'], ['-m', '2', '-t', 'T-1'], ['-C', '1', '-t', 'T-2'], ['-c', '-l', 'warn'], ['--invalid', 'show', '-l', 'err'],
  ];
  it.for(QUERIES.map((q) => [q.join(' ') || '(no filter)', q] as const))('%s: both routes give the bytes a local run gives', async ([, q], ctx) => {
    needFleet(ctx);
    const local = await runChainsaw([...q, '-o', 'raw', fixture('hosts', 'api1', 'api'), fixture('hosts', 'api2', 'api')]);
    const args = ['-H', 'api1,api2', ...q, '-o', 'raw', `${fleet.logs}/api`];
    const [viaChainsaw, viaPosix] = await Promise.all([hosts(args), hosts(args, POSIX)]);
    for (const r of [viaChainsaw, viaPosix]) {
      expect(r.stdoutBytes.equals(local.stdoutBytes), `${r.stdout}\n---\n${local.stdout}`).toBe(true);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(local.code);
    }
  });

  it('--stats counts per ssh host; -c counts over all hosts', async (ctx) => {
    needFleet(ctx);
    const [stats, count] = await Promise.all([
      hosts(['-H', 'api1,api2,db1', '--stats', '-o', 'json', '-l', 'info', `${fleet.logs}/*/current`]),
      hosts(['-H', 'api1,api2,db1', '-c', '-l', 'info', `${fleet.logs}/*/current`]),
    ]);
    const summary = JSON.parse(stats.stdout) as { records: number; sshHosts: object };
    expect(summary.sshHosts).toEqual({ api1: 5, db1: 3, api2: 3 });
    expect(summary.records).toBe(11);
    expect(count.stdout).toBe('11\n');
    expect([stats.code, count.code]).toEqual([0, 0]);
  });

  it('--fanout 1 gives the same timeline', async (ctx) => {
    needFleet(ctx);
    const [one, all] = await Promise.all([
      hosts(['-H', 'api1,api2,db1', '--fanout', '1', '-o', 'raw', `${fleet.logs}/*/current`]),
      hosts(['-H', 'api1,api2,db1', '-o', 'raw', `${fleet.logs}/*/current`]),
    ]);
    expect(one.stdout).toBe(all.stdout);
    expect(one.stdout.split('\n').length).toBe(13);
    expect([one.code, all.code]).toEqual([0, 0]);
  });

  it.for(ROUTES)('a hostile path is read literally on the host (%s)', async ([, env], ctx) => {
    needFleet(ctx);
    const host = 'api1';
    const name = `it's $(touch pwned) \`touch pwned\`; touch pwned.log`;
    writeFileSync(join(fleet.hostDir(host), name), '{"msg":"hostile name","time":"2011-12-26T09:14:40Z"}\n');
    const r = await hosts(['-H', host, '-o', 'raw', `${fleet.logs}/${name}`, `${fleet.logs}/it?s*pwned.log`], env);
    expect(r.stdout).toBe('{"msg":"hostile name","time":"2011-12-26T09:14:40Z"}\n'.repeat(2));
    expect(r.code).toBe(0);
    expect(existsSync(join(fleet.hostDir(host), 'pwned'))).toBe(false);
    expect(existsSync('/root/pwned')).toBe(false);
  });

  it('every failure on one line, the other hosts still printed, status 2', async (ctx) => {
    needFleet(ctx);
    const r = await hosts(['-H', 'down,badkey,api2,changed', '-t', 'T-3', '-o', 'raw', `${fleet.logs}/api`]);
    expect(r.stdout.split('\n').map((l) => l && JSON.parse(l).short_message)).toEqual(['GET /cart start', 'GET /cart 200', '']);
    expect(r.stderr.replace(/port \d+/, 'port N')).toBe([
      'chainsaw: down: ssh: connect to host 127.0.0.1 port N: Connection refused',
      'chainsaw: badkey: root@127.0.0.1: Permission denied (publickey).',
      'chainsaw: changed: Host key verification failed.',
      '',
    ].join('\n'));
    expect(r.code).toBe(2);
  });

  it('a host that accepts and never answers is given up after ConnectTimeout', async (ctx) => {
    needFleet(ctx);
    const start = Date.now();
    // CHAINSAW_SSH's options come first, and ssh keeps the first value: 2 s instead of 10.
    const r = await hosts(['-H', 'hang,db1', '-c', `${fleet.logs}/db`], { CHAINSAW_SSH: `${fleet.ssh} -o ConnectTimeout=2` });
    expect(r.stdout).toBe('3\n');
    expect(r.stderr).toMatch(/^chainsaw: hang: Connection timed out during banner exchange\nchainsaw: hang: Connection to 127\.0\.0\.1 port \d+ timed out\n$|^chainsaw: hang: Connection to 127\.0\.0\.1 port \d+ timed out\n$/);
    expect(r.code).toBe(2);
    expect(Date.now() - start).toBeLessThan(15_000);
  });

  it('a remote chainsaw of another major version: read with POSIX tools instead, said, status 2', async (ctx) => {
    needFleet(ctx);
    const r = await hosts(['-H', 'api1', '-c', '-t', 'T-1', `${fleet.logs}/api`], { CHAINSAW_FAKE_VERSION: '9.0.0' });
    expect(r.stdout).toBe('3\n');
    expect(r.stderr).toBe('chainsaw: api1: chainsaw 9.0.0 there is not version 0: reading with POSIX tools, filtering here\n');
    expect(r.code).toBe(2);
  });

  it('no ssh: one line, status 2', async (ctx) => {
    needFleet(ctx);
    const r = await hosts(['-H', 'api1', `${fleet.logs}/api`], { CHAINSAW_SSH: 'no-such-ssh-13 -F x' });
    expect(r.stderr).toBe('chainsaw: api1: no-such-ssh-13: command not found (set CHAINSAW_SSH?)\n');
    expect(r.code).toBe(2);
  });
});

/**
 * The remote processes reading `marker`: the `sh -c` of the POSIX route and the host's chainsaw
 * (the local chainsaw and ssh name it too, but neither starts with those words).
 */
function remoteReaders(marker: string): string[] {
  return spawnSync('pgrep', ['-af', '--', marker], { encoding: 'utf8' }).stdout.split('\n')
    .filter((l) => /^\d+ (sh -c |\S*node \S*chainsaw --no-config)/.test(l));
}

async function until(ok: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (ok()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return ok();
}

describe('chainsaw -H ends every ssh child and remote command (issue 13)', { timeout: 60_000 }, () => {
  it.for(['SIGTERM', 'SIGINT'] as const)('%s while both hosts block on a FIFO', async (sig, ctx) => {
    needFleet(ctx);
    const fifo = `hold-${sig}-${process.pid}`;
    for (const h of ['api1', 'api2']) execFileSync('mkfifo', [join(fleet.hostDir(h), fifo)]);
    const child = spawn(process.execPath, [BIN, '-H', 'api1,api2', `${fleet.logs}/${fifo}`], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CHAINSAW_SSH: fleet.ssh }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    ctx.onTestFinished(() => { child.kill('SIGKILL'); });
    // Both remote readers are blocked opening the FIFO before the signal comes.
    // api1's chainsaw (node) and api2's sh both wait on their FIFO.
    const blocked = () => remoteReaders(fifo).filter((l) => /^\d+ \S*node /.test(l)).length === 1 && remoteReaders(fifo).length >= 3;
    expect(await until(blocked, 10_000), remoteReaders(fifo).join('\n')).toBe(true);
    child.kill(sig);
    // Killed by the signal it was sent (its handler ends the ssh children, then lets the signal end it).
    expect(await closed).toBe(null);
    expect(await until(() => remoteReaders(fifo).length === 0, 5000), remoteReaders(fifo).join('\n')).toBe(true);
    for (const h of ['api1', 'api2']) rmSync(join(fleet.hostDir(h), fifo));
  });

  it('a host that stops answering mid-run is given up by ServerAlive; the others are printed', async (ctx) => {
    needFleet(ctx);
    const name = `stall-${process.pid}`;
    writeFileSync(join(fleet.hostDir('api1'), name), '{"time":"2011-12-26T09:14:40Z","msg":"api1 is fine"}\n');
    execFileSync('mkfifo', [join(fleet.hostDir('api2'), name)]);
    const child = spawn(process.execPath, [BIN, '-H', 'api1,api2', '-o', 'raw', `${fleet.logs}/${name}`], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CHAINSAW_SSH: `${fleet.ssh} -o ServerAliveInterval=1 -o ServerAliveCountMax=2` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    ctx.onTestFinished(() => { child.kill('SIGKILL'); });
    let out = '', err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    // api2's reader waits on its FIFO; then its sshd session stops dead, as a host that hangs.
    // The sshd session of api2's reader: the parent of a reader in api2's mount namespace.
    const nsOf = (pid: number) => { try { return readlinkSync(`/proc/${pid}/ns/mnt`); } catch { return ''; } };
    const parentOf = (pid: number) => Number(/^\d+ \(.*?\) \S+ (\d+)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1]);
    const session = () => remoteReaders(name).map((l) => Number(l.split(' ')[0]))
      .filter((pid) => nsOf(pid) === nsOf(fleet.pids[1]!)).map(parentOf)
      .find((ppid) => /sshd/.test(readFileSync(`/proc/${ppid}/cmdline`, 'utf8')));
    expect(await until(() => session() !== undefined, 10_000)).toBe(true);
    const stopped = session()!;
    process.kill(stopped, 'SIGSTOP');
    try {
      expect(await closed).toBe(2);
    } finally {
      process.kill(stopped, 'SIGCONT');
    }
    expect(out).toBe('{"time":"2011-12-26T09:14:40Z","msg":"api1 is fine"}\n');
    expect(err).toBe('chainsaw: api2: Timeout, server 127.0.0.1 not responding.\n');
    expect(await until(() => remoteReaders(name).length === 0, 5000), remoteReaders(name).join('\n')).toBe(true);
    rmSync(join(fleet.hostDir('api1'), name));
    rmSync(join(fleet.hostDir('api2'), name));
  });

  it('-F follows every host at once; a dropped connection is said, retried and resumed where it can be', async (ctx) => {
    needFleet(ctx);
    const child = spawn(process.execPath, [BIN, '-F', '-n', '1', '-H', 'api1,api2', '-t', 'T-9', '-o', 'raw', `${fleet.logs}/api`], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CHAINSAW_SSH: fleet.ssh }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    ctx.onTestFinished(() => { child.kill('SIGKILL'); });
    let out = '', err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const line = (host: string, n: number) => `{"timestamp":${1324890890 + n},"short_message":"follow ${n}","_txnId":"T-9","host":"${host}"}\n`;
    const append = (host: string, n: number) => writeFileSync(join(fleet.hostDir(host), 'api', 'current'), line(host, n), { flag: 'a' });
    const followers = () => remoteReaders('-F').length;
    // Both followers are up (api1 through its chainsaw -F, api2 through tail -F).
    expect(await until(() => followers() >= 2, 10_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    append('api2', 1);
    append('api1', 2);
    expect(await until(() => out.includes('follow 1') && out.includes('follow 2'), 10_000), out).toBe(true);
    // Both connections drop (their sshd sessions die); lines are written while they are down.
    const ours = new Set(fleet.pids.slice(0, 2).map((p) => readlinkSync(`/proc/${p}/ns/mnt`)));
    const sessions = spawnSync('pgrep', ['-f', 'sshd: root@notty'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number)
      .filter((pid) => { try { return ours.has(readlinkSync(`/proc/${pid}/ns/mnt`)); } catch { return false; } });
    for (const pid of sessions) process.kill(pid, 'SIGKILL');
    expect(await until(() => (err.match(/connection lost/g) ?? []).length === 2, 10_000), err).toBe(true);
    append('api2', 3);
    append('api1', 4);
    // api2 (tail -F, offset known) resumes and shows 3; api1 (its chainsaw gave no offset) cannot, and says so.
    expect(await until(() => (err.match(/reconnected/g) ?? []).length === 2 && followers() >= 2, 10_000), err).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    append('api1', 5);
    expect(await until(() => out.includes('follow 3') && out.includes('follow 5'), 10_000), out).toBe(true);
    child.kill('SIGTERM');
    expect(await closed).toBe(0);
    expect(out.split('\n').sort()).toEqual([line('api2', 1), line('api1', 2), line('api2', 3), line('api1', 5)].join('').split('\n').sort());
    expect(err.trimEnd().split('\n').sort().map((l) => l.replace(/\(.*\)$/, '(…)').replace(fleet.logs, 'LOG'))).toEqual([
      'chainsaw: api1: connection lost, retrying (…)',
      "chainsaw: api1: reconnected; LOG/api cannot be resumed (rotated, truncated, or followed by the host's chainsaw): lines written meanwhile are not shown",
      'chainsaw: api2: connection lost, retrying (…)',
      'chainsaw: api2: reconnected, resuming LOG/api where it was',
    ]);
    expect(await until(() => followers() === 0, 5000)).toBe(true);
  });

  it('| head -1: the reader goes away, the hosts are left clean', async (ctx) => {
    needFleet(ctx);
    const fifo = `hold-head-${process.pid}`;
    execFileSync('mkfifo', [join(fleet.hostDir('api2'), fifo)]);
    const big = `big-${process.pid}.log`;
    const line = '{"time":"2011-12-26T09:14:40Z","msg":"padding padding padding padding padding padding padding padding"}\n';
    writeFileSync(join(fleet.hostDir('api1'), big), line.repeat(40_000));
    // --no-merge: api1's records come out while api2 is still blocked on its FIFO.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" --no-merge -H api1,api2 -o raw "${fleet.logs}/${big}" "${fleet.logs}/${fifo}" | head -1`], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CHAINSAW_SSH: fleet.ssh }, encoding: 'utf8', timeout: 20_000,
    });
    expect(r.stdout).toBe(line);
    expect(r.status).toBe(0);
    expect(await until(() => remoteReaders(fifo).length === 0 && remoteReaders(big).length === 0, 5000), remoteReaders(fifo).join('\n')).toBe(true);
    rmSync(join(fleet.hostDir('api2'), fifo));
    rmSync(join(fleet.hostDir('api1'), big));
  });
});
