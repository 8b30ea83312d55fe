import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, runChainsaw } from '../helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'chainsaw-e2e-'));
chmodSync(tmp, 0o755); // the permission test runs chainsaw as nobody, who must reach the file

describe('raw output is the input, byte for byte (issue 2)', () => {
  it.each([
    'shapes/gelf.log', 'shapes/docker.log', 'bad/crlf.log', 'bad/no-final-newline.log', 'bad/invalid-utf8.log',
    'bad/binary.bin', 'bad/control-chars.log', 'bad/blank.log', 'prefix/syslog.log', 'svlogd/db/current',
  ])('%s', async (name) => {
    const r = await runChainsaw(['-o', 'raw', fixture(...name.split('/'))]);
    expect(r.stdoutBytes.equals(readFileSync(fixture(...name.split('/'))))).toBe(true);
    expect(r.code).toBe(0);
  });

  it('gzip input compares equal to its decompressed text', async () => {
    const r = await runChainsaw(['-o', 'raw', fixture('bad', 'gelf.log.gz')]);
    expect(r.stdoutBytes.equals(readFileSync(fixture('shapes', 'gelf.log')))).toBe(true);
  });

  it('stdin and - read standard input, gzip detected by magic bytes', async () => {
    const gz = readFileSync(fixture('bad', 'gelf.log.gz'));
    const a = await runChainsaw(['-o', 'raw'], { stdin: gz });
    const b = await runChainsaw(['-o', 'raw', '-'], { stdin: readFileSync(fixture('shapes', 'gelf.log')) });
    expect(a.stdout).toBe(readFileSync(fixture('shapes', 'gelf.log'), 'utf8'));
    expect(b.stdout).toBe(a.stdout);
  });
});

describe('pipes given as files', () => {
  it('reads a FIFO such as bash process substitution, gzip or not', () => {
    const cs = `"${process.execPath}" "${fixture('..', 'bin', 'chainsaw')}"`;
    const out = execFileSync('bash', ['-c', `${cs} -c <(cat "${fixture('shapes', 'gelf.log')}") <(cat "${fixture('bad', 'gelf.log.gz')}"); echo "status=$?"`], { encoding: 'utf8', env: { PATH: process.env.PATH, XDG_CONFIG_HOME: tmp } });
    expect(out).toBe('8\nstatus=0\n');
  });
});

