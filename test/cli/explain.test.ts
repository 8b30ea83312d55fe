import { describe, expect, it } from 'vitest';
import { CASES } from '../graylog-cases.js';
import { fixture, runChainsaw } from '../helpers.js';

const GRAYLOG = fixture('graylog', 'gelf.log');
const MIXED = fixture('corpus', 'mixed.log');

// Outside test/e2e: it spawns three runs per case, and the fast-path-off pass of the e2e suite
// adds nothing here (both sides run the same way).
describe('--explain', () => {
  it('--explain prints the -q expression; running it with -q gives the same bytes on the mixed corpus, for every case', async () => {
    await Promise.all(CASES.map(async ([query]) => {
      const explained = await runChainsaw(['--explain', '-g', query]);
      expect(explained.code).toBe(0);
      const expr = explained.stdout.trimEnd();
      const [viaG, viaQ] = await Promise.all([
        runChainsaw(['-g', query, '-o', 'raw', MIXED, GRAYLOG]),
        runChainsaw(['-q', expr, '-o', 'raw', MIXED, GRAYLOG]),
      ]);
      expect({ query, out: viaQ.stdout, code: viaQ.code }).toEqual({ query, out: viaG.stdout, code: viaG.code });
    }));
  });
});
