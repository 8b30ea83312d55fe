import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runChainsaw } from '../helpers.js';

const GELF = fixture('shapes', 'gelf.log');

describe('output modes (issue 2)', () => {
  it('human: TIME LEVEL [facility] host: message key=value, stack indented', async () => {
    const r = await runChainsaw(['-t', '.rh-3dT5.h-product-api0', GELF]);
    expect(r.stdout).toBe([
      '2011-12-26T09:14:46.076Z DEBUG [myapp.api.handler] ord1.product.api0: handling GET /v1/accounts/ac12/products txnId=.rh-3dT5.h-product-api0 accountId=ac12 headers={"user-agent":"curl/7.21.4","accept":"application/json"}',
      '2011-12-26T09:14:46.081Z INFO  [myapp.db.cassandra] ord1.product.api0: read products at LOCAL_QUORUM txnId=.rh-3dT5.h-product-api0 rows=12 status=200',
      '2011-12-26T09:14:46.102Z ERROR [myapp.db.cassandra] ord1.product.api0: db failed: connect ECONNREFUSED 10.0.3.17:9042 txnId=.rh-3dT5.h-product-api0 status=500',
      '    Error: connect ECONNREFUSED 10.0.3.17:9042',
      '        at Pool.query (/opt/myapp/node_modules/cassandra-driver/lib/pool.js:211:15)',
      '        at Handler.get (/opt/myapp/lib/handler.js:88:22)',
      '',
    ].join('\n'));
  });

  it('human with -k shows only those extra fields', async () => {
    const r = await runChainsaw(['-k', 'status,headers.user-agent', GELF]);
    expect(r.stdout.split('\n')[0]).toBe('2011-12-26T09:14:46.076Z DEBUG [myapp.api.handler] ord1.product.api0: handling GET /v1/accounts/ac12/products headers.user-agent=curl/7.21.4');
    expect(r.stdout.split('\n')[1]).toBe('2011-12-26T09:14:46.081Z INFO  [myapp.db.cassandra] ord1.product.api0: read products at LOCAL_QUORUM status=200');
  });

  it('table: time level facility host message', async () => {
    const r = await runChainsaw(['-o', 'table', GELF]);
    expect(r.stdout).toBe([
      'time                      level   facility              host                  message',
      '2011-12-26T09:14:46.076Z  debug   myapp.api.handler     ord1.product.api0     handling GET /v1/accounts/ac12/products',
      '2011-12-26T09:14:46.081Z  info    myapp.db.cassandra    ord1.product.api0     read products at LOCAL_QUORUM',
      '2011-12-26T09:14:46.102Z  error   myapp.db.cassandra    ord1.product.api0     db failed: connect ECONNREFUSED 10.0.3.17:9042',
      '2011-12-26T09:14:47.000Z          myapp.scheduler.cron  sjc1.product.worker0  job "compact" tick',
      '',
    ].join('\n'));
  });

  it('csv quotes as RFC 4180; -k takes paths and bracketed keys', async () => {
    const r = await runChainsaw(['-o', 'csv', '-k', 'time,level,message,headers.user-agent,["_txnId"]', '-m', '2', GELF]);
    expect(r.stdout).toBe('time,level,message,headers.user-agent,"[""_txnId""]"\n'
      + '2011-12-26T09:14:46.076Z,debug,handling GET /v1/accounts/ac12/products,curl/7.21.4,.rh-3dT5.h-product-api0\n'
      + '2011-12-26T09:14:46.081Z,info,read products at LOCAL_QUORUM,,.rh-3dT5.h-product-api0\n');
  });

  it('tsv escapes tabs and newlines', async () => {
    const r = await runChainsaw(['-o', 'tsv', '-k', 'level,full_message', '-l', 'err', GELF]);
    expect(r.stdout).toBe('level\tfull_message\nerror\tError: connect ECONNREFUSED 10.0.3.17:9042\\n    at Pool.query (/opt/myapp/node_modules/cassandra-driver/lib/pool.js:211:15)\\n    at Handler.get (/opt/myapp/lib/handler.js:88:22)\n');
  });

  it('logfmt: canonical fields first, then the rest', async () => {
    const r = await runChainsaw(['-o', 'logfmt', '-m', '1', fixture('shapes', 'zap.log')]);
    expect(r.stdout).toBe('time=2011-12-26T09:14:46.076Z level=info msg="request served" facility=myapp.http txnId=z-aa01 caller=http/server.go:88 status=200 latency=0.0123\n');
  });

  it('json with -k is a projection with canonical time and level', async () => {
    const r = await runChainsaw(['-o', 'json', '-k', 'time,level,txnId,nope', '-m', '1', GELF]);
    expect(r.stdout).toBe('{"time":"2011-12-26T09:14:46.076Z","level":"debug","txnId":".rh-3dT5.h-product-api0","nope":null}\n');
  });

  it('--tz and --local change how times are shown', async () => {
    const tz = await runChainsaw(['--tz', 'Europe/Berlin', '-o', 'table', '-k', 'time', '-m', '1', GELF]);
    expect(tz.stdout).toBe('time\n2011-12-26T10:14:46.076+01:00\n');
    const local = await runChainsaw(['--local', '-o', 'table', '-k', 'time', '-m', '1', GELF], { env: { TZ: 'America/New_York' } });
    expect(local.stdout).toBe('time\n2011-12-26T04:14:46.076-05:00\n');
    const bad = await runChainsaw(['--tz', 'Mars/Olympus', GELF]);
    expect(bad).toMatchObject({ code: 2, stderr: "chainsaw: --tz: unknown time zone 'Mars/Olympus'\n" });
  });

  it('-c counts, -m stops', async () => {
    expect((await runChainsaw(['-c', GELF])).stdout).toBe('4\n');
    expect((await runChainsaw(['-c', '-l', 'info', GELF])).stdout).toBe('2\n');
    const m = await runChainsaw(['-m', '1', '-o', 'raw', GELF]);
    expect(m.stdout.split('\n')).toHaveLength(2);
    const none = await runChainsaw(['-m', '0', GELF]);
    expect(none).toMatchObject({ code: 1, stdout: '' });
  });

  it('color: never by default in a pipe, FORCE_COLOR and --color always force it, NO_COLOR and --color never stop it', async () => {
    const args = ['-m', '1', '-l', 'err', GELF];
    const esc = /\x1b\[/;
    expect((await runChainsaw(args)).stdout).not.toMatch(esc);
    expect((await runChainsaw(args, { env: { NO_COLOR: undefined } })).stdout).not.toMatch(esc);
    expect((await runChainsaw(args, { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } })).stdout).toMatch(esc);
    expect((await runChainsaw(['--color', 'always', ...args])).stdout).toMatch(/\x1b\[31mERROR/);
    expect((await runChainsaw(['--color', 'never', ...args], { env: { FORCE_COLOR: '1' } })).stdout).not.toMatch(esc);
  });

  it('several inputs are labelled in human and table output', async () => {
    const r = await runChainsaw(['-o', 'table', '-k', 'level,message', fixture('svlogd', 'api'), fixture('svlogd', 'db')]);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['input  level   message', 'api    info    service started', 'api    debug   handling GET /v1/accounts/ac7']);
  });
});

