import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, fixture, runChainsaw } from '../helpers.js';

const A = fixture('merge', 'a.log');
const B = fixture('merge', 'b.log');
const tmp = mkdtempSync(join(tmpdir(), 'chainsaw-nav-'));

describe('many inputs, one timeline (issue 4)', () => {
  it('merges by time, stable, labelled; times going backwards and records without time keep their place', async () => {
    const r = await runChainsaw([A, B]);
    expect(r.stdout).toBe([
      'b.log: INFO  b-first-no-time',
      'a.log: 2011-12-26T09:00:01.000Z INFO  a1 txnId=m-1',
      'b.log: 2011-12-26T09:00:02.000Z INFO  b2 txnId=m-1',
      'a.log: 2011-12-26T09:00:03.000Z INFO  a3',
      'a.log: INFO  a-no-time',
      'a.log: 2011-12-26T09:00:02.500Z WARN  a2.5 (time went backwards)',
      'b.log: 2011-12-26T09:00:03.000Z DEBUG b3 (same time as a3)',
      'b.log: b plain text line',
      'b.log: 2011-12-26T09:00:04.000Z ERROR b4',
      'a.log: 2011-12-26T09:00:05.000Z ERROR a5 txnId=m-1',
      '',
    ].join('\n'));
  });

  it('a transaction across services, in time order', async () => {
    const r = await runChainsaw(['-t', 'm-1', '-o', 'table', '-k', 'time,message', A, B]);
    expect(r.stdout).toBe('input  time                      message\na.log  2011-12-26T09:00:01.000Z  a1\nb.log  2011-12-26T09:00:02.000Z  b2\na.log  2011-12-26T09:00:05.000Z  a5\n');
  });

  it('--no-merge concatenates in the order given', async () => {
    const r = await runChainsaw(['--no-merge', '-o', 'raw', B, A]);
    expect(r.stdout.split('\n')[0]).toBe('{"level":"info","msg":"b-first-no-time"}');
    expect(r.stdout.split('\n')[5]).toBe('{"time":"2011-12-26T09:00:01Z","level":"info","msg":"a1","txnId":"m-1"}');
  });

  it('svlogd directories: rotated files in name order, then current, merged with other inputs', async () => {
    const r = await runChainsaw(['-o', 'tsv', '-k', 'time,message', fixture('svlogd', 'api'), fixture('svlogd', 'db')]);
    expect(r.stdout).toBe([
      'input\ttime\tmessage',
      'api\t2011-12-26T09:14:40.000Z\tservice started',
      'api\t2011-12-26T09:14:41.000Z\thandling GET /v1/accounts/ac7',
      'api\t2011-12-26T09:14:42.500Z\tcache miss acct:ac7',
      'db\t2011-12-26T09:14:43.000Z\tquery ok',
      'api\t2011-12-26T09:14:44.000Z\tslow downstream: 900 ms',
      'db\t2011-12-26T09:14:45.000Z\treplica lag 30s',
      'api\t2011-12-26T09:14:46.000Z\trequest complete 200',
      'db\t2011-12-26T09:14:47.000Z\treplica caught up',
      '',
    ].join('\n'));
  });

  it('a DIR with no current reads its rotated files', async () => {
    expect((await runChainsaw(['-o', 'raw', fixture('merge', 'rotated-only')])).stdout).toBe('{"time":"2011-12-26T09:00:00Z","level":"info","msg":"rotated only"}\n');
  });

  it('one unreadable input among many: reported, the rest merged, status 2', async () => {
    const r = await runChainsaw(['-c', A, 'missing.log', B]);
    expect(r).toMatchObject({ code: 2, stdout: '10\n', stderr: 'chainsaw: missing.log: No such file or directory\n' });
  });

  it('the same file twice is read twice, labelled by path', async () => {
    const r = await runChainsaw(['-t', 'm-1', '-k', 'nothing', A, A]);
    expect(r.stdout).toBe([
      `${A}: 2011-12-26T09:00:01.000Z INFO  a1`,
      `${A}: 2011-12-26T09:00:01.000Z INFO  a1`,
      `${A}: 2011-12-26T09:00:05.000Z ERROR a5`,
      `${A}: 2011-12-26T09:00:05.000Z ERROR a5`,
      '',
    ].join('\n'));
  });

  it('500 small inputs merge in time order with few descriptors (ulimit -n 64)', () => {
    const dir = join(tmp, 'many');
    mkdirSync(dir);
    const files: string[] = [];
    for (let i = 0; i < 500; i++) {
      const f = join(dir, `svc${String(i).padStart(3, '0')}.log`);
      // Input i holds times i, i+500, i+1000: the merge interleaves all 500.
      writeFileSync(f, [0, 1, 2].map((k) => `{"ts":${1324890000 + i + 500 * k},"msg":"${i}/${k}"}\n`).join(''));
      files.push(f);
    }
    let out = '';
    try {
      out = execFileSync('bash', ['-c', 'ulimit -n 64; exec "$0" "$1" -o tsv -k message "${@:2}"', process.execPath, BIN, ...files], { encoding: 'utf8', env: { PATH: process.env.PATH, XDG_CONFIG_HOME: tmp }, maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      throw new Error(`chainsaw failed: ${String((e as { stderr?: string }).stderr).slice(0, 300)}`);
    }
    const lines = out.trim().split('\n').slice(1);
    expect(lines).toHaveLength(1500);
    const want = [0, 1, 2].flatMap((k) => Array.from({ length: 500 }, (_, i) => `svc${String(i).padStart(3, '0')}.log\t${i}/${k}`));
    expect(lines).toEqual(want);
  });

  it('a huge input beside tiny ones', async () => {
    const big = join(tmp, 'big.log');
    writeFileSync(big, Array.from({ length: 100_000 }, (_, i) => `{"ts":${1324890000 + i / 100},"msg":"big ${i}"}\n`).join(''));
    const r = await runChainsaw(['-c', big, A, B]);
    expect(r.stdout).toBe('100010\n');
    const order = await runChainsaw(['-o', 'tsv', '-k', 'message', '-q', 'message ~ /^([ab][0-9]|big 0$|big 99999$)/', big, A, B]);
    expect(order.stdout.split('\n').slice(1, 5)).toEqual(['big.log\tbig 0', 'a.log\ta1', 'b.log\tb2', 'a.log\ta3']);
    expect(order.stdout.trim().split('\n').at(-1)).toBe('big.log\tbig 99999');
  });
});

describe('context, tail, early stop (issue 4)', () => {
  it('-A/-B/-C print context records with -- between groups, overlapping groups joined', async () => {
    const r = await runChainsaw(['-C', '1', '-q', 'message ~ /^a(1|5)$/ or message == "b4"', '-o', 'tsv', '-k', 'message', A, B]);
    // The text line before b4 is context too; tsv shows nothing for a line that is not a record.
    expect(r.stdout).toBe(['input\tmessage', 'b.log\tb-first-no-time', 'a.log\ta1', 'b.log\tb2', 'b.log\tb4', 'a.log\ta5', ''].join('\n'));
    const human = await runChainsaw(['-A', '1', '-q', 'message == "a1" or message == "b4"', '-k', 'x', A, B]);
    expect(human.stdout).toBe([
      'a.log: 2011-12-26T09:00:01.000Z INFO  a1',
      'b.log: 2011-12-26T09:00:02.000Z INFO  b2',
      '--',
      'b.log: 2011-12-26T09:00:04.000Z ERROR b4',
      'a.log: 2011-12-26T09:00:05.000Z ERROR a5',
      '',
    ].join('\n'));
    const before = await runChainsaw(['-B', '2', '-l', 'err', '-k', 'x', A]);
    expect(before.stdout).toBe([
      'INFO  a-no-time',
      '2011-12-26T09:00:02.500Z WARN  a2.5 (time went backwards)',
      '2011-12-26T09:00:05.000Z ERROR a5',
      '',
    ].join('\n'));
  });

  it('-n N prints the last N matches, from the end of a file, a stdin ring, or a merge', async () => {
    expect((await runChainsaw(['-n', '2', '-o', 'raw', A])).stdout).toBe('{"time":"2011-12-26T09:00:02.500Z","level":"warn","msg":"a2.5 (time went backwards)"}\n{"time":"2011-12-26T09:00:05Z","level":"error","msg":"a5","txnId":"m-1"}\n');
    const stdin = await runChainsaw(['-n', '1', '-l', 'warn', '-o', 'raw'], { stdin: `${'{"level":4,"msg":"w"}\n'.repeat(5)}{"level":3,"msg":"last"}\n{"level":6,"msg":"info"}\n` });
    expect(stdin.stdout).toBe('{"level":3,"msg":"last"}\n');
    const merged = await runChainsaw(['-n', '3', '-o', 'tsv', '-k', 'message', A, B]);
    expect(merged.stdout).toBe('input\tmessage\nb.log\tb4\na.log\ta5\n');
    const human = await runChainsaw(['-n', '3', '-k', 'x', A, B]);
    expect(human.stdout).toBe('b.log: b plain text line\nb.log: 2011-12-26T09:00:04.000Z ERROR b4\na.log: 2011-12-26T09:00:05.000Z ERROR a5\n');
  });

  it('-n on a big file finds matches near the end and reads from the end', async () => {
    const big = join(tmp, 'tail.log');
    const lines = Array.from({ length: 200_000 }, (_, i) => `{"level":${i % 1000 === 999 ? 3 : 6},"msg":"line ${i}"}`);
    writeFileSync(big, `${lines.join('\n')}\n`);
    const r = await runChainsaw(['-n', '3', '-l', 'err', '-o', 'raw', big]);
    expect(r.stdout).toBe(['{"level":3,"msg":"line 197999"}', '{"level":3,"msg":"line 198999"}', '{"level":3,"msg":"line 199999"}', ''].join('\n'));
    const slow = await runChainsaw(['-n', '3', '-l', 'err', '-o', 'raw', big], { env: { CHAINSAW_NO_FASTPATH: '1' } });
    expect(slow.stdout).toBe(r.stdout);
  });

  it('-n 0, -m 0: nothing printed, status 1; -A -1 is a usage error', async () => {
    expect(await runChainsaw(['-n', '0', A])).toMatchObject({ code: 1, stdout: '' });
    expect(await runChainsaw(['-m', '0', A])).toMatchObject({ code: 1, stdout: '' });
    expect(await runChainsaw(['-A', '-1', A])).toMatchObject({ code: 2, stdout: '', stderr: "chainsaw: -A: expected a whole number >= 0, got '-1'\n" });
  });

  it('-m N stops reading: an endless stdin ends once N records are printed', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const yes = spawn('yes', ['{"level":3,"msg":"again"}']);
      const cs = spawn(process.execPath, [BIN, '-m', '3', '-o', 'raw'], { env: { PATH: process.env.PATH, XDG_CONFIG_HOME: tmp } });
      yes.stdout.pipe(cs.stdin);
      cs.stdin.on('error', () => undefined);
      yes.stdout.on('error', () => undefined);
      let text = '';
      cs.stdout.on('data', (b: Buffer) => { text += b.toString(); });
      const timer = setTimeout(() => { cs.kill(); yes.kill(); reject(new Error('did not stop')); }, 10_000);
      cs.on('close', (code) => { clearTimeout(timer); yes.kill(); resolve(`${text}status=${code}`); });
    });
    expect(out).toBe(`${'{"level":3,"msg":"again"}\n'.repeat(3)}status=0`);
  });
});

