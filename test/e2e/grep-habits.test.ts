import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runChainsaw } from '../helpers.js';

// Issue 10: habits from grep (and from bunyan, hl, jq) that used to trip users.

const tmp = mkdtempSync(join(tmpdir(), 'chainsaw-habits-'));
const rec = (sec: number, level: string, msg: string, status: number) =>
  `{"time":"2011-12-26T09:00:0${sec}Z","level":"${level}","msg":"${msg}","status":${status}}`;
const LINES = [
  rec(1, 'info', 'one', 200),
  rec(2, 'error', 'two', 500),
  'not json',
  rec(3, 'info', 'three', 200),
  rec(4, 'info', 'four', 200),
  rec(5, 'error', 'five', 503),
  rec(6, 'warn', 'six', 404),
];
const LOG = join(tmp, 'app.log');
writeFileSync(LOG, `${LINES.join('\n')}\n`);
const lines = (...i: number[]) => i.map((k) => `${LINES[k]}\n`).join('');

describe('-v/--invert-match prints what the filters reject (issue 10)', () => {
  it.each([
    [['-l', 'err'], lines(0, 2, 3, 4, 6)],
    [['-q', 'status >= 404'], lines(0, 2, 3, 4)],
    [['-q', 'msg contains "o"'], lines(2, 3, 5, 6)],
    [['-l', 'err', '--invalid', 'hide'], lines(0, 3, 4, 6)],
    [['-q', 'status >= 404', '-c'], ''],
  ])('-v %j', async (args, out) => {
    const r = await runChainsaw(['-v', ...args, '-o', 'raw', LOG]);
    expect(r).toMatchObject({ code: 0, stdout: args.includes('-c') ? '4\n' : out, stderr: '' });
  });

  it('-v from standard input, and a filter that rejects nothing: status 1', async () => {
    expect(await runChainsaw(['-v', '-t', 'x', '-o', 'raw'], { stdin: lines(0, 2) })).toMatchObject({ code: 0, stdout: lines(0, 2), stderr: '' });
    expect(await runChainsaw(['-v', '-q', 'exists(msg)', '--invalid', 'hide', '-o', 'raw', LOG])).toMatchObject({ code: 1, stdout: '', stderr: '' });
  });

  it('-v without a filter is a usage error', async () => {
    expect(await runChainsaw(['-v', LOG])).toMatchObject({
      code: 2, stdout: '', stderr: 'chainsaw: -v: nothing to invert: give a filter (-q, -t, -l, --facility, --since, --until)\n',
    });
  });
});

describe('context as grep prints it (issue 10)', () => {
  it('-C 0 separates groups that are not adjacent with --, exactly as GNU grep -C 0', async () => {
    const r = await runChainsaw(['-C', '0', '-q', 'status >= 404', '-o', 'raw', LOG]);
    expect(r).toMatchObject({ code: 0, stdout: `${lines(1)}--\n${lines(5, 6)}`, stderr: '' });
    expect(r.stdout).toBe(execFileSync('grep', ['-C', '0', '-E', '"status":(5|4)0', LOG], { encoding: 'utf8' }));
    expect((await runChainsaw(['-A', '0', '-l', 'err', '-o', 'raw', LOG])).stdout).toBe(`${lines(1)}--\n${lines(5)}`);
  });

  it('-n N with -C keeps the context of the last N matches', async () => {
    expect(await runChainsaw(['-n', '1', '-C', '1', '-l', 'err', '-o', 'raw', LOG])).toMatchObject({ code: 0, stdout: lines(4, 5, 6), stderr: '' });
    expect(await runChainsaw(['-n', '2', '-A', '1', '-l', 'err', '-o', 'raw', LOG])).toMatchObject({ code: 0, stdout: `${lines(1, 2)}--\n${lines(5, 6)}`, stderr: '' });
    expect(await runChainsaw(['-n', '2', '-B', '2', '-l', 'warn', '-o', 'raw', LOG])).toMatchObject({ code: 0, stdout: lines(3, 4, 5, 6), stderr: '' });
    // From standard input too, and with -m: the first of the last N.
    expect(await runChainsaw(['-n', '2', '-C', '1', '-m', '1', '-l', 'err', '-o', 'raw'], { stdin: lines(0, 1, 2, 3, 4, 5, 6) }))
      .toMatchObject({ code: 0, stdout: lines(0, 1, 2), stderr: '' });
  });
});

