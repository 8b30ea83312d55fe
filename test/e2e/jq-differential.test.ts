import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, runChainsaw } from '../helpers.js';

/** GELF additional-field fallback and the canonical level on the syslog scale, in jq. */
const JQ_PRELUDE = `def f(k): if has(k) then .[k] else .["_" + k] end;
def sev: (.level // null) as $l | if ($l | type) == "number" then
  (if $l <= 8 then $l elif $l >= 60 then 2 elif $l >= 50 then 3 elif $l >= 40 then 4 elif $l >= 30 then 6 elif $l >= 20 then 7 else 8 end)
  else null end;`;

const CASES = readFileSync(fixture('jq-differential.txt'), 'utf8').split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => {
    const [corpus, expr, jq] = l.split('\t');
    return { corpus: corpus!, expr: expr!, jq: jq! };
  });

function jq(select: string, file: string): string {
  // -R with fromjson? skips the corpus's noise lines, as chainsaw's filters do.
  return execFileSync('jq', ['-c', '-R', `${JQ_PRELUDE} fromjson? | objects | select(${select})`, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

describe('-q EXPR selects exactly what the equivalent jq select does (issue 3)', () => {
  it('has at least 30 expressions', () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES)('$corpus: $expr', async ({ corpus, expr, jq: select }) => {
    const file = fixture('corpus', `${corpus}.log`);
    const want = jq(select, file);
    const got = await runChainsaw(['-o', 'json', '-q', expr, file]);
    expect(got.stderr).toBe('');
    expect(got.stdout).toBe(want);
    expect(got.code).toBe(want === '' ? 1 : 0);
    // The fast paths (byte prefilters) change no output.
    const slow = await runChainsaw(['-o', 'json', '-q', expr, file], { env: { CHAINSAW_NO_FASTPATH: '1' } });
    expect(slow.stdout).toBe(got.stdout);
  });
});
