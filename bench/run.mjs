#!/usr/bin/env node
// npm run bench [-- --lines N --runs R --only NAME[,NAME] --big --out FILE]
// Runs each scenario as whole processes side by side with its peers (alternating, R runs,
// median), prints a markdown table of median wall, MB/s, peak RSS, ratios, each row's target
// and whether it is met, and writes it as JSON. Where -j can change the work (a big file of
// which most lines are parsed) a row has a -j 1 and a default -j side; where it cannot, its
// `what` says why. Inputs (bench/.cache): the corpus, the bunyan corpus, 2 GB of the corpus
// 6 times (txn-raw-2gb; rss-2gb with --big), 100 MB of 2-byte lines, 20 split inputs, and
// 1,000 small files for idle-follow.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync, createWriteStream, createReadStream } from 'node:fs';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({ options: {
  lines: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' }, only: { type: 'string' },
  big: { type: 'boolean', default: false }, out: { type: 'string', default: join(ROOT, 'bench', 'results', 'latest.json') },
  gen: { type: 'string', default: process.env.CHAINSAW_CORPUS_GEN ?? join(ROOT, 'bench', 'gen-corpus.mjs') },
} });
const LINES = Number(opt.lines);
const RUNS = Number(opt.runs);
const CACHE = join(ROOT, 'bench', '.cache');
// CHAINSAW_BENCH_BIN: another build of chainsaw, to compare before and after a change.
const CHAINSAW = process.env.CHAINSAW_BENCH_BIN ?? join(ROOT, 'bin', 'chainsaw');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
mkdirSync(CACHE, { recursive: true });

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Generates (once, cached) a corpus with bench/gen-corpus.mjs. */
function corpus(format, lines = LINES) {
  const path = join(CACHE, `${format}-${lines}.log`);
  if (!existsSync(path)) {
    if (!existsSync(opt.gen)) throw new Error(`corpus generator not found at ${opt.gen} (set --gen or CHAINSAW_CORPUS_GEN)`);
    process.stderr.write(`generating ${path} …\n`);
    const fd = openSync(path, 'w');
    execFileSync(process.execPath, [opt.gen, '--lines', String(lines), '--format', format], { stdio: ['ignore', fd, 'inherit'] });
    closeSync(fd);
  }
  return path;
}

function pickTxn(format, k) {
  return execFileSync(process.execPath, [opt.gen, '--lines', String(LINES), '--format', format, '--pick-txn', String(k)], { encoding: 'utf8' }).trim();
}

/** 20 inputs of LINES/20 lines each, dealt round-robin so that their times interleave. */
async function splitRoundRobin(path, parts) {
  const dir = join(CACHE, `split-${parts}-${LINES}`);
  const files = Array.from({ length: parts }, (_, i) => join(dir, `part${String(i).padStart(2, '0')}.log`));
  if (existsSync(files.at(-1))) return files;
  mkdirSync(dir, { recursive: true });
  const outs = files.map((f) => createWriteStream(f));
  let carry = '';
  let i = 0;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const lines = (carry + chunk).split('\n');
    carry = lines.pop();
    const bins = outs.map(() => []);
    for (const l of lines) bins[i++ % parts].push(l);
    for (let k = 0; k < parts; k++) if (bins[k].length && !outs[k].write(`${bins[k].join('\n')}\n`)) await once(outs[k], 'drain');
  }
  await Promise.all(outs.map((o) => new Promise((r) => o.end(r))));
  return files;
}

/**
 * One whole-process run of a side: wall seconds, and the peak RSS (kB) of its program.
 * GNU time's %M is the ru_maxrss that wait4 returns for the process it waited for, which on
 * Linux is the larger of that process's own peak and the peaks of the descendants it reaped:
 * for `time sh -c 'a | cat'` it is the peak of the biggest of sh, a and cat (checked:
 * `sh -c 'node -e "Buffer.alloc(300e6).fill(1)" | cat'` reports 333 MB). So a side whose
 * program runs inside a shell line (side.shell, e.g. into `| cat`) has time wrap only that
 * program, inside the line: the RSS and the exit status are the program's own, the wall is
 * the whole line's. Output goes to /dev/null unless the shell line sends it elsewhere.
 */
