import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fallbackCommand, listCommand, parseListing, quotePath, shQuote } from '../../src/remote/command.js';
import { unitLabels } from '../../src/remote/source.js';

/** Runs a remote line as the host's login shell would (sh -c LINE), here. */
function runLine(line: string, cwd?: string): { out: string; err: string } {
  try {
    const out = execFileSync('sh', ['-c', line], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { out, err: '' };
  } catch (e) {
    const x = e as { stdout: string; stderr: string };
    return { out: x.stdout, err: x.stderr };
  }
}

describe('the remote command (issue 13)', () => {
  it.each([
    ['/var/log/api/current', `'/var/log/api/current'`],
    ['/var/log/*/current', `'/var/log/'*'/current'`],
    ['/var/log/api/@*.[su]', `'/var/log/api/@'*'.'['su']`],
    ["/it's $(touch x) `id` ;|&<>\"\\", `'/it'\\''s $(touch x) \`id\` ;|&<>"\\'`],
    ['*', '*'],
  ])('quotes %j leaving only * ? [ ] to the shell', (path, quoted) => {
    expect(quotePath(path)).toBe(quoted);
  });

  it('reads hostile file names literally and expands only globs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainsaw-quote-'));
    const canary = join(dir, 'pwned');
    const name = "it's $(touch pwned) `touch pwned`; touch pwned.log";
    writeFileSync(join(dir, name), '{"msg":"hostile"}\n');
    writeFileSync(join(dir, 'b.log'), '{"msg":"b"}\n');
    const listed = parseListing(Buffer.from(runLine(listCommand([join(dir, '*.log'), join(dir, name), join(dir, 'nope*')]), dir).out));
    expect(listed.files).toEqual([join(dir, 'b.log'), join(dir, name), join(dir, name), join(dir, 'nope*')]);
    expect(runLine(fallbackCommand(join(dir, name), undefined), dir)).toEqual({ out: '{"msg":"hostile"}\n', err: '' });
    expect(runLine(fallbackCommand(name, ['hostile']), dir)).toEqual({ out: '{"msg":"hostile"}\n', err: '' });
    expect(existsSync(canary)).toBe(false);
    expect(shQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it('reads an svlogd directory rotated-then-current, gzip through gzip -dc, narrowed by grep -F', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainsaw-fallback-'));
    const logs = join(dir, 'api');
    mkdirSync(logs);
    writeFileSync(join(logs, '@400000000000000b.u'), '{"n":2,"t":"x"}\n');
    writeFileSync(join(logs, '@400000000000000a.s'), gzipSync('{"n":1,"t":"x"}\n{"n":1.5}\n'));
    writeFileSync(join(logs, 'current'), '{"n":3,"t":"x"}\nnot json x\n');
    expect(runLine(fallbackCommand(logs, undefined)).out).toBe('{"n":1,"t":"x"}\n{"n":1.5}\n{"n":2,"t":"x"}\n{"n":3,"t":"x"}\nnot json x\n');
    expect(runLine(fallbackCommand(logs, ['"t"', 'json'])).out).toBe('{"n":1,"t":"x"}\n{"n":2,"t":"x"}\n{"n":3,"t":"x"}\nnot json x\n');
    expect(runLine(fallbackCommand(join(dir, 'missing'), undefined)).err).toBe(`chainsaw: ${join(dir, 'missing')}: No such file or directory\n`);
    expect(runLine(fallbackCommand(dir, undefined)).err).toBe(`chainsaw: ${dir}: Is a directory (not an svlogd log directory: no current, no @*.s)\n`);
  });

  it('parses the listing: a chainsaw version only when it is one', () => {
    expect(parseListing(Buffer.from('Vchainsaw 0.1.0\0F/a\0F/b c\0'))).toEqual({ version: '0.1.0', files: ['/a', '/b c'] });
    expect(parseListing(Buffer.from('VChainsaw(TM) power tools 3\0F/a\0'))).toEqual({ version: undefined, files: ['/a'] });
    expect(parseListing(Buffer.from('V\0'))).toEqual({ version: undefined, files: [] });
  });

  it.each([
    [['/l/api'], ['api1']],
    [['/l/api/current', '/l/web/current'], ['api1:api/current', 'api1:web/current']],
    [['/l/a.log', '/l/b.log'], ['api1:a.log', 'api1:b.log']],
  ])('labels %j', (files, labels) => {
    expect(unitLabels('api1', files)).toEqual(labels);
  });
});
