import { describe, expect, it } from 'vitest';
import { CASES } from '../graylog-cases.js';
import { fixture, runChainsaw } from '../helpers.js';

const GRAYLOG = fixture('graylog', 'gelf.log');

describe('-g: Graylog search syntax', () => {
  it.each(CASES)('%s', async (query, want) => {
    const r = await runChainsaw(['-g', query, '-o', 'tsv', '-k', 'n', GRAYLOG]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`n\n${want.split(' ').join('\n')}\n`);
    expect(r.code).toBe(0);
  });

  it('nothing matched is status 1, and -g is ANDed with -q, -t, -l', async () => {
    const none = await runChainsaw(['-g', 'type:nosuch', GRAYLOG]);
    expect(none).toMatchObject({ code: 1, stdout: '', stderr: '' });
    const both = await runChainsaw(['-g', 'ssh', '-l', 'info', '-q', 'n > 2', '-o', 'tsv', '-k', 'n', GRAYLOG]);
    expect(both.stdout).toBe('n\n3\n6\n15\n');
  });

  it('--explain shows the fast paths a Graylog query keeps: txnId and level become -t and -l twins', async () => {
    const r = await runChainsaw(['--explain', '-g', 'txnId:ab12 AND level:<=3', '-t', 'x']);
    expect(r).toMatchObject({ code: 0, stdout: 'txnId == "ab12" and level <= 3 and txnId == "x"\n' });
  });

  it.each([
    ['type:', "expected a value after 'type:' at column 6", 5],
    ['(a OR b', "expected ')' at column 8", 7],
    ['[1 TO', 'expected a range bound at column 6', 5],
    ['field:/unclosed', "unterminated regex: expected '/' at column 7", 6],
    ['a AND AND b', 'expected a term after AND at column 7', 6],
  ])('%s is an error at its column, exit 2, nothing read', async (query, reason, caret) => {
    const r = await runChainsaw(['-g', query, 'does-not-exist.log']);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: `chainsaw: -g: ${reason}\n    ${query}\n    ${' '.repeat(caret)}^\n` });
  });

  it('a 100,000-character query and 10,000 nested parentheses are caret errors, not a crash', async () => {
    const long = await runChainsaw(['-g', 'a '.repeat(50_000), GRAYLOG]);
    expect(long.code).toBe(2);
    expect(long.stderr.split('\n')[0]).toBe('chainsaw: -g: query longer than 10000 characters at column 10001');
    expect(long.stderr.split('\n')[2]).toMatch(/^ +\^$/);
    const deep = await runChainsaw(['-g', `${'('.repeat(10_000)}a${')'.repeat(10_000)}`, GRAYLOG]);
    expect(deep).toMatchObject({ code: 2, stdout: '' });
    expect(deep.stderr).toMatch(/^chainsaw: -g: query longer than 10000 characters at column 10001\n/);
    const nested = await runChainsaw(['-g', `${'('.repeat(4000)}a${')'.repeat(4000)}`, GRAYLOG]);
    expect(nested.stderr).toMatch(/^chainsaw: -g: query nested too deeply at column 101\n/);
    expect(nested.code).toBe(2);
  });
});