function runOnce(side) {
  const timed = TIME ? [TIME, '-f', '%e %M', ...side.argv] : side.argv;
  const cmd = side.shell ? sh(side.shell(timed.map(q).join(' '))) : timed;
  const devnull = openSync('/dev/null', 'w');
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', devnull, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, NO_COLOR: '1', ...side.env } });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  closeSync(devnull);
  // Inside a shell line the line's status is the last command's (cat): the program's is in time's report.
  const inner = side.shell && TIME ? /Command (?:exited with non-zero status (\d+)|terminated by signal (\d+))/.exec(r.stderr) : null;
  const status = inner ? (inner[1] ? Number(inner[1]) : 128 + Number(inner[2])) : r.status;
  if (status !== 0 && status !== 1) throw new Error(`${cmd.join(' ').slice(0, 300)} failed (${status}): ${r.stderr.slice(-500)}`);
  const m = TIME ? /(\d+(?:\.\d+)?) (\d+)\s*$/.exec(r.stderr) : null;
  return { wall, rssKb: m ? Number(m[2]) : null };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** A side whose run takes longer than this is not run again (its one run stands): the bench stays in minutes. */
const LONG_S = 60;

/** Runs the sides alternately `runs` times; medians. */
function measure(sides, runs = RUNS) {
  const results = sides.map(() => ({ walls: [], rss: [] }));
  for (let r = 0; r < runs; r++) {
    sides.forEach((side, k) => {
      if (side.skip || (r > 0 && results[k].walls[0] > LONG_S)) return;
      const one = runOnce(side);
      results[k].walls.push(one.wall);
      if (one.rssKb !== null) results[k].rss.push(one.rssKb);
    });
  }
  return sides.map((side, k) => side.skip ? { ...side, skipped: side.skip }
    : { ...side, wall: median(results[k].walls), walls: results[k].walls, peakRssMb: results[k].rss.length ? Math.max(...results[k].rss) / 1024 : null });
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** user+sys clock ticks of a live process and of all its live descendants (threads are counted in their process). */
function cpuTicks(pid) {
  const stat = (p) => {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8');
      return f.slice(f.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    } catch {
      return null;
    }
  };
  const children = new Map();
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    const f = stat(p);
    if (f) children.set(f[1], [...(children.get(f[1]) ?? []), p]);
  }
  let ticks = 0;
  for (const todo = [String(pid)]; todo.length;) {
    const p = todo.pop();
    const f = stat(p);
    if (f) ticks += Number(f[11]) + Number(f[12]); // utime, stime: fields 14 and 15
    todo.push(...(children.get(p) ?? []));
  }
  return ticks;
}

/**
 * An idle follower: starts side.argv (stdout into a pipe that this process drains), lets it
 * settle (IDLE_SETTLE_MS, then until its output has been quiet for half a second), then takes
 * its CPU over IDLE_MS from /proc/PID/stat as a percentage of one core, and its peak RSS
 * (VmHWM). Then it appends one line to one of the followed files and times until output comes
 * out (a follower that stopped following would look idle too). It is killed by its pid.
 */
const IDLE_SETTLE_MS = 2000;
const IDLE_MS = 10000;
async function measureIdle(side, appendTo, line) {
  const child = spawn(side.argv[0], side.argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...side.env } });
  let bytes = 0;
  let lastOut = Date.now();
  let stderr = '';
  let exited = null;
  child.stdout.on('data', (b) => { bytes += b.length; lastOut = Date.now(); });
  child.stderr.on('data', (b) => { stderr = (stderr + b).slice(-500); });
  child.on('error', (e) => { exited = { code: e.message }; });
  const gone = new Promise((r) => child.on('exit', (code, signal) => { exited = { code, signal }; r(); }));
  const alive = () => { if (exited) throw new Error(`${side.label} ended (${exited.code ?? exited.signal}): ${stderr}`); };
  try {
    await sleep(IDLE_SETTLE_MS);
    for (const end = Date.now() + 10000; Date.now() - lastOut < 500 && Date.now() < end;) await sleep(100);
    alive();
    const t0 = cpuTicks(child.pid);
    const w0 = process.hrtime.bigint();
    await sleep(IDLE_MS);
    const t1 = cpuTicks(child.pid);
    const seconds = Number(process.hrtime.bigint() - w0) / 1e9;
    alive();
    const hwm = /VmHWM:\s*(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    const before = bytes;
    const a = process.hrtime.bigint();
    appendFileSync(appendTo, line);
    while (bytes === before && Number(process.hrtime.bigint() - a) < 5e9) await sleep(10);
    return { ...side, cpuPct: (100 * (t1 - t0)) / CLK_TCK / seconds, idleS: seconds, peakRssMb: hwm ? Number(hwm[1]) / 1024 : null,
      newLineS: bytes > before ? Number(process.hrtime.bigint() - a) / 1e9 : null };
  } finally {
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 3000);
      await gone;
      clearTimeout(timer);
    }
  }
}

