import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, splitWords } from '../../src/cli/config.js';
import { fixture, runChainsaw } from '../helpers.js';

function configHome(content: string): string {
  const home = mkdtempSync(join(tmpdir(), 'chainsaw-cfg-'));
  mkdirSync(join(home, 'chainsaw'));
  writeFileSync(join(home, 'chainsaw', 'config.json'), content);
  return home;
}

describe('config (issue 3)', () => {
  it.each([
    ['-o raw', ['-o', 'raw']], ['-q "level <= warn"', ['-q', 'level <= warn']], ["-q 'a == \"b c\"'", ['-q', 'a == "b c"']],
    ['a\\ b  c', ['a b', 'c']], ['', []], ['""', ['']],
  ])('splitWords(%j)', (s, want) => {
    expect(splitWords(s)).toEqual(want);
  });

  it('reads options and aliases from the file, then CHAINSAW_OPTIONS', () => {
    const home = configHome('{"output": "json", "txn": ["a", "b"], "local": true, "aliases": {"txnId": ["requestId"]}}');
    expect(loadConfig({ XDG_CONFIG_HOME: home, CHAINSAW_OPTIONS: '-m 3' })).toEqual({
      words: ['--output', 'json', '--txn', 'a', '--txn', 'b', '--local', '-m', '3'], aliases: { txnId: ['requestId'] },
      sources: [
        { label: join(home, 'chainsaw', 'config.json'), words: ['--output', 'json', '--txn', 'a', '--txn', 'b', '--local'] },
        { label: 'CHAINSAW_OPTIONS', words: ['-m', '3'] },
      ],
    });
  });

  it.each([
    ['{not json', /invalid JSON/],
    ['[1]', /must be a JSON object/],
    ['{"frob": 1}', /unknown option 'frob'/],
    ['{"local": "yes"}', /option 'local' takes true or false/],
    ['{"aliases": {"colour": ["x"]}}', /'colour' is not a canonical field/],
    ['{"aliases": {"txnId": "x"}}', /must map canonical fields to lists/],
  ])('%s is a clear error', (content, re) => {
    expect(() => loadConfig({ XDG_CONFIG_HOME: configHome(content) })).toThrow(re);
  });

  it('end to end: config and env give defaults, the command line wins, --no-config ignores both', async () => {
    const home = configHome('{"output": "raw", "aliases": {"txnId": ["requestId"]}}');
    const file = join(home, 'req.log');
    writeFileSync(file, '{"requestId":"r-1","msg":"one","level":6}\n{"requestId":"r-2","msg":"two","level":3}\n');
    const env = { XDG_CONFIG_HOME: home };
    expect((await runChainsaw(['-t', 'r-2', file], { env })).stdout).toBe('{"requestId":"r-2","msg":"two","level":3}\n');
    expect((await runChainsaw(['-t', 'r-2', '-o', 'human', file], { env })).stdout).toBe('ERROR two requestId=r-2\n');
    expect((await runChainsaw(['-t', 'r-2', file], { env: { ...env, CHAINSAW_OPTIONS: '-o logfmt' } })).stdout).toBe('level=error msg=two txnId=r-2\n');
    const ignored = await runChainsaw(['--no-config', '-t', 'r-2', file], { env: { ...env, CHAINSAW_OPTIONS: '-o logfmt' } });
    expect(ignored).toMatchObject({ code: 1, stdout: '' });
  });

  it('a malformed config is exit 2 with a one-line message', async () => {
    const home = configHome('{"output": ');
    const r = await runChainsaw([fixture('shapes', 'gelf.log')], { env: { XDG_CONFIG_HOME: home } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^chainsaw: .*config\.json: invalid JSON: .*\n$/);
  });
});
