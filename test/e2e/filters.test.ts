import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runChainsaw } from '../helpers.js';

const GELF = fixture('shapes', 'gelf.log');
const JUNK = fixture('bad', 'mixed-junk.log');

describe('filter flags (issues 2 and 3)', () => {
  it('-t is repeatable and ORed', async () => {
    const r = await runChainsaw(['-t', 'b-7f3a', '-t', 'p-19c2', '-c', fixture('shapes', 'bunyan.log'), fixture('shapes', 'pino.log')]);
    expect(r.stdout).toBe('6\n');
  });

  it('-l takes names in any case and syslog numbers', async () => {
    for (const l of ['warn', 'WARNING', '4']) expect((await runChainsaw(['-c', '-l', l, fixture('shapes', 'bunyan.log')])).stdout).toBe('2\n');
  });

  it('--facility matches the name and its dotted children, globs with *, ORed', async () => {
    const r = await runChainsaw(['--facility', 'myapp.db', '--facility', '*.cron', '-o', 'tsv', '-k', 'facility', GELF]);
    expect(r.stdout).toBe('facility\nmyapp.db.cassandra\nmyapp.db.cassandra\nmyapp.scheduler.cron\n');
    expect((await runChainsaw(['--facility', 'myapp.d', '-c', GELF])).stdout).toBe('0\n');
  });

  it('--since and --until make a half-open window', async () => {
    const r = await runChainsaw(['--since', '2011-12-26 09:14:46.081', '--until', '2011-12-26T09:14:47Z', '-o', 'tsv', '-k', 'time', GELF]);
    expect(r.stdout).toBe('time\n2011-12-26T09:14:46.081Z\n2011-12-26T09:14:46.102Z\n');
    const epoch = await runChainsaw(['--since', '1324890886.1', '-c', GELF]);
    expect(epoch.stdout).toBe('2\n');
    const bad = await runChainsaw(['--since', 'tomorrowish', GELF]);
    expect(bad).toMatchObject({ code: 2, stderr: "chainsaw: --since: invalid time 'tomorrowish'\n" });
  });

  it('--local reads zone-less times as local time', async () => {
    const r = await runChainsaw(['--local', '--since', '2011-12-26 10:14:46.1', '-c', GELF], { env: { TZ: 'Europe/Berlin' } });
    expect(r.stdout).toBe('2\n');
  });

  it('--invalid show keeps lines that are not JSON when filtering; hide (default) drops them', async () => {
    const show = await runChainsaw(['--invalid', 'show', '-l', 'info', JUNK]);
    expect(show.stdout).toBe('INFO  stack follows\n    at Handler.get (/opt/myapp/lib/handler.js:88:22)\n{"level":3,"msg":"trunc\n');
    const hide = await runChainsaw(['-l', 'info', JUNK]);
    expect(hide.stdout).toBe('INFO  stack follows\n');
  });

  it('--strict makes the first line that is not a JSON object an error: FILE:LINE: reason, exit 2', async () => {
    const r = await runChainsaw(['--strict', '-o', 'raw', JUNK]);
    expect(r.stdout).toBe('{"level":6,"msg":"stack follows"}\n');
    expect(r.stderr).toBe(`chainsaw: ${JUNK}:2: not a JSON object\n`);
    expect(r.code).toBe(2);
    const stdin = await runChainsaw(['--strict'], { stdin: '{"a":1}\n[1]\n' });
    expect(stdin.stderr).toBe('chainsaw: -:2: not a JSON object\n');
    const value = await runChainsaw(['--strict'], { stdin: '{"a":1}\n{"a":\n' });
    expect(value.stderr).toMatch(/^chainsaw: -:2: invalid JSON: /);
  });

  it('-q errors are reported before any input is read, with a caret', async () => {
    const r = await runChainsaw(['-q', 'level <= warn and (facility ~ /x/', 'does-not-exist.log']);
    expect(r).toMatchObject({
      code: 2, stdout: '',
      stderr: "chainsaw: -q: expected ')' at column 34\n    level <= warn and (facility ~ /x/\n                                     ^\n",
    });
  });
});

describe('hostile text cannot run code or reach prototypes (issue 3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainsaw-safety-'));
  const marker = join(dir, 'pwned');

  it.each([
    '$..[?(@.constructor)]',
    `$..[?(@.constructor.constructor("return process")().mainModule.require("fs").writeFileSync("${marker}", "x"))]`,
    `$[?(this.process.exit(7))]`,
    `$..[?(@.msg && require("fs").writeFileSync("${marker}", "x"))]`,
  ])('JSONPath script %s executes nothing', async (path) => {
    const r = await runChainsaw(['-q', path, '-c', fixture('bad', 'proto-keys.log'), GELF]);
    expect(r.code === 0 || r.code === 1 || r.code === 2).toBe(true);
    expect(r.code).not.toBe(7);
    expect(existsSync(marker)).toBe(false);
  });

  it('constructor, __proto__ and toString find only own keys', async () => {
    const file = join(dir, 'p.log');
    writeFileSync(file, '{"msg":"plain"}\n{"msg":"own","constructor":"c","toString":"t","__proto__":{"x":1}}\n');
    for (const q of ['exists(constructor)', 'toString', 'exists(__proto__)', '__proto__.x == 1', 'constructor == "c"']) {
      const r = await runChainsaw(['-q', q, '-o', 'tsv', '-k', 'msg', file]);
      expect(r.stdout).toBe('msg\nown\n');
    }
    expect((await runChainsaw(['-q', 'msg.length == 5', '-c', file])).stdout).toBe('0\n');
  });

  it('ticket text pasted into an expression stays a string', async () => {
    const ticket = '" or true or "';
    const r = await runChainsaw(['-q', `txnId == ${JSON.stringify(ticket)}`, '-c', GELF]);
    expect(r.stdout).toBe('0\n');
    expect(readFileSync(GELF, 'utf8')).not.toContain(ticket);
  });
});

describe('many ORed needles (issue 16)', () => {
  it('20 ORed contains find the same records with the one-pass search as without any fast path', async () => {
    const words = ['ac7', 'GET', 'cache', 'timed', 'ECONN', 'worker-3', 'café', 'x/y', 'Rechnung', 'nosuch1', 'nosuch2', 'nosuch3',
      'invoice', 'slow', 'retry', 'db', 'kafka', 'session', 'login', 'ssh'];
    const q = words.map((w) => `message contains "${w}"`).join(' or ');
    const fast = await runChainsaw(['-q', q, '-o', 'raw', fixture('corpus', 'mixed.log')]);
    const slow = await runChainsaw(['-q', q, '-o', 'raw', fixture('corpus', 'mixed.log')], { env: { CHAINSAW_NO_FASTPATH: '1' } });
    expect(fast.stdout.split('\n').length).toBeGreaterThan(5);
    expect(fast).toMatchObject({ code: slow.code, stdout: slow.stdout, stderr: '' });
  });
});