describe('color switches as other log viewers spell them (issue 10)', () => {
  const one = join(tmp, 'one.log');
  writeFileSync(one, '{"level":3,"msg":"x"}\n');

  it('--no-color is --color never, even with FORCE_COLOR', async () => {
    expect(await runChainsaw(['--no-color', one], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } })).toMatchObject({ code: 0, stdout: 'ERROR x\n', stderr: '' });
    expect(await runChainsaw(['--color', 'always', '--no-color', one])).toMatchObject({ code: 0, stdout: 'ERROR x\n', stderr: '' });
    expect((await runChainsaw([one], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } })).stdout).toBe('\x1b[31mERROR\x1b[39m x\n');
  });

  it('FORCE_COLOR=0 turns color off on a terminal', () => {
    const onTty = (env: string) => execFileSync('script', ['-qec', `env -u NO_COLOR ${env} TZ=UTC XDG_CONFIG_HOME=/nonexistent ${process.execPath} ${BIN} --no-pager ${one}`, '/dev/null'], { encoding: 'utf8' });
    expect(onTty('-u FORCE_COLOR')).toBe('\x1b[31mERROR\x1b[39m x\r\n');
    expect(onTty('FORCE_COLOR=0')).toBe('ERROR x\r\n');
  });
});

describe('a typo gets a suggestion, a bad value is quoted as typed (issue 10)', () => {
  it.each([
    [['--folow'], "chainsaw: unknown option --folow (did you mean --follow?)\n"],
    [['--no-merg'], "chainsaw: unknown option --no-merg (did you mean --no-merge?)\n"],
    [['--frobnicate'], 'chainsaw: unknown option --frobnicate (see --help)\n'],
    [['-l', 'warnn'], "chainsaw: -l: unknown level 'warnn' (did you mean warn?)\n"],
    [['-l', 'eror'], undefined],
    [['-l', 'bogus'], "chainsaw: -l: unknown level 'bogus' (emerg alert crit err warn notice info debug trace, or 0-8)\n"],
    [['-l', '9'], "chainsaw: -l: unknown level '9' (emerg alert crit err warn notice info debug trace, or 0-8)\n"],
    [['-l', '40'], "chainsaw: -l: unknown level '40' (emerg alert crit err warn notice info debug trace, or 0-8)\n"],
    [['-n', 'abc'], "chainsaw: -n: expected a whole number >= 0, got 'abc'\n"],
    [['-m', '1e3'], "chainsaw: -m: expected a whole number >= 0, got '1e3'\n"],
    [['-A', '-1'], "chainsaw: -A: expected a whole number >= 0, got '-1'\n"],
    [[LOG, '-n'], 'chainsaw: -n needs a value\n'],
  ])('%j', async (args, stderr) => {
    const r = await runChainsaw(args.includes(LOG) ? args : [...args, LOG]);
    if (stderr === undefined) expect(r).toMatchObject({ code: 0, stderr: '' });
    else expect(r).toEqual(expect.objectContaining({ code: 2, stdout: '', stderr }));
  });

  it('-l 0 and -l 8 are levels', async () => {
    expect(await runChainsaw(['-l', '8', '-c', LOG])).toMatchObject({ code: 0, stdout: '6\n', stderr: '' });
    expect(await runChainsaw(['-l', '0', '-c', LOG])).toMatchObject({ code: 1, stdout: '0\n', stderr: '' });
  });
});

describe('--since as people write it (issue 10)', () => {
  const iso = (ms: number) => new Date(ms).toISOString();
  const now = Date.now();
  const recent = join(tmp, 'recent.log');
  const year = new Date(now).getUTCFullYear();
  writeFileSync(recent, [
    `{"time":"${iso(now - 3 * 3600_000)}","msg":"three hours ago"}`,
    `{"time":"${iso(now - 3600_000)}","msg":"an hour ago"}`,
    `{"time":"${year}-12-26T09:04:00Z","msg":"dec 26 09:04"}`,
    `{"time":"${year}-12-26T09:06:00Z","msg":"dec 26 09:06"}`,
  ].join('\n') + '\n');
  const msgs = (out: string) => out.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { msg: string }).msg);

  it.each([
    ['-2h', ['an hour ago', 'dec 26 09:04', 'dec 26 09:06'].filter((m) => !m.startsWith('dec') || Date.UTC(year, 11, 26) > now - 2 * 3600_000)],
    ['2 hours ago', ['an hour ago', 'dec 26 09:04', 'dec 26 09:06'].filter((m) => !m.startsWith('dec') || Date.UTC(year, 11, 26) > now - 2 * 3600_000)],
    ['Dec 26 09:05', ['dec 26 09:06']],
  ])('--since %j', async (since, want) => {
    const r = await runChainsaw(['--since', since, '-o', 'json', recent]);
    expect(r.stderr).toBe('');
    expect(msgs(r.stdout)).toEqual(want);
  });

  it('--since after --until is an error, not "nothing matched"', async () => {
    expect(await runChainsaw(['--since', '2011-12-27', '--until', '2011-12-26', LOG])).toMatchObject({
      code: 2, stdout: '', stderr: 'chainsaw: --since 2011-12-27 is not before --until 2011-12-26: no record could match\n',
    });
    expect(await runChainsaw(['--since', '2011-12-26T09:00:05Z', '--until', '2011-12-26T09:00:06Z', '-o', 'raw', LOG])).toMatchObject({ code: 0, stdout: lines(5) });
  });
});

