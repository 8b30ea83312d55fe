import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, fixture } from '../helpers.js';
import { Terminal, have } from '../terminal.js';

if (!have('tmux') && process.env.CI) throw new Error('tmux must be installed for the terminal tests');
if (!have('tmux')) console.warn('\n*** terminal tests SKIPPED: tmux is not installed ***\n');

const PATH = `${dirname(BIN)}:${process.env.PATH}`;
let dir: string;
let big: string;
let five: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainsaw-term-'));
  // 5,000 records: the GELF fixture's lines, repeated.
  const lines = readFileSync(fixture('corpus', 'gelf.log'), 'utf8').split('\n').filter(Boolean);
  big = join(dir, 'big.log');
  const fd = openSync(big, 'w');
  for (let i = 0; i < 5000; i++) writeSync(fd, `${lines[i % lines.length]}\n`);
  closeSync(fd);
  five = join(dir, 'five.log');
  const f5 = openSync(five, 'w');
  writeSync(f5, `${lines.slice(0, 5).join('\n')}\n`);
  closeSync(f5);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a shell command line in an 80×24 terminal; it prints EXIT=status when chainsaw ends. */
function terminal(command: string, env: { [k: string]: string } = {}): Terminal {
  return new Terminal(`sh -c '${command}; echo EXIT=$?; sleep 30'`, { PATH, HOME: dir, XDG_CONFIG_HOME: dir, TZ: 'UTC', ...env });
}

const lastLine = (screen: string): string => screen.trimEnd().split('\n').at(-1)!;

describe.skipIf(!have('tmux'))('on a terminal', () => {
  it('pages 5,000 records through less, whose prompt waits; q ends chainsaw at once with status 0', async () => {
    const t = terminal(`chainsaw ${big}`);
    try {
      const screen = await t.waitFor((s) => lastLine(s) === ':');
      expect(screen).toContain('INFO  [myapp.api.handler] ord1.product.api1: handling G');
      expect(screen).not.toContain('EXIT=');
      t.send('q');
      await t.waitFor((s) => s.includes('EXIT=0'), 1000);
    } finally {
      t.close();
    }
  });

  it('Ctrl-C inside less leaves chainsaw to the pager: q then ends it, status 0, and the shell has the terminal again', async () => {
    // An interactive shell, as a person types into: it survives Ctrl-C, as it does for git log.
    const t = new Terminal('bash --norc --noprofile -i', { PATH, HOME: dir, XDG_CONFIG_HOME: dir, PS1: '$ ' });
    try {
      await t.waitFor((s) => s.startsWith('$'));
      t.send(`chainsaw ${big}; echo EXIT=$?`, 'Enter');
      await t.waitFor((s) => lastLine(s) === ':');
      t.send('C-c');
      await new Promise((r) => setTimeout(r, 300));
      expect(t.screen()).not.toContain('EXIT=');
      t.send('q');
      await t.waitFor((s) => s.includes('EXIT=0'), 1000);
      t.send('echo typed', 'Enter');
      await t.waitFor((s) => s.includes('\ntyped\n'));
    } finally {
      t.close();
    }
  });

  it('5 records with LESS unset are printed and chainsaw returns by itself', async () => {
    const t = terminal(`chainsaw ${five}`);
    try {
      const screen = await t.waitFor((s) => s.includes('EXIT=0'));
      expect(screen.match(/INFO|DEBUG|WARN|ERROR/g)?.length).toBe(5);
    } finally {
      t.close();
    }
  });

  it('--no-pager and a pipe never page; $CHAINSAW_PAGER wins over $PAGER', async () => {
    for (const [command, env] of [[`chainsaw --no-pager ${big}`, {}], [`chainsaw ${big} | tail -n 2`, {}], [`chainsaw ${five}`, { PAGER: 'false' }]] as const) {
      const t = terminal(command, { CHAINSAW_PAGER: 'sed s/^/PAGED:/', ...env });
      try {
        const screen = await t.waitFor((s) => s.includes('EXIT='));
        expect(screen).toContain('EXIT=0');
        expect(screen.includes('PAGED:')).toBe(command.includes(five));
      } finally {
        t.close();
      }
    }
  });

  it('a pager that cannot be started is one line, and the records go to the terminal', async () => {
    const t = terminal(`chainsaw ${five}`, { PAGER: 'no-such-pager -R' });
    try {
      const screen = await t.waitFor((s) => s.includes('EXIT='));
      expect(screen.split('\n')[0]).toBe("chainsaw: cannot start the pager 'no-such-pager -R': No such file or directory");
      expect(screen.match(/INFO|DEBUG|WARN|ERROR/g)?.length).toBe(5);
      expect(screen).toContain('EXIT=0');
    } finally {
      t.close();
    }
  });

  it('table output fits an 80-column terminal: the message is cut with …, time and level keep their width', async () => {
    const t = terminal(`chainsaw -o table --no-pager --no-merge -m 2 ${fixture('corpus', 'gelf.log')} ${fixture('svlogd', 'api')}`);
    try {
      const screen = await t.waitFor((s) => s.includes('EXIT='));
      const rows = screen.split('\n').slice(0, 3);
      for (const row of rows) expect([...row].length).toBeLessThanOrEqual(80);
      expect(rows[0]).toMatch(/^input +time +level +facility +host +message$/);
      expect(rows[1]).toMatch(/^gelf\.log +2011-12-26T09:00:00\.000Z +info +\S+ +\S+ +.*…$/);
      expect(rows[1]).toContain('…');
    } finally {
      t.close();
    }
  });
});