describe('bad input never crashes and is never lost (issue 2)', () => {
  it('a missing file is reported, the other inputs are still read, status 2', async () => {
    const r = await runChainsaw(['-c', 'no-such-file.log', fixture('shapes', 'pino.log')]);
    expect(r.stderr).toBe('chainsaw: no-such-file.log: No such file or directory\n');
    expect(r.stdout).toBe('3\n');
    expect(r.code).toBe(2);
  });

  it('a directory that is not an svlogd directory is an error', async () => {
    const r = await runChainsaw([fixture('notsvlogd')]);
    expect(r.stderr).toMatch(/^chainsaw: .*notsvlogd: Is a directory \(not an svlogd log directory/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.code).toBe(2);
  });

  it('a file without read permission is reported (as an unprivileged user)', async () => {
    const f = join(tmp, 'secret.log');
    writeFileSync(f, '{"msg":"secret"}\n');
    chmodSync(f, 0o000);
    const isRoot = process.getuid?.() === 0;
    // root reads anything: drop to nobody for the check, as a user on the box would be.
    const r = isRoot
      ? await (async () => {
        try {
          const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, fixture('..', 'bin', 'chainsaw'), f], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH, NO_COLOR: '1', XDG_CONFIG_HOME: tmp } });
          return { code: 0, stderr: '', stdout: out };
        } catch (e) {
          const err = e as { status: number; stderr: string };
          return { code: err.status, stderr: err.stderr, stdout: '' };
        }
      })()
      : await runChainsaw([f]);
    expect(r.stderr).toBe(`chainsaw: ${f}: Permission denied\n`);
    expect(r.code).toBe(2);
  });

  it('an empty file matches nothing: status 1, no output', async () => {
    const r = await runChainsaw([fixture('bad', 'empty.log')]);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: '' });
  });

  it('blank lines are shown as they are without a filter, and never match one', async () => {
    const plain = await runChainsaw([fixture('bad', 'blank.log')]);
    expect(plain.stdout).toBe('\n\n   \n\n');
    const filtered = await runChainsaw(['-l', 'debug', fixture('bad', 'blank.log')]);
    expect(filtered).toMatchObject({ code: 1, stdout: '' });
  });

  it('JSON that is not an object is a text line, not a record', async () => {
    const r = await runChainsaw([fixture('bad', 'non-object.log')]);
    expect(r.stdout).toBe('[1,2]\n"x"\n42\nnull\nINFO  the only record\n');
    const json = await runChainsaw(['-o', 'json', '-l', 'info', fixture('bad', 'non-object.log')]);
    expect(json.stdout).toBe('{"level":6,"msg":"the only record"}\n');
  });

  it('a binary file is shown escaped and passed through raw', async () => {
    const r = await runChainsaw([fixture('bad', 'binary.bin')]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(r.stderr).toBe('');
  });

  it('invalid UTF-8 never stops a record from being read', async () => {
    const r = await runChainsaw(['-l', 'err', fixture('bad', 'invalid-utf8.log')]);
    expect(r.stdout).toBe('ERROR bad \ufffd\ufffd bytes\n');
    expect(r.code).toBe(0);
  });

  it('a 50 MB single line is read, filtered and passed through', async () => {
    const f = join(tmp, 'huge-line.log');
    const big = `{"level":3,"msg":"huge","pad":"${'x'.repeat(50 * 1024 * 1024)}"}`;
    writeFileSync(f, `{"level":6,"msg":"before"}\n${big}\n{"level":6,"msg":"after"}\n`);
    const r = await runChainsaw(['-l', 'err', '-o', 'raw', f], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(big.length + 1);
    const c = await runChainsaw(['-c', f]);
    expect(c.stdout).toBe('3\n');
  });

  it('an object nested 10,000 deep is a record, and prints', async () => {
    const f = join(tmp, 'deep.log');
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const line = `{"level":6,"msg":"deep","d":${deep}}`;
    writeFileSync(f, `${line}\n`);
    const human = await runChainsaw([f]);
    expect(human.stdout).toBe('INFO  deep d=[too deeply nested]\n');
    const json = await runChainsaw(['-o', 'json', f]);
    expect(json.stdout).toBe(`${line}\n`);
    expect(json.code).toBe(0);
  });

  it('keys __proto__ and constructor are plain keys', async () => {
    const r = await runChainsaw(['-o', 'json', '-q', 'constructor == "ctor" and not exists(polluted)', fixture('bad', 'proto-keys.log')]);
    expect(r.stdout).toBe('{"__proto__":{"polluted":true},"constructor":"ctor","toString":"ts","msg":"proto keys","level":6}\n');
    const human = await runChainsaw([fixture('bad', 'proto-keys.log')]);
    expect(human.stdout).toBe('INFO  proto keys __proto__={"polluted":true} constructor=ctor toString=ts\n');
  });

  it('duplicate keys: the last one wins, as in jq', async () => {
    const r = await runChainsaw(['-o', 'json', fixture('bad', 'duplicate-keys.log')]);
    expect(r.stdout).toBe('{"level":6,"msg":"duplicate keys: last wins"}\n');
    expect((await runChainsaw(['-l', 'err', fixture('bad', 'duplicate-keys.log')])).code).toBe(1);
  });

  it('ESC and other control bytes never reach the terminal', async () => {
    const r = await runChainsaw(['--color', 'always', fixture('bad', 'control-chars.log')]);
    const withoutOurColors = r.stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(withoutOurColors).toBe('ERROR h\\x1b]0;title\\x07: bell\\x07 esc\\x1b[31mred\\x1b[0m csi\\x9b bidi\\u202e end\nraw esc \\x1b[31m in a text line\n');
    expect(withoutOurColors).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  });

  it('CRLF lines are records; raw keeps the CR', async () => {
    const r = await runChainsaw(['-l', 'warn', fixture('bad', 'crlf.log')]);
    expect(r.stdout).toBe('WARN  crlf two\n');
  });

  it('a last line without a newline is a record', async () => {
    const r = await runChainsaw(['-l', 'err', fixture('bad', 'no-final-newline.log')]);
    expect(r.stdout).toBe('ERROR last line without newline\n');
  });

  it('an unknown option is a usage error', async () => {
    const r = await runChainsaw(['--frobnicate', fixture('shapes', 'gelf.log')]);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'chainsaw: unknown option --frobnicate (see --help)\n' });
  });

  it('-l nonsense is a usage error before reading', async () => {
    const r = await runChainsaw(['-l', 'nonsense', 'no-such-file']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("chainsaw: -l: unknown level 'nonsense' (emerg alert crit err warn notice info debug trace, or 0-8)\n");
  });

  it('a truncated gzip file keeps what could be read and is reported', async () => {
    const f = join(tmp, 'trunc.log.gz');
    const lines = Array.from({ length: 4000 }, (_, i) => `{"level":6,"msg":"line ${i}"}`).join('\n');
    const gz = execFileSync('gzip', ['-c'], { input: lines });
    writeFileSync(f, gz.subarray(0, Math.floor(gz.length / 2)));
    const r = await runChainsaw(['-o', 'raw', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`chainsaw: ${f}: unexpected end of gzip data (truncated file?)\n`);
    const got = r.stdout.split('\n').filter(Boolean);
    expect(got.length).toBeGreaterThan(100);
    expect(got.every((l, i) => l === `{"level":6,"msg":"line ${i}"}`)).toBe(true);
  });

  it('stdin a terminal with no FILE is a usage error', () => {
    // script(1) gives chainsaw a terminal on stdin, as an interactive shell would.
    const out = execFileSync('script', ['-qec', `NO_COLOR=1 XDG_CONFIG_HOME=${tmp} "${process.execPath}" "${fixture('..', 'bin', 'chainsaw')}"; echo status=$?`, '/dev/null'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out.replace(/\r/g, '')).toBe('chainsaw: no input: name a FILE or DIR, or pipe logs to standard input (see --help)\nstatus=2\n');
  });
});

describe('exit status and pipes (issue 2)', () => {
  it('a write error (a full disk) is one line and status 2, not a stack trace', () => {
    const out = execFileSync('bash', ['-c', `"${process.execPath}" "${fixture('..', 'bin', 'chainsaw')}" "${fixture('shapes', 'gelf.log')}" > /dev/full 2> "${tmp}/full.err"; echo "status=$?"; cat "${tmp}/full.err"`], { encoding: 'utf8', env: { PATH: process.env.PATH, XDG_CONFIG_HOME: tmp } });
    expect(out).toBe('status=2\nchainsaw: write error: No space left on device\n');
  });

  it('0 when something matched, 1 when nothing did', async () => {
    expect((await runChainsaw(['-t', '.rh-3dT5.h-product-api0', fixture('shapes', 'gelf.log')])).code).toBe(0);
    expect((await runChainsaw(['-t', 'nope', fixture('shapes', 'gelf.log')])).code).toBe(1);
  });

  it('| head ends quietly with status 0', () => {
    const f = join(tmp, 'many.log');
    writeFileSync(f, Array.from({ length: 200_000 }, (_, i) => `{"level":6,"msg":"line ${i}"}\n`).join(''));
    const out = execFileSync('bash', ['-c', `set -o pipefail; NO_COLOR=1 "${process.execPath}" "${fixture('..', 'bin', 'chainsaw')}" "${f}" | head -n 2; echo "status=$?"`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toBe('INFO  line 0\nINFO  line 1\nstatus=0\n');
  });
});

describe('blocks of text without a record are passed over whole (issue 16)', () => {
  // 300 KB of 2-byte lines (blocks of 128 KB with no `{`), a record, then more of them.
  const file = join(tmp, 'tiny-lines.log');
  const filler = 'y\n'.repeat(150_000);
  const record = '{"level":3,"short_message":"found it","host":"a"}';
  writeFileSync(file, `${filler}${record}\n${filler}${record.replace('3', '6')}\n${filler}`);

  it('a filter still finds the records between them, and counts only those', async () => {
    expect((await runChainsaw(['-c', '-l', 'warn', file])).stdout).toBe('1\n');
    expect((await runChainsaw(['-l', 'warn', '-o', 'raw', file])).stdout).toBe(`${record}\n`);
    expect((await runChainsaw(['-c', '-q', 'host == "a"', file])).stdout).toBe('2\n');
  });

  it('lines that are not records still count where they are shown: -v, --invalid show, --strict', async () => {
    expect((await runChainsaw(['-c', '-v', '-l', 'warn', file])).stdout).toBe(`${450_000 + 1}\n`);
    expect((await runChainsaw(['-c', '--invalid', 'show', '-l', 'warn', file])).stdout).toBe(`${450_000 + 1}\n`);
    const strict = await runChainsaw(['--strict', '-l', 'warn', file]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain('tiny-lines.log:1: not a JSON object');
  });
});

describe('plain text shown as it is goes through a block at a time (issue 16)', () => {
  const text = 'y\n'.repeat(100_000);
  const record = '{"level":40,"msg":"a record among the text","time":"2011-12-26T09:00:00Z"}';
  const long = `${'x'.repeat(70 * 1024)}\n`;
  const inputs: [string, string][] = [
    ['only text', text],
    ['text, a record, text', `${text}${record}\n${text}`],
    ['a line past what human output shows whole', `${text}${long}${text}`],
    ['a control character and a tab', `${text}bell\x07 and\ttab\n${text}`],
    ['UTF-8 text', `${text}café ünïcode\n${text}`],
    ['no final newline', `${text}last`],
    ['CRLF', 'y\r\n'.repeat(100_000)],
  ];

  it.each(inputs)('%s: human output as one line at a time gives it, from a file and a pipe', async (name, content) => {
    const file = join(tmp, `plain-${name.replace(/\W+/g, '-')}.log`);
    writeFileSync(file, content);
    const slow = await runChainsaw([file], { env: { CHAINSAW_NO_FASTPATH: '1' } });
    for (const args of [[file], ['-j', '1', file], ['-j', '2', file]]) {
      const r = await runChainsaw(args, { env: { CHAINSAW_NO_FASTPATH: undefined } });
      expect(r.stdoutBytes.equals(slow.stdoutBytes)).toBe(true);
      expect(r.code).toBe(0);
    }
    const piped = await runChainsaw([], { stdin: content, env: { CHAINSAW_NO_FASTPATH: undefined } });
    expect(piped.stdoutBytes.equals(slow.stdoutBytes)).toBe(true);
  });

  it('text with no record is shown byte for byte, and with colors each line is dimmed as before', async () => {
    const file = join(tmp, 'plain-only.log');
    writeFileSync(file, text);
    expect((await runChainsaw([file])).stdoutBytes.equals(Buffer.from(text))).toBe(true);
    const colored = await runChainsaw(['--color', 'always', file], { env: { NO_COLOR: undefined } });
    expect(colored.stdout.split('\n')[0]).toBe('\x1b[2my\x1b[22m');
  });
});

describe('-c of every line counts lines a block at a time (issue 16)', () => {
  it.each([
    ['text, blank lines, CRLF, no final newline', `${'y\n'.repeat(100_000)}\n\r\n{"level":3}\n${'x\r\n'.repeat(70_000)}last`, 100_000 + 2 + 1 + 70_000 + 1],
    ['a final newline', 'a\nb\n', 2],
    ['one line without a newline', 'only', 1],
  ])('%s', async (name, content, lines) => {
    const file = join(tmp, `count-${name.replace(/\W+/g, '-')}.log`);
    writeFileSync(file, content);
    const r = await runChainsaw(['-c', file]);
    expect([r.stdout, r.code]).toEqual([`${lines}\n`, 0]);
    expect((await runChainsaw(['-c'], { stdin: content })).stdout).toBe(`${lines}\n`);
  });
});