describe('raw without a filter passes every byte (issue 16: whole blocks at once)', () => {
  it('2-byte lines, blank lines, CRLF, a last line without newline, and two inputs concatenated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainsaw-raw-'));
    const a = join(dir, 'a.log');
    const b = join(dir, 'b.log');
    const body = `${'y\n'.repeat(100_000)}\n{"msg":"x"}\r\nnot json\ntail`;
    writeFileSync(a, body);
    writeFileSync(b, 'second\n');
    const one = await runChainsaw(['-o', 'raw', a]);
    expect(one.code).toBe(0);
    expect(one.stdoutBytes.equals(Buffer.from(body))).toBe(true);
    const two = await runChainsaw(['-o', 'raw', '--no-merge', a, b]);
    expect(two.stdout).toBe(`${body}\nsecond\n`);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('human output of a huge line that is not a record', () => {
  it('shows its first 64 KiB and counts the rest; -o raw passes it whole', async () => {
    const line = 'x'.repeat(3 * 1024 * 1024);
    const human = await runChainsaw([], { stdin: `${line}\n{"msg":"after","level":6}\n` });
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(`${'x'.repeat(64 * 1024)}… (${3 * 1024 * 1024 - 64 * 1024} more bytes of this line; -o raw shows it whole)\nINFO  after\n`);
    // Over 1 MiB it goes out in pieces as it is read; under the limit it is no error.
    const raw = await runChainsaw(['-o', 'raw'], { stdin: `a\n${line}\n{"msg":"after"}\n${line}` });
    expect(raw).toMatchObject({ code: 0, stderr: '', stdout: `a\n${line}\n{"msg":"after"}\n${line}` });
    const over = await runChainsaw(['-o', 'raw', '--max-line-bytes', '2000000'], { stdin: `a\n${line}\nb\n` });
    expect(over).toMatchObject({ code: 2, stdout: `a\n${line}\nb\n`, stderr: 'chainsaw: -:2: line longer than 2000000 bytes (--max-line-bytes): passed through whole\n' });
  });
});
