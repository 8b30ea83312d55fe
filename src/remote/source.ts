import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import type { Plan, RemotePlan } from '../cli/resolve.js';
import type { Entry } from '../entry.js';
import { InputError } from '../errors.js';
import { version } from '../main.js';
import { concat, mergeByTime } from '../merge.js';
import { InputReader, type MatchContext } from '../reader.js';
import { chainsawCommand, fallbackCommand, grepNeedles, hasGlob, listCommand, majorOf, parseListing, probingCommand, remoteChainsawArgs } from './command.js';
import type { StatsCollector } from '../stats.js';
import { Spool } from './spool.js';
import { killAll, runSsh, sshReason, type SshExit } from './ssh.js';

/** What the probe says of a host's chainsaw of another major version (command.ts): a failure, status 2. */
const OTHER_VERSION = / there is not version \d+: reading with POSIX tools/;

/** Input numbers: host h's k-th file is h * STRIDE + k, so equal times order by host, then file. */
export const STRIDE = 1 << 16;

/** At most N hosts connected at once (--fanout). */
class Slots {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** One file (or svlogd directory) on one host, being read by its own ssh child. */
interface Unit {
  readonly path: string;
  readonly spool: Spool;
  readonly exit: Promise<SshExit>;
}

export interface RemoteRun {
  /** One stream per host, in host order; each host's files merged by time. */
  readonly streams: AsyncIterable<Entry[]>[];
  /** Ends every ssh child still running and frees the spools. */
  close(): void;
}

/**
 * Labels of one host's files: the host alone, or host:file when it has several, the file named by
 * as many of its last path components as make it unique (`api1:api/current`, `api1:web/current`).
 */
export function unitLabels(host: string, files: readonly string[]): string[] {
  if (files.length === 1) return [host];
  const parts = files.map((f) => f.replace(/\/+$/, '').split('/'));
  const longest = Math.max(...parts.map((p) => p.length));
  for (let n = 1; n <= longest; n++) {
    const names = parts.map((p) => p.slice(-n).join('/'));
    if (new Set(names).size === names.length) return names.map((name) => `${host}:${name}`);
  }
  return files.map((f) => `${host}:${f}`);
}

/** A remote chainsaw's message without its own `chainsaw: ` (ours is added when reported). */
const bare = (line: string): string => line.replace(/^chainsaw: /, '');

/**
 * Starts reading the PATHs on every host: per host one ssh asks whether chainsaw is there and
 * which files the PATHs name, then one ssh per file reads it (filtered by the host's chainsaw,
 * or read with POSIX tools and narrowed by grep -F). What comes back is read by the same
 * InputReader as a local file, with the whole filter; the merge and navigation are the caller's.
 */
export function remoteStreams(
  plan: Plan, remote: RemotePlan, ctx: MatchContext,
  report: (e: InputError) => void, notice: (m: string) => void,
): RemoteRun {
  const slots = new Slots(remote.fanout);
  const ourMajor = majorOf(version());
  const chainsawArgs = remoteChainsawArgs(plan, remote);
  const needles = grepNeedles(plan);
  let closed = false;
  const unreachable = new Set<string>();
  let spoolDir: string | undefined;
  let spools = 0;
  const tempFile = () => {
    spoolDir ??= mkdtempSync(join(tmpdir(), 'chainsaw-ssh-'));
    return join(spoolDir, `spool-${spools++}`);
  };
  const fail = (host: string, reason: string) => {
    if (!closed) report(new InputError(`${host}: ${reason}`));
  };

  /**
   * Lists the host's files and starts one reader per file; the slot is held until all have ended.
   * A host that cannot be listed gives its reason instead, reported when the merge reaches it, so
   * failures come in host order.
   */
  async function openHost(h: number): Promise<Unit[] | string> {
    const host = remote.hosts[h]!;
    await slots.take();
    if (closed) {
      slots.give();
      return [];
    }
    // Paths without globs need no listing: one connection per file probes for chainsaw and reads.
    let files: readonly string[] = remote.paths;
    let command = (path: string) => remote.posixOnly ? fallbackCommand(path, needles) : probingCommand(path, ourMajor, chainsawArgs, needles);
    if (remote.paths.some(hasGlob)) {
      const out: Buffer[] = [];
      const listed = await runSsh(remote, host, listCommand(remote.paths), (b) => out.push(b)).done;
      if (listed.spawnError || listed.code !== 0) {
        slots.give();
        return sshReason(listed, remote.ssh[0]!);
      }
      const listing = parseListing(Buffer.concat(out));
      files = listing.files;
      const theirs = listing.version;
      const useChainsaw = !remote.posixOnly && theirs !== undefined && majorOf(theirs) === ourMajor;
      // Another major version is a failure (status 2), though its files are still read.
      if (theirs !== undefined && !useChainsaw && !remote.posixOnly) {
        fail(host, `chainsaw ${theirs} there is not version ${ourMajor}: reading with POSIX tools, filtering here`);
      }
      command = (path) => (useChainsaw ? chainsawCommand(path, chainsawArgs) : fallbackCommand(path, needles));
    }
    const labels = unitLabels(host, files);
    const units = files.map((path, k): Unit => {
      remote.labels[h * STRIDE + k] = labels[k]!;
      const spool = new Spool(tempFile);
      const exit = runSsh(remote, host, command(path), (b) => spool.write(b)).done;
      void exit.then(() => spool.end());
      return { path, spool, exit };
    });
    void Promise.all(units.map((u) => u.exit)).then(() => slots.give());
    return units;
  }

  /** After a file's lines: what its ssh child said. A failure ends the run with status 2. */
  function reportExit(host: string, exit: SshExit): void {
    if (closed) return;
    if (exit.spawnError || exit.code === 255 || exit.code === null) {
      // A host that cannot be reached is said once, however many of its files were asked for.
      if (!unreachable.has(host)) fail(host, sshReason(exit, remote.ssh[0]!));
      unreachable.add(host);
      return;
    }
    const ok = exit.code === 0 || exit.code === 1;
    for (const line of exit.stderr) {
      if (ok && !OTHER_VERSION.test(line)) notice(`${host}: ${bare(line)}`);
      else fail(host, bare(line));
    }
    if (!ok && exit.stderr.length === 0) fail(host, `remote command failed with status ${exit.code}`);
  }

  async function* unitEntries(host: string, unit: Unit, input: number): AsyncGenerator<Entry[]> {
    const stream = Readable.from(unit.spool);
    const reader = new InputReader({ name: `${host}:${unit.path}`, stdin: stream }, input, ctx);
    try {
      yield* reader.entries({ chunkSize: 128 * 1024 });
    } finally {
      stream.destroy();
    }
    reportExit(host, await unit.exit);
  }

  const opened = remote.hosts.map((_, h) => openHost(h));
  async function* hostEntries(h: number): AsyncGenerator<Entry[]> {
    const units = await opened[h]!;
    const host = remote.hosts[h]!;
    if (typeof units === 'string') {
      fail(host, units);
      return;
    }
    const streams = units.map((u, k) => unitEntries(host, u, h * STRIDE + k));
    if (streams.length === 1) yield* streams[0]!;
    else if (streams.length > 1) yield* plan.merge ? mergeByTime(streams) : concat(streams);
  }

  // An interrupt or a closed pipe must not leave ssh children (and, through them, remote
  // commands) running: they are ended before the process goes.
  const onSignal = (sig: NodeJS.Signals) => {
    killAll();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.kill(process.pid, sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAll);

  return {
    streams: remote.hosts.map((_, h) => hostEntries(h)),
    close() {
      closed = true;
      killAll();
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      process.removeListener('exit', killAll);
      if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
    },
  };
}

/**
 * --stats with -H: counts each record against the host it was read on. Exact when nothing
 * downstream drops matches (-n and -m do: then there is no per-host count).
 */
export async function* countPerHost(stream: AsyncIterable<Entry[]>, remote: RemotePlan, stats: StatsCollector): AsyncGenerator<Entry[]> {
  for await (const batch of stream) {
    for (const e of batch) if (e.matched && e.record) stats.addSshHost(remote.hosts[Math.floor(e.input / STRIDE)]!);
    yield batch;
  }
}
