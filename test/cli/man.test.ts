import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, exampleCommand } from '../../src/cli/doc/examples.js';
import { renderMan } from '../../src/cli/doc/man.js';
import { FLAGS, flagSynopsis, renderHelp, type FlagDef } from '../../src/cli/flags.js';
import { fixture, runChainsaw } from '../helpers.js';

const pkg = JSON.parse(readFileSync(fixture('..', 'package.json'), 'utf8')) as { version: string };
const committed = readFileSync(fixture('..', 'man', 'chainsaw.1'), 'utf8');

describe('one definition of the flags (issue 2)', () => {
  it('man/chainsaw.1 is what the generator renders (run `npm run man` after changing a flag)', () => {
    expect(committed).toBe(renderMan(pkg.version));
  });

  it.each((FLAGS as readonly FlagDef[]).map((f) => [f.name, f] as const))('--%s has a man entry and a --help line', (_name, f) => {
    const roffSynopsis = flagSynopsis(f).replace(/-/g, '\\-');
    expect(committed).toContain(`.B ${roffSynopsis}\n`);
    expect(renderHelp()).toContain(flagSynopsis(f));
  });

  it('man -l renders the page', () => {
    const text = execFileSync('man', ['-l', fixture('..', 'man', 'chainsaw.1')], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '100', MAN_KEEP_FORMATTING: '' } });
    expect(text).toContain('FILTER EXPRESSIONS');
    expect(text).toContain('EXIT STATUS');
  });

  it('--help prints the flag table, status 0', async () => {
    const r = await runChainsaw(['--help']);
    expect(r).toMatchObject({ code: 0, stdout: renderHelp(), stderr: '' });
  });

  it('--version prints the package version', async () => {
    expect((await runChainsaw(['--version'])).stdout).toBe(`chainsaw ${pkg.version}\n`);
    expect((await runChainsaw(['-V', '--no-config'])).stdout).toBe(`chainsaw ${pkg.version}\n`);
  });
});

describe('the examples of the man page and README run (issue 2)', () => {
  const readme = readFileSync(fixture('..', 'README.md'), 'utf8');
  it.each(EXAMPLES.map((e) => [exampleCommand(e), e] as const))('%s', async (cmd, e) => {
    expect(committed).toContain(cmd.replace(/\\/g, '\\e').replace(/-/g, '\\-'));
    expect(readme).toContain(cmd);
    const r = await runChainsaw([...e.args, ...e.fixtures.map((f) => fixture('..', f))]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(e.expect);
  });
});
