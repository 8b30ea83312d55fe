import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, runChainsaw } from '../helpers.js';

const CANONICAL = 'time,level,message,facility,host,txnId';

describe('canonical fields are found in every common shape (issue 2)', () => {
  const shapes = readdirSync(fixture('shapes')).filter((f) => f.endsWith('.log'));
  it('has a fixture for each shape the SPEC names', () => {
    expect(shapes.map((s) => s.replace('.log', '')).sort()).toEqual(
      ['bunyan', 'clef', 'docker', 'ecs', 'gelf', 'journald', 'pino', 'slog', 'structlog', 'winston', 'zap']);
  });

  it.each(shapes)('%s', async (name) => {
    const r = await runChainsaw(['-o', 'tsv', '-k', CANONICAL, fixture('shapes', name)]);
    expect(r.stdout).toBe(readFileSync(fixture('expected', name.replace('.log', '.tsv')), 'utf8'));
    expect(r.code).toBe(0);
  });

  it.each(['rfc3339', 'svlogd-tai64n', 'svlogd-tt'])('line prefix %s gives the time when the object has none', async (name) => {
    const r = await runChainsaw(['-o', 'tsv', '-k', CANONICAL, fixture('prefix', `${name}.log`)]);
    expect(r.stdout).toBe(readFileSync(fixture('expected', `${name}.tsv`), 'utf8'));
  });

  it('a syslog header is a prefix: the record is read, the line kept whole in raw', async () => {
    const r = await runChainsaw(['-l', 'err', '-o', 'raw', fixture('prefix', 'syslog.log')]);
    expect(r.stdout).toBe('Dec 26 09:14:46 ord1 myapp[123]: {"level":"error","msg":"from syslog"}\n');
  });

  it('a GELF record without level has no level: it matches no level filter', async () => {
    const r = await runChainsaw(['-l', 'debug', '-c', fixture('shapes', 'gelf.log')]);
    expect(r.stdout).toBe('3\n');
  });

  it('a docker record wrapping JSON is unwrapped; the outer fields stay reachable', async () => {
    const r = await runChainsaw(['-o', 'tsv', '-k', 'message,docker.stream,docker.time', '-q', 'docker.stream == "stderr"', fixture('shapes', 'docker.log')]);
    expect(r.stdout).toBe('message\tdocker.stream\tdocker.time\ncannot bind\tstderr\t2011-12-26T09:14:46.400000000Z\n');
  });
});
