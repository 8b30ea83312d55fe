import { describe, expect, it } from 'vitest';
import { parseLine } from '../../src/record/parse.js';
import { BUILTIN_ALIASES, withAliases } from '../../src/record/shapes.js';

const rec = (line: string, aliases = BUILTIN_ALIASES) => {
  const r = parseLine(Buffer.from(line), 0, Buffer.byteLength(line), aliases);
  if (!r) throw new Error(`not a record: ${line}`);
  return r;
};

describe('parseLine', () => {
  it.each(['', '   ', '[1,2]', '"x"', '42', 'null', '{"a":', '{"a":1} trailing', 'text {"a":1}', '{bad}'])('%j is not a record', (line) => {
    expect(parseLine(Buffer.from(line), 0, Buffer.byteLength(line), BUILTIN_ALIASES)).toBeUndefined();
  });
  it('accepts trailing blanks and a CR', () => {
    expect(rec('{"a":1}  \r').obj).toEqual({ a: 1 });
  });
});

describe('field resolution', () => {
  const r = rec('{"level":"x","_accountId":"ac1","accountId2":"plain","headers":{"user-agent":"curl","a.b":1},"log.level":"warn","__proto__":{"p":1},"arr":[10,20]}');
  it.each([
    [['accountId'], 'ac1'],
    [['accountId2'], 'plain'],
    [['headers', 'user-agent'], 'curl'],
    [['headers', 'a.b'], 1],
    [['log.level'], 'warn'],
    [['log', 'level'], 'warn'],
    [['arr', '1'], 20],
    [['constructor'], undefined],
    [['toString'], undefined],
    [['hasOwnProperty'], undefined],
    [['__proto__', 'p'], 1],
    [['headers', 'constructor'], undefined],
    [['nope'], undefined],
  ])('%j → %j', (path, want) => {
    expect(r.field(path)).toEqual(want);
  });

  it('canonical names shadow raw keys; level comes from log.level when level is not a level', () => {
    expect(r.field(['level'])).toBe(4);
  });

  it('configured aliases take part in resolution', () => {
    const line = '{"requestId":"r-1","msg":"m"}';
    expect(rec(line).field(['txnId'])).toBeUndefined();
    expect(rec(line, withAliases({ txnId: ['requestId'] })).field(['txnId'])).toBe('r-1');
  });

  it('CLEF without @l is info; GELF without level has none', () => {
    expect(rec('{"@t":"2011-12-26T09:14:46Z","@mt":"x"}').level).toBe(6);
    expect(rec('{"version":"1.1","short_message":"x","host":"h"}').level).toBeUndefined();
  });

  it('docker json-file: the inner object is the record, the outer time and stream are docker.*', () => {
    const d = rec('{"log":"{\\"msg\\":\\"inner\\",\\"level\\":\\"warn\\"}\\n","stream":"stderr","time":"2011-12-26T09:14:46.5Z"}');
    expect(d.obj).toEqual({ msg: 'inner', level: 'warn' });
    expect(d.field(['docker', 'stream'])).toBe('stderr');
    expect(d.time).toBe(Date.UTC(2011, 11, 26, 9, 14, 46, 500));
    expect(d.level).toBe(4);
  });

  it('a docker line whose log is text keeps the outer record, without the trailing newline in the message', () => {
    const d = rec('{"log":"plain\\n","stream":"stdout","time":"2011-12-26T09:14:46Z"}');
    expect(d.message).toBe('plain');
  });

  it('remembers which key a canonical field came from', () => {
    const g = rec('{"short_message":"m","_txnId":"t","host":{"name":"h"}}');
    expect([g.sourceOf('message'), g.sourceOf('txnId'), g.sourceOf('host'), g.sourceOf('time')]).toEqual(['short_message', '_txnId', 'host.name', null]);
  });
});