describe('--stats (issue 4)', () => {
  it('summarises in text', async () => {
    const r = await runChainsaw(['--stats', fixture('svlogd', 'api'), fixture('svlogd', 'db')]);
    expect(r.stdout).toBe([
      'records  8  (1 line not JSON)',
      'from     2011-12-26T09:14:40.000Z',
      'to       2011-12-26T09:14:47.000Z',
      '',
      'levels',
      '  ERROR  1',
      '  WARN   1',
      '  INFO   5',
      '  DEBUG  1',
      '',
      'facilities',
      '  myapp.db           3',
      '  myapp.api.router   2',
      '  myapp.api          1',
      '  myapp.api.handler  1',
      '  myapp.cache        1',
      '',
      'hosts',
      '  ord1.api0  5',
      '  ord1.db0   3',
      '',
      'top txnIds',
      '  t-100  5',
      '',
      'histogram  (1s buckets, max 1)',
      '  ████████',
      '  2011-12-26T09:14:40.000Z … 2011-12-26T09:14:48.000Z',
      '',
    ].join('\n'));
  });

  it('respects filters, and prints one JSON object with -o json', async () => {
    const r = await runChainsaw(['--stats', '-o', 'json', '-l', 'warn', fixture('svlogd', 'api'), fixture('svlogd', 'db')]);
    expect(JSON.parse(r.stdout)).toEqual({
      records: 2, invalid: 0, levels: { error: 1, warn: 1 }, facilities: { 'myapp.api.router': 1, 'myapp.db': 1 }, hosts: { 'ord1.api0': 1, 'ord1.db0': 1 },
      topTxnIds: [{ txnId: 't-100', count: 1 }], more: { facilities: 0, hosts: 0, txnIds: 0 }, noTime: 0, first: '2011-12-26T09:14:44.000Z', last: '2011-12-26T09:14:45.000Z', bucketSeconds: 0.1,
      histogram: Array.from({ length: 11 }, (_, i) => ({ start: new Date(Date.UTC(2011, 11, 26, 9, 14, 44, i * 100)).toISOString(), count: i === 0 || i === 10 ? 1 : 0 })),
    });
  });

  it('draws a histogram with block characters, bucket from the span', async () => {
    const r = await runChainsaw(['--stats', fixture('corpus', 'gelf.log')]);
    expect(r.stdout).toMatch(/histogram {2}\(10ms buckets, max \d+\)\n {2}[▁▂▃▄▅▆▇█ ]{20,}\n/);
  });
});