/** FILES small GELF files of 20 lines each (the corpus's first lines), written afresh for each run. */
function followFiles(gelf, files = 1000) {
  const dir = join(CACHE, `follow-${files}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const fd = openSync(gelf, 'r');
  const buf = Buffer.alloc(16 << 20);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  const lines = buf.subarray(0, n).toString('utf8').split('\n').slice(0, files * 20);
  if (lines.length < files * 20) throw new Error(`idle-follow: ${gelf} has fewer than ${files * 20} lines`);
  const paths = [];
  for (let i = 0; i < files; i++) {
    const path = join(dir, `f${String(i).padStart(4, '0')}.log`);
    writeFileSync(path, `${lines.slice(i * 20, i * 20 + 20).join('\n')}\n`);
    paths.push(path);
  }
  return { paths, line: `${lines[0]}\n` };
}

/** The time of the line 90% into a GELF file (its `timestamp`, in ms). */
function sinceNinetyPercent(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(64 * 1024);
  readSync(fd, buf, 0, buf.length, Math.floor(statSync(path).size * 0.9));
  closeSync(fd);
  const text = buf.toString('utf8');
  const line = text.slice(text.indexOf('\n') + 1).split('\n')[0];
  return Math.ceil(JSON.parse(line).timestamp * 1000);
}

/**
 * Three sshd hosts (test/remote/fleet.mjs) that each hold the corpus, all with chainsaw on their
 * PATH; `count(side)` runs a side once through a CHAINSAW_SSH wrapper that tees what ssh
 * receives into a file, and gives the bytes that crossed against the bytes of the matching lines.
 */
async function hostsFleet(sides, gelf) {
  const { startFleet } = await import('../test/remote/fleet.mjs');
  const bind = dirname(gelf);
  const fleet = await startFleet({ api1: { bind, chainsaw: true }, api2: { bind, chainsaw: true }, api3: { bind, chainsaw: true } });
  if (fleet.skip) throw new Error(`hosts: ${fleet.skip}`);
  const hostLog = join(fleet.logs, gelf.slice(bind.length + 1));
  const env = { CHAINSAW_SSH: fleet.ssh };
  const wrapped = sides.map((x) => ({ ...x, env: { ...env, ...x.env }, argv: x.argv.map((a) => (a === 'HOSTLOG' ? hostLog : a)) }));
  const wrapper = join(fleet.dir, 'counting-ssh');
  const tee = join(fleet.dir, 'crossed');
  writeFileSync(wrapper, `#!/bin/sh\n${fleet.ssh} "$@" | tee -a ${q(tee)}\n`);
  execFileSync('chmod', ['+x', wrapper]);
  const local = spawnSync(wrapped[1].argv[0], wrapped[1].argv.slice(1), { maxBuffer: 1 << 30 });
  return {
    sides: wrapped,
    fleet: {
      stop: () => fleet.stop(),
      count: (side) => {
        writeFileSync(tee, '');
        spawnSync(side.argv[0], side.argv.slice(1), { stdio: 'ignore', env: { ...process.env, ...side.env, CHAINSAW_SSH: wrapper } });
        return { crossedBytes: statSync(tee).size, matchingBytes: local.stdout.length };
      },
    },
  };
}

const sh = (s) => ['sh', '-c', s];
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Into a pipe: GNU grep stops at the first match when its output is /dev/null; both sides of a comparison with grep write into `| cat`. */
const intoCat = (cmd) => `${cmd} | cat`;

/**
 * The targets of a row, each judged on the measured sides by their labels: value (null when a
 * side was skipped), op and bound; one without a bound is shown, not judged.
 */
const div = (a, b) => (a && b ? a / b : null);
/** peer ÷ side of the median walls: "N× faster than peer". */
const faster = (peer, side, bound) => ({ name: `${peer} ÷ ${side}`, unit: '×', op: '>=', bound, value: (s) => div(s[peer]?.wall, s[side]?.wall) });
/** side ÷ ref of the median walls: "at most N× ref". */
const within = (side, ref, bound) => ({ name: `${side} ÷ ${ref}`, unit: '×', op: '<=', bound, value: (s) => div(s[side]?.wall, s[ref]?.wall) });
const mbps = (side, bound) => ({ name: `${side} MB/s`, unit: ' MB/s', op: '>=', bound, value: (s) => s[side]?.mbPerS ?? null });
const rss = (side, bound) => ({ name: `${side} peak RSS`, unit: ' MB', op: '<=', bound, value: (s) => s[side]?.peakRssMb ?? null });
const cpu = (side, bound) => ({ name: `${side} CPU`, unit: '% of a core', op: '<', bound, value: (s) => s[side]?.cpuPct ?? null });
/** How long a line appended after the idle window took to come out (not within 5 s: Infinity): a follower that stopped following looks idle too. */
const woke = (side, bound) => ({ name: `${side} line appended after it, out in`, unit: ' s', op: '<=', bound, value: (s) => (s[side] && !s[side].skipped ? s[side].newLineS ?? Infinity : null) });

function judge(checks, bySide) {
  const results = checks.map((k) => {
    const value = k.value(bySide);
    const met = value === null || k.bound === undefined ? null : k.op === '>=' ? value >= k.bound : k.op === '<' ? value < k.bound : value <= k.bound;
    return { name: k.name, value, unit: k.unit, op: k.op, bound: k.bound, met };
  });
  const judged = results.filter((r) => r.met !== null);
  return { checks: results, met: judged.length ? judged.every((r) => r.met) : null };
}

async function main() {
  const gelf = corpus('gelf');
  const sizeMb = statSync(gelf).size / 1e6;
  const txn = pickTxn('gelf', Math.floor(LINES * 0.9));
  const hasJq = have('jq');
  const bunyanBin = join(ROOT, 'node_modules', '.bin', 'bunyan');
  const hasBunyan = existsSync(bunyanBin);
  const noJq = hasJq ? undefined : 'jq not found';
  const noBunyan = hasBunyan ? undefined : 'bunyan not installed (npm ci)';
  // What default -j (auto) is on this machine: the cores, at most 8 (src/parallel.ts).
  const threads = Math.min(8, availableParallelism());
  const scenarios = [
    // -t with -o raw never uses workers (a needle prefilter, bytes copied through), so both sides read with one thread; both are shown as the issue asks.
    { name: 'txn-raw', what: 'chainsaw -t TXN -o raw, into a pipe (one thread whatever -j: a needle prefilter)', target: '<= 2x grep -F at -j 1', input: gelf,
      sides: [{ label: '-j 1', argv: [CHAINSAW, '-j', '1', '-t', txn, '-o', 'raw', gelf], shell: intoCat },
        { label: 'default -j', argv: [CHAINSAW, '-t', txn, '-o', 'raw', gelf], shell: intoCat },
        { label: 'grep -F', argv: ['grep', '-F', txn, gelf], shell: intoCat }],
      checks: [within('-j 1', 'grep -F', 2), within('default -j', 'grep -F')] },
    // The issue's row: 2 GB (the corpus 6 times; the txn is then in it 6 times).
    { name: 'txn-raw-2gb', what: 'the same on 2 GB (the corpus 6 times), into a pipe', target: '<= 2x grep -F at -j 1', input: 'BIG',
      sides: [{ label: '-j 1', argv: [CHAINSAW, '-j', '1', '-t', txn, '-o', 'raw', 'BIG'], shell: intoCat },
        { label: 'default -j', argv: [CHAINSAW, '-t', txn, '-o', 'raw', 'BIG'], shell: intoCat },
        { label: 'grep -F', argv: ['grep', '-F', txn, 'BIG'], shell: intoCat }],
      checks: [within('-j 1', 'grep -F', 2), within('default -j', 'grep -F')] },
    { name: 'ua-count', what: 'chainsaw -q \'headers.user-agent contains "curl"\' -c', target: '>= 5x faster than jq', input: gelf,
      sides: [{ label: 'chainsaw', argv: [CHAINSAW, '-q', 'headers.user-agent contains "curl"', '-c', gelf] },
        { label: 'jq', argv: ['jq', '-c', 'select((._headers["user-agent"] // "") | contains("curl"))', gelf], skip: noJq }],
      checks: [faster('jq', 'chainsaw', 5)] },
    { name: 'level-json', what: 'chainsaw -l warn -o json', target: '>= 10x faster than jq at -j 1', input: gelf,
      sides: [{ label: '-j 1', argv: [CHAINSAW, '-j', '1', '-l', 'warn', '-o', 'json', gelf] },
        { label: 'default -j', argv: [CHAINSAW, '-l', 'warn', '-o', 'json', gelf] },
        { label: 'jq', argv: ['jq', '-c', 'select(.level<=4)', gelf], skip: noJq }],
      checks: [faster('jq', '-j 1', 10), faster('jq', 'default -j')] },
    { name: 'since-json', what: 'chainsaw --since T -o json (the last tenth of the corpus)', target: '(no target: for reference)', input: gelf,
      sides: [{ label: 'chainsaw', argv: [CHAINSAW, '--since', 'SINCE', '-o', 'json', gelf] },
        { label: 'jq', argv: ['jq', '-c', 'select(.timestamp >= SINCE_EPOCH)', gelf], skip: noJq }],
      checks: [faster('jq', 'chainsaw')] },
    { name: 'human-color', what: 'chainsaw --color always (bunyan corpus)', target: '>= 1.6x faster than bunyan --color at -j 1, >= 3x at default -j', input: 'bunyan',
      sides: [{ label: '-j 1', argv: [CHAINSAW, '-j', '1', '--color', 'always', 'BUNYAN'] },
        { label: 'default -j', argv: [CHAINSAW, '--color', 'always', 'BUNYAN'] },
        { label: 'bunyan --color', argv: [bunyanBin, '--color', 'BUNYAN'], skip: noBunyan }],
      checks: [faster('bunyan --color', '-j 1', 1.6), faster('bunyan --color', 'default -j', 3)] },
    { name: 'graylog-txn', what: "chainsaw -g 'txnId:TXN' -o raw (a Graylog query)", target: '<= 1.1x its -t twin', input: gelf,
      sides: [{ label: "-g 'txnId:TXN'", argv: [CHAINSAW, '-g', `txnId:${txn}`, '-o', 'raw', gelf] }, { label: '-t TXN', argv: [CHAINSAW, '-t', txn, '-o', 'raw', gelf] }],
      checks: [within("-g 'txnId:TXN'", '-t TXN', 1.1)] },
    { name: 'graylog-level', what: "chainsaw -g 'level:<=3' -o json (a Graylog query)", target: '<= 1.1x its -l twin', input: gelf,
      sides: [{ label: "-g 'level:<=3'", argv: [CHAINSAW, '-g', 'level:<=3', '-o', 'json', gelf] }, { label: '-l err', argv: [CHAINSAW, '-l', 'err', '-o', 'json', gelf] }],
      checks: [within("-g 'level:<=3'", '-l err', 1.1)] },
    // A table's column widths need one pass: it is laid out by one thread whatever -j, so human output is measured at -j 1 too.
    { name: 'table', what: 'chainsaw -o table, every record laid out in columns (one thread whatever -j), against human output, both -j 1', target: '<= 1.5x human output', input: gelf,
      sides: [{ label: '-o table -j 1', argv: [CHAINSAW, '-j', '1', '-o', 'table', gelf] }, { label: 'human -j 1', argv: [CHAINSAW, '-j', '1', gelf] }],
      checks: [within('-o table -j 1', 'human -j 1', 1.5)] },
    { name: 'many-needles', what: "chainsaw -c with 4,000 ORed 'txnId contains' (one is in the corpus; one thread whatever -j: a needle prefilter)", target: '<= 3x one needle', input: gelf,
      sides: [{ label: '4,000 contains', argv: [CHAINSAW, '-c', '-q', 'MANY', gelf] }, { label: 'one contains', argv: [CHAINSAW, '-c', '-q', `txnId contains "${txn}"`, gelf] },
        { label: 'grep -F -f (4,000)', argv: ['grep', '-c', '-F', '-f', 'MANYFILE', gelf], shell: intoCat }],
      checks: [within('4,000 contains', 'one contains', 3), within('4,000 contains', 'grep -F -f (4,000)')] },
    { name: 'tiny-lines', what: 'chainsaw on 2-byte lines (yes | head -c 100M): human output (the default), -c -l warn, -o raw; human at -j 1 and default -j (-l is a byte test and raw copies bytes: one thread whatever -j)', target: '>= 50 MB/s, human and with a filter', input: 'TINY',
      sides: [{ label: 'human, -j 1', argv: [CHAINSAW, '-j', '1', 'TINY'] }, { label: 'human, default -j', argv: [CHAINSAW, 'TINY'] },
        { label: '-c -l warn', argv: [CHAINSAW, '-c', '-l', 'warn', 'TINY'] }, { label: '-o raw', argv: [CHAINSAW, '-o', 'raw', 'TINY'] },
        { label: 'grep -c y', argv: ['grep', '-c', 'y', 'TINY'], shell: intoCat }],
      checks: [mbps('human, -j 1', 50), mbps('human, default -j', 50), mbps('-c -l warn', 50), mbps('-o raw')] },
    { name: 'idle-follow', what: 'chainsaw -F on 1,000 small GELF files, idle: CPU (user+sys, /proc/PID/stat) over 10 s after a 2 s settle (follow: one thread whatever -j)', target: '< 2% of a core', input: null, idle: true,
      sides: [{ label: 'chainsaw -F', argv: [CHAINSAW, '-F', 'FOLLOW'] }, { label: 'tail -F', argv: ['tail', '-q', '-F', 'FOLLOW'] }],
      checks: [cpu('chainsaw -F', 2), cpu('tail -F'), woke('chainsaw -F', 2)] },
    { name: 'tail', what: 'chainsaw -n 20 -l err', target: '<= 5% of a full scan', input: gelf,
      sides: [{ label: 'chainsaw -n 20', argv: [CHAINSAW, '-n', '20', '-l', 'err', gelf] }, { label: 'full scan -l err', argv: [CHAINSAW, '-l', 'err', gelf] }],
      checks: [within('chainsaw -n 20', 'full scan -l err', 0.05)] },
    { name: 'version', what: 'chainsaw --version', target: '<= 1.3x node -e 0', input: null,
      sides: [{ label: 'chainsaw', argv: [CHAINSAW, '--version'] }, { label: 'node -e 0', argv: [process.execPath, '-e', '0'] }],
      checks: [within('chainsaw', 'node -e 0', 1.3)], runs: Math.max(RUNS, 9) },
    { name: 'merge-20', what: 'chainsaw -l warn -o raw on 20 inputs of LINES/20', target: '<= 1.5x the same lines from one file', input: gelf,
      sides: [{ label: '20 inputs', argv: [CHAINSAW, '-l', 'warn', '-o', 'raw', 'SPLIT'] }, { label: 'one file', argv: [CHAINSAW, '-l', 'warn', '-o', 'raw', gelf] }],
      checks: [within('20 inputs', 'one file', 1.5)] },
    { name: 'merge-20-json', what: 'chainsaw -o json on 20 inputs (every line parsed)', target: '<= 1.5x the same lines from one file', input: gelf,
      // One thread on both sides: a merge is read by one thread, a big single file would use -j.
      sides: [{ label: '20 inputs', argv: [CHAINSAW, '-o', 'json', 'SPLIT'] }, { label: 'one file, -j 1', argv: [CHAINSAW, '-j', '1', '-o', 'json', gelf] }],
      checks: [within('20 inputs', 'one file, -j 1', 1.5)] },
    // Standard input through a pipe is live (issue 10: written when the input pauses); it must keep the file's throughput.
    { name: 'piped-raw', what: 'cat FILE | chainsaw -o raw', target: '<= 1.1x the same file named', input: gelf,
      sides: [{ label: 'cat FILE | chainsaw -o raw', argv: [CHAINSAW, '-o', 'raw'], shell: (c) => `cat ${q(gelf)} | ${c}` }, { label: 'chainsaw -o raw FILE', argv: [CHAINSAW, '-o', 'raw', gelf] }],
      checks: [within('cat FILE | chainsaw -o raw', 'chainsaw -o raw FILE', 1.1)] },
    { name: 'piped-warn', what: 'cat FILE | chainsaw -l warn -o raw', target: '<= 1.1x the same file named', input: gelf,
      sides: [{ label: 'cat FILE | chainsaw -l warn -o raw', argv: [CHAINSAW, '-l', 'warn', '-o', 'raw'], shell: (c) => `cat ${q(gelf)} | ${c}` },
        { label: 'chainsaw -l warn -o raw FILE', argv: [CHAINSAW, '-l', 'warn', '-o', 'raw', gelf] }],
      checks: [within('cat FILE | chainsaw -l warn -o raw', 'chainsaw -l warn -o raw FILE', 1.1)] },
    { name: 'hosts', what: 'chainsaw -H api1,api2,api3 -t TXN -o raw: three sshd hosts on 127.0.0.1 with LINES lines each', target: '<= 1.5x the same search on the 3 files here; <= 1.1x the matching bytes cross ssh', input: gelf,
      sides: [{ label: '-H, remote chainsaw', argv: [CHAINSAW, '-H', 'api1,api2,api3', '-t', txn, '-o', 'raw', 'HOSTLOG'] },
        { label: 'the 3 files here', argv: [CHAINSAW, '-t', txn, '-o', 'raw', gelf, gelf, gelf] },
        { label: '-H, POSIX tools (grep -F)', argv: [CHAINSAW, '-H', 'api1,api2,api3', '-t', txn, '-o', 'raw', 'HOSTLOG'], env: { CHAINSAW_REMOTE: 'posix' } }],
      checks: [within('-H, remote chainsaw', 'the 3 files here', 1.5),
        { name: 'bytes over ssh ÷ matching bytes', unit: '×', op: '<=', bound: 1.1, value: (s) => div(s['-H, remote chainsaw']?.crossedBytes, s['-H, remote chainsaw']?.matchingBytes) }] },
  ];
  if (opt.big) {
    // One run: 2 GB of human output takes a minute a side.
    scenarios.push({ name: 'rss-2gb', what: `peak RSS on 2 GB: -l warn -o json, human at -j 1 and at default -j (${threads} threads here)`, target: `<= 100 MB with one thread, <= 100 + 50 MB per worker`, input: 'BIG',
      sides: [{ label: '-l warn -o json, -j 1', argv: [CHAINSAW, '-j', '1', '-l', 'warn', '-o', 'json', 'BIG'] }, { label: 'human, -j 1', argv: [CHAINSAW, '-j', '1', 'BIG'] },
        { label: 'human, default -j', argv: [CHAINSAW, 'BIG'] }],
      checks: [rss('-l warn -o json, -j 1', 100), rss('human, -j 1', 100), rss('human, default -j', threads > 1 ? 100 + 50 * threads : 100)], runs: 1 });
  }
  // A time 90% into the corpus: --since then keeps its last tenth.
  const since = sinceNinetyPercent(gelf);
  for (const sc of scenarios) for (const side of sc.sides) side.argv = side.argv.map((a) => a.replace('SINCE_EPOCH', String(since / 1000)).replace(/^SINCE$/, new Date(since).toISOString()));
  // 4,000 transaction ids as one filter (3,999 absent from the corpus, and the chosen one), for -q and for grep -f.
  const ids = [...Array.from({ length: 3999 }, (_, i) => `.rh-Z${i.toString(36)}`), txn];
  const manyFile = join(CACHE, 'many-needles.txt');
  writeFileSync(manyFile, `${ids.join('\n')}\n`);
  const many = ids.map((id) => `txnId contains "${id}"`).join(' or ');
  for (const sc of scenarios) for (const side of sc.sides) side.argv = side.argv.map((a) => (a === 'MANY' ? many : a === 'MANYFILE' ? manyFile : a));
  const names = new Set(scenarios.map((s) => s.name));
  const asked = opt.only ? opt.only.split(',') : [...names];
  const unknown = asked.filter((n) => !names.has(n));
  if (unknown.length) throw new Error(`--only: no scenario ${unknown.join(', ')}${unknown.includes('rss-2gb') ? ' (rss-2gb needs --big)' : ''}; there are ${[...names].join(', ')}`);
  const chosen = scenarios.filter((s) => asked.includes(s.name));
  const rows = [];
  for (const s of chosen) {
    let sides = s.sides;
    const swap = (token, by) => { sides = sides.map((x) => ({ ...x, argv: x.argv.flatMap((a) => (a === token ? by : [a])) })); };
    if (sides.some((x) => x.argv.includes('BUNYAN'))) {
      s.input = corpus('bunyan');
      swap('BUNYAN', [s.input]);
    }
    if (sides.some((x) => x.argv.includes('SPLIT'))) swap('SPLIT', await splitRoundRobin(gelf, 20));
    if (sides.some((x) => x.argv.includes('TINY'))) {
      s.input = join(CACHE, 'tiny-100m.log');
      if (!existsSync(s.input)) execFileSync('sh', ['-c', `yes | head -c 100000000 > ${q(s.input)}`]);
      swap('TINY', [s.input]);
    }
    if (sides.some((x) => x.argv.includes('BIG'))) {
      // 6 copies of the corpus (2 GB at 1M lines): a cat, made once.
      s.input = join(CACHE, `big-${LINES}.log`);
      if (!existsSync(s.input)) {
        process.stderr.write(`generating ${s.input} …\n`);
        execFileSync('sh', ['-c', `for i in 1 2 3 4 5 6; do cat ${q(gelf)}; done > ${q(`${s.input}.tmp`)} && mv ${q(`${s.input}.tmp`)} ${q(s.input)}`]);
      }
      swap('BIG', [s.input]);
    }
    let follow;
    if (sides.some((x) => x.argv.includes('FOLLOW'))) {
      follow = followFiles(gelf);
      swap('FOLLOW', follow.paths);
    }
    let fleet;
    if (sides.some((x) => x.argv.includes('HOSTLOG'))) ({ sides, fleet } = await hostsFleet(sides, gelf));
    process.stderr.write(`${s.name} …\n`);
    // The inputs read once before the first run, so that it finds them in the page cache like the others.
    const inputs = [...new Set(sides.flatMap((x) => x.argv.slice(1)).filter((a) => a.startsWith('/') && existsSync(a) && statSync(a).isFile() && statSync(a).size > 1e6))];
    if (inputs.length) execFileSync('cat', inputs, { stdio: 'ignore' });
    let measured;
    try {
      if (s.idle) {
        measured = [];
        for (const side of sides) measured.push(side.skip ? { ...side, skipped: side.skip } : await measureIdle(side, follow.paths[follow.paths.length >> 1], follow.line));
      } else {
        measured = measure(sides, s.runs);
      }
      if (fleet) Object.assign(measured[0], fleet.count(sides[0]), { posixCrossedBytes: fleet.count(sides[2]).crossedBytes });
    } finally {
      fleet?.stop();
    }
    const mb = s.input ? statSync(s.input).size / 1e6 : null;
    const first = measured[0];
    for (const x of measured) Object.assign(x, { mbPerS: mb && x.wall ? mb / x.wall : null, ratioToFirst: x.wall && first.wall ? x.wall / first.wall : null });
    const bySide = Object.fromEntries(measured.map((x) => [x.label, x]));
    if (Object.keys(bySide).length !== measured.length) throw new Error(`${s.name}: two sides with one label`);
    rows.push({ name: s.name, what: s.what, target: s.target, runs: s.idle ? 1 : s.runs ?? RUNS, ...judge(s.checks, bySide),
      ...(first.crossedBytes !== undefined ? { crossedBytes: first.crossedBytes, matchingBytes: first.matchingBytes, posixCrossedBytes: first.posixCrossedBytes } : {}),
      sides: measured.map((x) => ({ label: x.label, command: [...(x.argv ?? [])].map((a) => (a.length > 60 ? `…${a.slice(-40)}` : a)).slice(0, 12).join(' ') + (x.shell ? ` (${x.shell('…').replace(/'[^']*'/g, 'FILE')})` : ''),
        skipped: x.skipped, medianWallS: x.wall, runsS: x.walls, mbPerS: x.mbPerS, peakRssMb: x.peakRssMb, ratioToFirst: x.ratioToFirst,
        ...(x.cpuPct !== undefined ? { cpuPct: x.cpuPct, idleS: x.idleS, newLineS: x.newLineS } : {}) })) });
  }
  const env = { date: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length, defaultThreads: threads, lines: LINES, corpusMb: sizeMb, runs: RUNS, txn };
  mkdirSync(dirname(opt.out), { recursive: true });
  writeFileSync(opt.out, `${JSON.stringify({ env, rows }, null, 2)}\n`);
  const fmt = (x, d = 2) => (x === null || x === undefined ? '—' : x.toFixed(d));
  const cell = (x) => String(x).replace(/\|/g, '\\|');
  const judged = (k) => `${k.name} = ${k.value === null ? '—' : `${fmt(k.value, k.unit === '×' || k.unit === ' s' ? 2 : 1)}${k.unit}`}${k.bound === undefined ? '' : ` (${k.op} ${k.bound}: ${k.met === null ? '—' : k.met ? 'yes' : 'NO'})`}`;
  const out = ['| scenario | side | median wall s | MB/s | peak RSS MB | × first side | target | measured | met |', '|---|---|---:|---:|---:|---:|---|---|---|'];
  for (const r of rows) {
    r.sides.forEach((x, k) => {
      const wall = x.cpuPct !== undefined ? `${fmt(x.cpuPct, 1)}% CPU` : fmt(x.medianWallS);
      const runs = x.runsS && x.runsS.length < r.runs ? ` (${x.runsS.length} of ${r.runs} runs)` : '';
      out.push(`| ${k === 0 ? r.name : ''} | ${cell(x.label)}${x.skipped ? ` (skipped: ${x.skipped})` : ''} | ${wall}${runs} | ${fmt(x.mbPerS, 0)} | ${fmt(x.peakRssMb, 0)} | ${k === 0 ? '1' : fmt(x.ratioToFirst)} | ${k === 0 ? cell(r.target) : ''} | ${k === 0 ? cell(r.checks.map(judged).join('; ')) : ''} | ${k === 0 ? (r.met === null ? '—' : r.met ? 'yes' : 'NO') : ''} |`);
    });
  }
  for (const r of rows) {
    if (r.crossedBytes !== undefined) out.push('', `${r.name}: ${r.crossedBytes} bytes crossed ssh with remote chainsaw, ${r.posixCrossedBytes} with the POSIX tools, for ${r.matchingBytes} bytes of matching lines (${fmt(r.crossedBytes / r.matchingBytes)}x)`);
    for (const x of r.sides) if (x.cpuPct !== undefined) out.push('', `${r.name}: ${x.label}: ${fmt(x.cpuPct, 2)}% of a core over ${fmt(x.idleS, 1)} s idle; a line appended afterwards came out ${x.newLineS === null ? 'NOT within 5 s' : `after ${fmt(x.newLineS, 2)} s`}`);
  }
  process.stdout.write(`${out.join('\n')}\n\n${LINES} lines (${sizeMb.toFixed(0)} MB), ${RUNS} runs each, alternating (a side slower than ${LONG_S} s runs once), medians; default -j = ${threads} threads; node ${process.version}, ${env.cpus} cores. JSON: ${opt.out}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.message}\n`);
  process.exit(2);
});
