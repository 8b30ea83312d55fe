// A fleet of simulated hosts for the -H tests and the bench: one real OpenSSH sshd per host on
// 127.0.0.1, each in its own mount namespace where the same path (fleet.logs) holds that host's
// own copy of its log directory. Keys, sshd_config, ssh_config and known_hosts are generated in a
// temporary directory; every sshd is stopped by its pid. Needs root (mount namespaces), sshd,
// ssh, ssh-keygen and unshare; `startFleet` returns { skip: reason } where sshd cannot run.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SSHD = '/usr/sbin/sshd';

/** A port nothing listens on now (taken from the kernel, then freed). */
function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function waitForPort(port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise((res) => {
      const c = net.connect(port, '127.0.0.1');
      c.on('connect', () => { c.destroy(); res(true); });
      c.on('error', () => res(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function whyNot() {
  if (!existsSync(SSHD)) return `${SSHD} not installed (apt-get install openssh-server)`;
  for (const tool of ['ssh', 'ssh-keygen', 'unshare']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} not found`;
  }
  if (process.getuid?.() !== 0) return 'not root: mount namespaces and sshd need it';
  if (spawnSync('unshare', ['-m', 'true']).status !== 0) return 'unshare -m is not allowed here';
  return undefined;
}

/**
 * Starts the hosts. `hosts`: { name: { dir: fixture directory to copy, or bind: directory to
 * mount as it is; chainsaw?: true } }. The fleet's
 * ssh_config also names `badkey` (a key the host refuses), `changed` (a host whose key is not
 * the one known), `down` (nothing listens) and `hang` (accepts, never answers).
 */
export async function startFleet(hosts) {
  const skip = whyNot();
  if (skip) return { skip };
  const dir = mkdtempSync(join(tmpdir(), 'chainsaw-fleet-'));
  const logs = join(dir, 'log');
  mkdirSync(logs);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const keygen = (name) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, name)]);
  keygen('host_key');
  keygen('other_host_key');
  keygen('id');
  keygen('id_bad');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'id.pub')));
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  const otherPub = readFileSync(join(dir, 'other_host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');

  // chainsaw on the PATH of the hosts that have it: a wrapper in a directory mounted over
  // /usr/local/bin there. CHAINSAW_FAKE_VERSION (passed with SendEnv) makes it claim another version.
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'chainsaw'), `#!/bin/sh
if [ -n "$CHAINSAW_FAKE_VERSION" ] && [ "$1" = --version ]; then echo "chainsaw $CHAINSAW_FAKE_VERSION"; exit 0; fi
exec ${process.execPath} ${join(ROOT, 'bin', 'chainsaw')} "$@"
`);
  chmodSync(join(bin, 'chainsaw'), 0o755);

  const home = join(dir, 'home');
  mkdirSync(home);
  const children = [];
  const ports = {};
  const stop = () => {
    for (const c of children) {
      try { process.kill(c.pid, 'SIGTERM'); } catch { /* already gone */ }
    }
    hangServer?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  let hangServer;
  try {
    for (const [name, h] of Object.entries(hosts)) {
      const port = await freePort();
      ports[name] = port;
      // A copy each (tests add files), or `bind`: the directory itself, read-only use (the bench's big corpus).
      const own = h.bind ?? join(dir, 'hosts', name);
      mkdirSync(own, { recursive: true });
      if (h.dir) cpSync(h.dir, own, { recursive: true });
      const cfg = join(dir, `sshd_${name}`);
      writeFileSync(cfg, [
        `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`, `PidFile ${join(dir, `${name}.pid`)}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'UsePAM no', 'StrictModes no', 'PermitRootLogin yes',
        'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'PubkeyAuthentication yes',
        'AcceptEnv CHAINSAW_FAKE_VERSION', 'LogLevel ERROR', 'MaxSessions 100', 'MaxStartups 100:30:200', '',
      ].join('\n'));
      // An empty home: the machine's own ~/.bashrc (pyenv, conda…) must not run for every session.
      const mounts = [`mount --bind '${own}' '${logs}'`, `mount --bind '${home}' "$HOME"`];
      if (h.chainsaw) mounts.push(`mount --bind '${bin}' /usr/local/bin`);
      const child = spawn('unshare', ['-m', 'sh', '-c', `${mounts.join(' && ')} && exec ${SSHD} -D -e -f '${cfg}'`], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (b) => (err += b));
      children.push(child);
      if (!(await waitForPort(port, 5000))) throw new Error(`sshd for ${name} did not start: ${err.trim()}`);
    }
    // Accepts the connection and never says a word.
    hangServer = net.createServer(() => undefined);
    await new Promise((r) => hangServer.listen(0, '127.0.0.1', r));
    const hangPort = hangServer.address().port;
    const downPort = await freePort();
    const first = Object.keys(hosts)[0];
    const common = ['  HostName 127.0.0.1', '  User root', `  UserKnownHostsFile ${join(dir, 'known_hosts')}`, '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes', '  IdentitiesOnly yes', '  LogLevel INFO', '  ControlMaster no', '  SendEnv CHAINSAW_FAKE_VERSION',
      // The cheapest key exchange: the tests open many connections on a shared machine.
      '  KexAlgorithms curve25519-sha256'];
    const block = (name, port, alias, key = 'id') => [`Host ${name}`, `  Port ${port}`, `  HostKeyAlias ${alias}`, `  IdentityFile ${join(dir, key)}`, ...common];
    const config = [
      ...Object.keys(hosts).flatMap((n) => block(n, ports[n], n)),
      ...block('badkey', ports[first], first, 'id_bad'),
      ...block('changed', ports[first], 'changed'),
      ...block('down', downPort, 'down'),
      ...block('hang', hangPort, 'hang'),
      '',
    ];
    writeFileSync(join(dir, 'ssh_config'), config.join('\n'));
    writeFileSync(join(dir, 'known_hosts'), [...Object.keys(hosts), 'down', 'hang'].map((n) => `${n} ${hostPub}`).concat(`changed ${otherPub}`).join('\n') + '\n');
  } catch (e) {
    stop();
    return { skip: `sshd could not start: ${e.message}` };
  }
  return {
    dir,
    /** The path that holds each host's own logs. */
    logs,
    /** A host's log directory as seen from here (to add files during a test). */
    hostDir: (name) => join(dir, 'hosts', name),
    ssh: `ssh -F ${join(dir, 'ssh_config')}`,
    pids: children.map((c) => c.pid),
    stop,
  };
}
