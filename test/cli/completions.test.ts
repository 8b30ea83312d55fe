import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runChainsaw } from '../helpers.js';
import { Terminal, have } from '../terminal.js';

// The shells are installed by .ci/run; a developer without one is told, loudly, what was skipped.
const shells = { bash: have('bash'), zsh: have('zsh') && have('tmux'), fish: have('fish') };
for (const [shell, ok] of Object.entries(shells)) {
  if (!ok && process.env.CI) throw new Error(`${shell} (and tmux for zsh) must be installed for the completion tests`);
  if (!ok) console.warn(`\n*** completion tests for ${shell} SKIPPED: ${shell === 'zsh' ? 'zsh or tmux' : shell} is not installed ***\n`);
}

const PATH = `${dirname(BIN)}:${process.env.PATH}`;
const MODES = ['human', 'table', 'json', 'raw', 'logfmt', 'csv', 'tsv'];
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('--completions', () => {
  it('refuses a shell it does not know, naming the choices', async () => {
    const r = await runChainsaw(['--completions', 'tcsh']);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: "chainsaw: --completions: invalid value 'tcsh' (choose from bash, zsh, fish)\n" });
  });

  it.skipIf(!shells.bash)('bash: completes --fac to --facility, -o to the output modes, -l to levels', () => {
    // The function registered with `complete -F`, called as bash's programmable completion calls it.
    const complete = (words: string[]) => `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; `
      + `"$fn" chainsaw '${words.at(-1)}' '${words.at(-2)}'; printf '%s\\n' "\${COMPREPLY[@]}"; echo ---`;
    const script = `eval "$(chainsaw --completions bash)"; fn=$(complete -p chainsaw | sed -E 's/.* -F ([^ ]+) .*/\\1/'); `
      + `${complete(['chainsaw', '--fac'])}; ${complete(['chainsaw', '-o', ''])}; ${complete(['chainsaw', '-l', 'er'])}; complete -p gelf-chainsaw`;
    const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8', env: { PATH } });
    expect(out).toBe(`--facility\n---\n${MODES.join('\n')}\n---\nerr\n---\ncomplete -o bashdefault -o filenames -F _chainsaw gelf-chainsaw\n`);
  });

  it.skipIf(!shells.fish)('fish: completes --fac to --facility and -o to the output modes', () => {
    const out = execFileSync('fish', ['--no-config', '-c',
      `chainsaw --completions fish | source; complete -C 'chainsaw --fac'; echo ---; complete -C 'chainsaw -o '; echo ---; complete -C 'gelf-chainsaw --col'`],
    { encoding: 'utf8', env: { PATH } });
    const names = out.split('\n').map((l) => l.split('\t')[0]);
    expect(names.join(' ')).toBe(`--facility --- ${[...MODES].sort().join(' ')} --- --color `);
  });

  it.skipIf(!shells.zsh)('zsh: Tab in a real terminal completes --fac to --facility and lists the output modes after -o', async () => {
    const home = mkdtempSync(join(tmpdir(), 'chainsaw-zsh-'));
    dirs.push(home);
    // Installed the way the README says: the script as _chainsaw in a directory on fpath.
    const fpath = join(home, 'zfunc');
    execFileSync('sh', ['-c', `mkdir -p '${fpath}' && chainsaw --completions zsh > '${fpath}/_chainsaw'`], { env: { PATH } });
    writeFileSync(join(home, '.zshrc'), `PS1='%% '\nfpath=('${fpath}' $fpath)\nautoload -U compinit\ncompinit -u -d '${home}/.zcompdump'\n`);
    const term = new Terminal('zsh -i', { ZDOTDIR: home, PATH, HOME: home });
    try {
      await term.waitFor((s) => s.startsWith('%'));
      term.send('chainsaw --fac', 'Tab');
      await term.waitFor((s) => s.includes('% chainsaw --facility'));
      term.send('C-u', 'chainsaw -o ', 'Tab');
      const screen = await term.waitFor((s) => MODES.every((m) => s.includes(m)));
      expect(screen).toMatch(/csv +human +json +logfmt +raw +table +tsv/);
    } finally {
      term.close();
    }
  });
});