describe('silent typos are named after the run (issue 10)', () => {
  it.each([
    [['-q', 'stauts >= 500'], "chainsaw: no record has a field 'stauts' (did you mean 'status'?)\n"],
    [['-q', 'ECONNREFUSED'], `chainsaw: no record has a field 'ECONNREFUSED' (to search the text, quote it: -q '"ECONNREFUSED"')\n`],
    [['-q', 'exists(headers.agent)'], "chainsaw: no record has a field 'headers.agent'\n"],
  ])('%j: status 1, a hint on stderr, from a file and from standard input', async (args, stderr) => {
    expect(await runChainsaw([...args, LOG])).toEqual(expect.objectContaining({ code: 1, stdout: '', stderr }));
    expect(await runChainsaw(args, { stdin: `${LINES.join('\n')}\n` })).toEqual(expect.objectContaining({ code: 1, stdout: '', stderr }));
  });

  it('-k names a field no record has: the output stands, the hint follows', async () => {
    expect(await runChainsaw(['-o', 'csv', '-k', 'msg,levle', '-l', 'err', LOG])).toEqual(expect.objectContaining({
      code: 0, stdout: 'msg,levle\ntwo,\nfive,\n', stderr: "chainsaw: no record has a field 'levle' (did you mean 'level'?)\n",
    }));
  });

  it('no hint when the field exists, or something matched', async () => {
    expect(await runChainsaw(['-q', 'status >= 600', LOG])).toEqual(expect.objectContaining({ code: 1, stdout: '', stderr: '' }));
    expect(await runChainsaw(['-q', 'status >= 600', '-o', 'raw'], { stdin: lines(6) })).toEqual(expect.objectContaining({ code: 1, stdout: '', stderr: '' }));
    expect(await runChainsaw(['-q', 'stauts >= 500 or level <= err', '-c', LOG])).toEqual(expect.objectContaining({ code: 0, stdout: '2\n', stderr: '' }));
  });
});

describe('a bad option names where it came from (issue 10)', () => {
  const home = join(tmp, 'cfg');
  mkdirSync(join(home, 'chainsaw'), { recursive: true });
  const cfg = join(home, 'chainsaw', 'config.json');

  it('from the config file', async () => {
    writeFileSync(cfg, '{"output": "xml"}');
    expect(await runChainsaw([LOG], { env: { XDG_CONFIG_HOME: home } })).toMatchObject({
      code: 2, stdout: '', stderr: `chainsaw: ${cfg}: -o: invalid value 'xml' (choose from human, table, json, raw, logfmt, csv, tsv)\n`,
    });
    writeFileSync(cfg, '{"level": "warnn"}');
    expect(await runChainsaw([LOG], { env: { XDG_CONFIG_HOME: home } })).toMatchObject({
      code: 2, stdout: '', stderr: `chainsaw: ${cfg}: -l: unknown level 'warnn' (did you mean warn?)\n`,
    });
  });

  it('from CHAINSAW_OPTIONS; the same option on the command line is not blamed on it', async () => {
    expect(await runChainsaw([LOG], { env: { CHAINSAW_OPTIONS: '--folow' } })).toMatchObject({
      code: 2, stdout: '', stderr: 'chainsaw: CHAINSAW_OPTIONS: unknown option --folow (did you mean --follow?)\n',
    });
    expect(await runChainsaw([LOG], { env: { CHAINSAW_OPTIONS: "-q 'a =='" } })).toMatchObject({
      code: 2, stdout: '', stderr: 'chainsaw: CHAINSAW_OPTIONS: -q: unexpected end of expression at column 5\n    a ==\n        ^\n',
    });
    expect(await runChainsaw(['-l', 'warnn', LOG], { env: { CHAINSAW_OPTIONS: '-o raw' } })).toMatchObject({
      code: 2, stdout: '', stderr: "chainsaw: -l: unknown level 'warnn' (did you mean warn?)\n",
    });
  });

  it('--help names both sources, wrapped to 80 columns off a terminal and to the terminal on one', async () => {
    const r = await runChainsaw(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('$XDG_CONFIG_HOME/chainsaw/config.json');
    expect(r.stdout).toContain('CHAINSAW_OPTIONS');
    expect(r.stdout).toContain('-v, --invert-match');
    expect(Math.max(...r.stdout.split('\n').map((l) => l.length))).toBe(80 - 1);
    const tty = execFileSync('script', ['-qec', `stty cols 72; ${process.execPath} ${BIN} --help --no-config`, '/dev/null'], { encoding: 'utf8' });
    const widths = tty.split('\r\n').map((l) => l.length);
    expect(Math.max(...widths)).toBeLessThan(72);
    expect(Math.max(...widths)).toBeGreaterThan(60);
  });
});
