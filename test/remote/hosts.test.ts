import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandHostList, parseHostsFile, resolveHosts } from '../../src/remote/hosts.js';
import { runChainsaw } from '../helpers.js';

describe('host lists (issue 13)', () => {
  it.each([
    ['api1', ['api1']],
    ['api1,db1', ['api1', 'db1']],
    ['api[1-3]', ['api1', 'api2', 'api3']],
    ['web[01-03]', ['web01', 'web02', 'web03']],
    ['web[08-11]', ['web08', 'web09', 'web10', 'web11']],
    ['db[1,3,5-7]', ['db1', 'db3', 'db5', 'db6', 'db7']],
    ['api[1-2],db1', ['api1', 'api2', 'db1']],
    ['root@api[1-2]', ['root@api1', 'root@api2']],
    ['r[1-2]c[1-2]', ['r1c1', 'r1c2', 'r2c1', 'r2c2']],
    ['api1.example.com', ['api1.example.com']],
    ['[::1]', undefined],
  ])('%s', (list, hosts) => {
    if (hosts === undefined) expect(() => expandHostList(list)).toThrow(/bad range/);
    else expect(expandHostList(list)).toEqual(hosts);
  });

  it.each([
    ['-oProxyCommand=touch /tmp/x', /may not begin with '-'/],
    ['api1,-F/tmp/cfg', /may not begin with '-'/],
    ['api 1', /whitespace or control/],
    ['api1, api2', /whitespace or control/],
    ['api\x1b[31m', /whitespace or control.*\\x1b/],
    ['api\t1', /whitespace or control/],
    ['user@-x', /may not begin with '-'/],
    ['api[3-1]', /bad range/],
    ['api[1-', /unbalanced/],
    ['api1]', /unbalanced/],
    ['api1,,db1', /empty host/],
    ['@api1', /bad user@host/],
  ])('refuses %j', (list, error) => {
    expect(() => expandHostList(list)).toThrow(error);
  });

  it('reads a hosts file: one a line, ranges, # comments, blank lines', () => {
    expect(parseHostsFile('# fleet\napi[1-2]  # web tier\n\n  db1\nops@db2\n', 'f')).toEqual(['api1', 'api2', 'db1', 'ops@db2']);
    expect(() => parseHostsFile('api1\n-oProxyCommand=x\n', 'f')).toThrow(/--hosts-file f: a host may not begin/);
  });

  it('names each host once, -H first then the files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'chainsaw-hosts-'));
    writeFileSync(join(dir, 'hosts'), 'db1\napi2\n');
    expect(resolveHosts(['api[1-2]'], [join(dir, 'hosts')])).toEqual(['api1', 'api2', 'db1']);
  });

  it.each([
    [['-H', '-oProxyCommand=touch /tmp/chainsaw-pwned', '/var/log/x'], 'chainsaw: -H needs a value\n'],
    [['--host=-oProxyCommand=touch /tmp/chainsaw-pwned', '/var/log/x'], "chainsaw: -H: a host may not begin with '-': '-oProxyCommand=touch /tmp/chainsaw-pwned'\n"],
    [['-H', 'api1,-oProxyCommand=x', '/var/log/x'], "chainsaw: -H: a host may not begin with '-': '-oProxyCommand=x'\n"],
    [['-H', 'api 1', '/var/log/x'], "chainsaw: -H: a host may not hold whitespace or control characters: 'api 1'\n"],
    [['-H', 'api1'], 'chainsaw: -H: name the PATHs to read on the hosts\n'],
    [['-H', 'api1', '-'], 'chainsaw: -H: standard input (-) cannot be read on a host\n'],
    [['-H', 'api1', '--fanout', '0', 'x'], 'chainsaw: --fanout: expected a whole number >= 1\n'],
    [['--fanout', '2', 'x'], 'chainsaw: --fanout needs -H or --hosts-file\n'],
    [['--hosts-file', '/nonexistent/hosts', 'x'], 'chainsaw: --hosts-file: /nonexistent/hosts: No such file or directory\n'],
  ])('chainsaw %j is a usage error before anything starts', async (args, stderr) => {
    // An ssh that would leave a trace if it ever ran.
    const r = await runChainsaw(args, { env: { CHAINSAW_SSH: 'false' } });
    expect(r.stderr).toBe(stderr);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });
});
