import type { Plan, RemotePlan } from '../cli/resolve.js';
import { InputError } from '../errors.js';
import { LineSplitter } from '../input/lines.js';
import { version } from '../main.js';
import { entrySink, type RunResult, type Sink } from '../navigate.js';
import { InputReader, matchContext } from '../reader.js';
import { followCommand, hasGlob, listCommand, majorOf, parseListing, remoteChainsawArgs, type FollowPoint } from './command.js';
import { STRIDE, unitLabels } from './source.js';
import { killAll, runSsh, sshReason, type SshChild } from './ssh.js';

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];

/**
 * `-F -H`: every file on every host followed at once, records printed as they arrive (each
 * connection's lines in order; no merge, which would wait on the quietest host). A connection
 * that drops is said and retried with backoff; the new one resumes after the last whole line
 * received when the file is still the same one, else starts at its end and says so.
 */
export async function followHosts(
  plan: Plan, remote: RemotePlan, sink: Sink,
  report: (e: InputError) => void, notice: (m: string) => void, stop: AbortSignal,
): Promise<RunResult> {
  const emit = entrySink(plan, sink);
  const max = plan.maxCount ?? Infinity;
  let matched = 0;
  const ctx = matchContext(plan, { keepAll: false, needTime: false });
  const major = majorOf(version());
  // The filter goes to the host's chainsaw; -n and -m are ours.
  const args = remoteChainsawArgs({ ...plan, tail: undefined, maxCount: undefined }, remote);
  const done = new AbortController();
  const end = () => done.abort();
  stop.addEventListener('abort', end);
  const children = new Set<SshChild>();

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    done.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

  async function followUnit(host: string, path: string, input: number): Promise<void> {
    let attempt = 0;
    // Where a reconnection resumes; undefined on the first connection.
    let from: FollowPoint | undefined;
    while (!done.signal.aborted) {
      const reader = new InputReader({ name: `${host}:${path}` }, input, ctx);
      const lines = new LineSplitter();
      let header: Buffer | undefined = Buffer.alloc(0);
      // The file and offset after the last whole line received (the tail -F way only).
      let point: { inode: string; offset: number } | undefined;
      let got = false;
      const take = (chunk: Buffer) => {
        for (const block of lines.push(chunk)) {
          if (point) point.offset += block.length;
          for (const e of reader.matchBlock(block)) {
            if (!e.matched || matched >= max) continue;
            matched++;
            emit(e);
          }
        }
      };
      const onHeader = (line: string) => {
        const [kind, inode, offset] = line.split(' ');
        if (kind !== 'chainsaw') point = { inode: inode ?? '-', offset: Number(offset) };
        if (kind === 'resumed') notice(`${host}: reconnected, resuming ${path} where it was`);
        if (kind === 'lost' && from) notice(`${host}: reconnected; ${path} cannot be resumed (rotated, truncated, or followed by the host's chainsaw): lines written meanwhile are not shown`);
      };
      const child = runSsh(remote, host, followCommand(path, plan.tail ?? 10, major, args, remote.posixOnly, from), (chunk) => {
        got = true;
        if (header) {
          const all = Buffer.concat([header, chunk]);
          const nl = all.indexOf(0x0a);
          if (nl < 0) {
            header = all;
            return;
          }
          header = undefined;
          onHeader(all.toString('utf8', 0, nl));
          chunk = all.subarray(nl + 1);
        }
        take(chunk);
        void sink.output.flush(true);
        if (matched >= max || sink.output.closed) end();
      });
      children.add(child);
      const abort = () => child.kill();
      done.signal.addEventListener('abort', abort, { once: true });
      const exit = await child.done;
      done.signal.removeEventListener('abort', abort);
      children.delete(child);
      if (done.signal.aborted) return;
      if (exit.spawnError || exit.code === 255 || exit.code === null) {
        if (!from && !got) {
          report(new InputError(`${host}: ${sshReason(exit, remote.ssh[0]!)}`));
          return;
        }
        if (got) attempt = 0;
        if (point || !from) from = point ? { ...point } : { inode: '-', offset: 0 };
        notice(`${host}: connection lost, retrying (${sshReason(exit, remote.ssh[0]!)})`);
        await sleep(BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)]!);
        continue;
      }
      // The remote follower ended by itself: a missing file, a refused option.
      for (const line of exit.stderr) report(new InputError(`${host}: ${line.replace(/^(chainsaw|tail): /, '')}`));
      if (exit.stderr.length === 0) report(new InputError(`${host}: ${path}: following ended (status ${exit.code})`));
      return;
    }
  }

  async function followHost(h: number): Promise<void> {
    const host = remote.hosts[h]!;
    let files: readonly string[] = remote.paths;
    if (remote.paths.some(hasGlob)) {
      const out: Buffer[] = [];
      const listed = await runSsh(remote, host, listCommand(remote.paths), (b) => out.push(b)).done;
      if (listed.spawnError || listed.code !== 0) {
        report(new InputError(`${host}: ${sshReason(listed, remote.ssh[0]!)}`));
        return;
      }
      files = parseListing(Buffer.concat(out)).files;
    }
    const labels = unitLabels(host, files);
    await Promise.all(files.map((path, k) => {
      remote.labels[h * STRIDE + k] = labels[k]!;
      return followUnit(host, path, h * STRIDE + k);
    }));
  }

  const onExit = () => killAll();
  process.on('exit', onExit);
  try {
    await Promise.all(remote.hosts.map((_, h) => followHost(h)));
  } finally {
    stop.removeEventListener('abort', end);
    for (const c of children) c.kill();
    process.removeListener('exit', onExit);
    await sink.output.flush(true);
  }
  return { matched };
}
