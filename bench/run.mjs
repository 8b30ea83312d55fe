#!/usr/bin/env node
// npm run bench [-- --lines N --runs R --only NAME --big]
// Runs each scenario as whole processes side by side with its peers (alternating, R runs,
// median), prints a table of median wall, MB/s, peak RSS and ratios, and writes it as JSON.
import { spawnSync, execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync, createWriteStream, createReadStream } from 'node:fs';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

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

/** One whole-process run: wall seconds and peak RSS (kB), output to /dev/null. */
function runOnce(argv, env = {}) {
  const devnull = openSync('/dev/null', 'w');
  const cmd = TIME ? [TIME, '-f', '%e %M', ...argv] : argv;
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', devnull, 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, NO_COLOR: '1', ...env } });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  closeSync(devnull);
  if (r.status !== 0 && r.status !== 1) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  const m = TIME ? /(\d+(?:\.\d+)?) (\d+)\s*$/.exec(r.stderr) : null;
  return { wall, rssKb: m ? Number(m[2]) : null };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** Runs chainsaw and its peers alternately RUNS times; medians. */
function measure(sides, runs = RUNS) {
  const results = sides.map(() => ({ walls: [], rss: [] }));
  for (let r = 0; r < runs; r++) {
    sides.forEach((side, k) => {
      if (side.skip) return;
      const one = runOnce(side.argv, side.env);
      results[k].walls.push(one.wall);
      if (one.rssKb !== null) results[k].rss.push(one.rssKb);
    });
  }
  return sides.map((side, k) => side.skip ? { ...side, skipped: side.skip }
    : { ...side, wall: median(results[k].walls), walls: results[k].walls, peakRssMb: results[k].rss.length ? Math.max(...results[k].rss) / 1024 : null });
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

async function main() {
  const gelf = corpus('gelf');
  const sizeMb = statSync(gelf).size / 1e6;
  const txn = pickTxn('gelf', Math.floor(LINES * 0.9));
  const hasJq = have('jq');
  const bunyanBin = join(ROOT, 'node_modules', '.bin', 'bunyan');
  const hasBunyan = existsSync(bunyanBin);
  const scenarios = [
    { name: 'txn-raw', what: 'chainsaw -t TXN -o raw', target: '<= 2x grep -F', input: gelf,
      sides: [{ label: 'chainsaw', argv: [CHAINSAW, '-t', txn, '-o', 'raw', gelf] }, { label: 'grep -F', argv: ['grep', '-F', txn, gelf] }],
      check: (c, p) => c.wall <= 2 * p[0].wall },
    { name: 'ua-count', what: 'chainsaw -q \'headers.user-agent contains "curl"\' -c', target: '>= 5x faster than jq', input: gelf,
      sides: [{ label: 'chainsaw', argv: [CHAINSAW, '-q', 'headers.user-agent contains "curl"', '-c', gelf] },
        { label: 'jq', argv: ['jq', '-c', 'select((._headers["user-agent"] // "") | contains("curl"))', gelf], skip: hasJq ? undefined : 'jq not found' }],
      check: (c, p) => p[0].skipped || p[0].wall >= 5 * c.wall },
    { name: 'level-json', what: 'chainsaw -l warn -o json', target: '>= 10x faster than jq', input: gelf,
      sides: [{ label: 'chainsaw', argv: [CHAINSAW, '-l', 'warn', '-o', 'json', gelf] },
        { label: 'jq', argv: ['jq', '-c', 'select(.level<=4)', gelf], skip: hasJq ? undefined : 'jq not found' },
        { label: 'chainsaw -j 1', argv: [CHAINSAW, '-j', '1', '-l', 'warn', '-o', 'json', gelf] }],
      check: (c, p) => p[0].skipped || p[0].wall >= 10 * c.wall },
    { name: 'since-json', what: 'chainsaw --since T -o json (the last tenth of the corpus)', target: '(no target: for reference)', input: gelf,
      sides: [{ label: 'chainsaw', argv: [CHAINSAW, '--since', 'SINCE', '-o', 'json', gelf] },
        { label: 'jq', argv: ['jq', '-c', 'select(.timestamp >= SINCE_EPOCH)', gelf], skip: hasJq ? undefined : 'jq not found' }],
      check: () => null },
    { name: 'human-color', what: 'chainsaw --color always (bunyan corpus)', target: '>= 3x faster than bunyan --color', input: 'bunyan',
      sides: [{ label: 'chainsaw', argv: [CHAINSAW, '--color', 'always', 'BUNYAN'] },
        { label: 'bunyan --color', argv: [bunyanBin, '--color', 'BUNYAN'], skip: hasBunyan ? undefined : 'bunyan not installed (npm ci)' },
        { label: 'chainsaw -j 1', argv: [CHAINSAW, '-j', '1', '--color', 'always', 'BUNYAN'] }],
      check: (c, p) => p[0].skipped || p[0].wall >= 3 * c.wall },
    { name: 'graylog-txn', what: "chainsaw -g 'txnId:TXN' -o raw (a Graylog query)", target: '<= 1.1x its -t twin', input: gelf,
      sides: [{ label: "-g 'txnId:TXN'", argv: [CHAINSAW, '-g', `txnId:${txn}`, '-o', 'raw', gelf] }, { label: '-t TXN', argv: [CHAINSAW, '-t', txn, '-o', 'raw', gelf] }],
      check: (c, p) => c.wall <= 1.1 * p[0].wall },
    { name: 'graylog-level', what: "chainsaw -g 'level:<=3' -o json (a Graylog query)", target: '<= 1.1x its -l twin', input: gelf,
      sides: [{ label: "-g 'level:<=3'", argv: [CHAINSAW, '-g', 'level:<=3', '-o', 'json', gelf] }, { label: '-l err', argv: [CHAINSAW, '-l', 'err', '-o', 'json', gelf] }],
      check: (c, p) => c.wall <= 1.1 * p[0].wall },
    { name: 'table', what: 'chainsaw -o table (every record laid out in columns)', target: '<= 1.5x human output', input: gelf,
      sides: [{ label: '-o table', argv: [CHAINSAW, '-o', 'table', gelf] }, { label: 'human', argv: [CHAINSAW, gelf] }],
      check: (c, p) => c.wall <= 1.5 * p[0].wall },
    { name: 'many-needles', what: "chainsaw -c with 4,000 ORed 'txnId contains' (one is in the corpus)", target: '<= 3x one needle', input: gelf,
      sides: [{ label: '4,000 contains', argv: [CHAINSAW, '-c', '-q', 'MANY', gelf] }, { label: 'one contains', argv: [CHAINSAW, '-c', '-q', `txnId contains "${txn}"`, gelf] },
        // Into a pipe: GNU grep stops at the first match when its output is /dev/null.
        { label: 'grep -F -f (4,000), into cat', argv: sh(`grep -c -F -f MANYFILE ${q(gelf)} | cat`) }],
      check: (c, p) => c.wall <= 3 * p[0].wall },
    { name: 'tiny-lines', what: "chainsaw on 2-byte lines (yes | head -c 100M): -c -l warn, -o raw", target: '>= 50 MB/s', input: 'TINY',
      sides: [{ label: '-c -l warn', argv: [CHAINSAW, '-c', '-l', 'warn', 'TINY'] }, { label: '-o raw', argv: [CHAINSAW, '-o', 'raw', 'TINY'] },
        { label: 'grep -c y', argv: sh('grep -c y TINYQ | cat') }],
      check: (c) => 100 / c.wall >= 50 },
    { name: 'tail', what: 'chainsaw -n 20 -l err', target: '<= 5% of a full scan', input: gelf,
      sides: [{ label: 'chainsaw -n 20', argv: [CHAINSAW, '-n', '20', '-l', 'err', gelf] }, { label: 'full scan -l err', argv: [CHAINSAW, '-l', 'err', gelf] }],
      check: (c, p) => c.wall <= 0.05 * p[0].wall },
    { name: 'version', what: 'chainsaw --version', target: '<= 1.3x node -e 0', input: null,
      sides: [{ label: 'chainsaw', argv: [CHAINSAW, '--version'] }, { label: 'node -e 0', argv: [process.execPath, '-e', '0'] }],
      check: (c, p) => c.wall <= 1.3 * p[0].wall, runs: Math.max(RUNS, 9) },
    { name: 'merge-20', what: 'chainsaw -l warn -o raw on 20 inputs of LINES/20', target: '<= 1.5x the same lines from one file', input: gelf,
      sides: [{ label: '20 inputs', argv: [CHAINSAW, '-l', 'warn', '-o', 'raw', 'SPLIT'] }, { label: 'one file', argv: [CHAINSAW, '-l', 'warn', '-o', 'raw', gelf] }],
      check: (c, p) => c.wall <= 1.5 * p[0].wall },
    { name: 'merge-20-json', what: 'chainsaw -o json on 20 inputs (every line parsed)', target: '<= 1.5x the same lines from one file', input: gelf,
      // One thread on both sides: a merge is read by one thread, a big single file would use -j.
      sides: [{ label: '20 inputs', argv: [CHAINSAW, '-o', 'json', 'SPLIT'] }, { label: 'one file, -j 1', argv: [CHAINSAW, '-j', '1', '-o', 'json', gelf] }],
      check: (c, p) => c.wall <= 1.5 * p[0].wall },
    // Standard input through a pipe is live (issue 10: written when the input pauses); it must keep the file's throughput.
    { name: 'piped-raw', what: 'cat FILE | chainsaw -o raw', target: '<= 1.1x the same file named', input: gelf,
      sides: [{ label: 'cat FILE | chainsaw -o raw', argv: sh(`cat ${q(gelf)} | ${q(CHAINSAW)} -o raw`) }, { label: 'chainsaw -o raw FILE', argv: [CHAINSAW, '-o', 'raw', gelf] }],
      check: (c, p) => c.wall <= 1.1 * p[0].wall },
    { name: 'piped-warn', what: 'cat FILE | chainsaw -l warn -o raw', target: '<= 1.1x the same file named', input: gelf,
      sides: [{ label: 'cat FILE | chainsaw -l warn -o raw', argv: sh(`cat ${q(gelf)} | ${q(CHAINSAW)} -l warn -o raw`) }, { label: 'chainsaw -l warn -o raw FILE', argv: [CHAINSAW, '-l', 'warn', '-o', 'raw', gelf] }],
      check: (c, p) => c.wall <= 1.1 * p[0].wall },
    { name: 'hosts', what: 'chainsaw -H api1,api2,api3 -t TXN -o raw: three sshd hosts on 127.0.0.1 with LINES lines each', target: '<= 1.5x the same search on the 3 files here; <= 1.1x the matching bytes cross ssh', input: gelf,
      sides: [{ label: '-H, remote chainsaw', argv: [CHAINSAW, '-H', 'api1,api2,api3', '-t', txn, '-o', 'raw', 'HOSTLOG'] },
        { label: 'the 3 files here', argv: [CHAINSAW, '-t', txn, '-o', 'raw', gelf, gelf, gelf] },
        { label: '-H, POSIX tools (grep -F)', argv: [CHAINSAW, '-H', 'api1,api2,api3', '-t', txn, '-o', 'raw', 'HOSTLOG'], env: { CHAINSAW_REMOTE: 'posix' } }],
      check: (c, p) => c.wall <= 1.5 * p[0].wall && c.crossedBytes <= 1.1 * c.matchingBytes },
  ];
  if (opt.big) {
    scenarios.push({ name: 'rss-2gb', what: 'peak RSS, chainsaw -l warn -o json and human on a 2 GB input', target: '<= 100 MB with one thread', input: 'BIG',
      sides: [{ label: '-l warn -o json', argv: [CHAINSAW, '-l', 'warn', '-o', 'json', 'BIG'] }, { label: 'human, -j 1', argv: [CHAINSAW, '-j', '1', 'BIG'] },
        { label: 'human, default -j (workers: +50 MB each)', argv: [CHAINSAW, 'BIG'] }],
      check: (c, p) => c.peakRssMb <= 100 && p[0].peakRssMb <= 100, runs: 1 });
  }
  // A time 90% into the corpus: --since then keeps its last tenth.
  const since = sinceNinetyPercent(gelf);
  for (const sc of scenarios) for (const side of sc.sides) side.argv = side.argv.map((a) => a.replace('SINCE_EPOCH', String(since / 1000)).replace(/^SINCE$/, new Date(since).toISOString()));
  // 4,000 transaction ids as one filter (3,999 absent from the corpus, and the chosen one), for -q and for grep -f.
  const ids = [...Array.from({ length: 3999 }, (_, i) => `.rh-Z${i.toString(36)}`), txn];
  const manyFile = join(CACHE, 'many-needles.txt');
  writeFileSync(manyFile, `${ids.join('\n')}\n`);
  const many = ids.map((id) => `txnId contains "${id}"`).join(' or ');
  for (const sc of scenarios) for (const side of sc.sides) side.argv = side.argv.map((a) => (a === 'MANY' ? many : a.replace('MANYFILE', q(manyFile))));
  const chosen = scenarios.filter((s) => !opt.only || opt.only.split(',').includes(s.name));
  const rows = [];
  for (const s of chosen) {
    let sides = s.sides;
    if (sides.some((x) => x.argv.includes('BUNYAN'))) {
      const b = corpus('bunyan');
      sides = sides.map((x) => ({ ...x, argv: x.argv.map((a) => (a === 'BUNYAN' ? b : a)) }));
      s.input = b;
    }
    if (sides.some((x) => x.argv.includes('SPLIT'))) {
      const parts = await splitRoundRobin(gelf, 20);
      sides = sides.map((x) => ({ ...x, argv: x.argv.flatMap((a) => (a === 'SPLIT' ? parts : [a])) }));
    }
    if (sides.some((x) => x.argv.some((a) => a.includes('TINY')))) {
      const tiny = join(CACHE, 'tiny-100m.log');
      if (!existsSync(tiny)) execFileSync('sh', ['-c', `yes | head -c 100000000 > ${q(tiny)}`]);
      sides = sides.map((x) => ({ ...x, argv: x.argv.map((a) => (a === 'TINY' ? tiny : a.replace('TINYQ', q(tiny)))) }));
      s.input = tiny;
    }
    if (sides.some((x) => x.argv.includes('BIG'))) {
      const big = join(CACHE, `big-${LINES}.log`);
      if (!existsSync(big)) execFileSync('sh', ['-c', `for i in 1 2 3 4 5 6; do cat ${q(gelf)}; done > ${q(big)}`]);
      sides = sides.map((x) => ({ ...x, argv: x.argv.map((a) => (a === 'BIG' ? big : a)) }));
      s.input = big;
    }
    let fleet;
    if (sides.some((x) => x.argv.includes('HOSTLOG'))) ({ sides, fleet } = await hostsFleet(sides, gelf));
    process.stderr.write(`${s.name} …\n`);
    let c, peers;
    try {
      [c, ...peers] = measure(sides, s.runs);
      if (fleet) Object.assign(c, fleet.count(sides[0]), { posixCrossedBytes: fleet.count(sides[2]).crossedBytes });
    } finally {
      fleet?.stop();
    }
    const mb = s.input ? statSync(s.input).size / 1e6 : null;
    rows.push({ name: s.name, what: s.what, target: s.target, met: ((m) => (m === null ? null : Boolean(m)))(s.check(c, peers)),
      ...(c.crossedBytes !== undefined ? { crossedBytes: c.crossedBytes, matchingBytes: c.matchingBytes, posixCrossedBytes: c.posixCrossedBytes } : {}),
      sides: [c, ...peers].map((x) => ({ label: x.label, command: x.argv?.map((a) => (a.length > 60 ? `…${a.slice(-40)}` : a)).slice(0, 12).join(' '), skipped: x.skipped,
        medianWallS: x.wall, runsS: x.walls, mbPerS: mb && x.wall ? mb / x.wall : null, peakRssMb: x.peakRssMb, ratioToFirst: x.wall && c.wall ? x.wall / c.wall : null })) });
  }
  const env = { date: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length, lines: LINES, corpusMb: sizeMb, runs: RUNS, txn };
  mkdirSync(dirname(opt.out), { recursive: true });
  writeFileSync(opt.out, `${JSON.stringify({ env, rows }, null, 2)}\n`);
  const fmt = (x, d = 2) => (x === null || x === undefined ? '—' : x.toFixed(d));
  const out = [`| scenario | side | median wall s | MB/s | peak RSS MB | × chainsaw | target | met |`, `|---|---|---:|---:|---:|---:|---|---|`];
  for (const r of rows) {
    r.sides.forEach((x, k) => out.push(`| ${k === 0 ? r.name : ''} | ${x.label}${x.skipped ? ` (skipped: ${x.skipped})` : ''} | ${fmt(x.medianWallS)} | ${fmt(x.mbPerS, 0)} | ${fmt(x.peakRssMb, 0)} | ${k === 0 ? '1' : fmt(x.ratioToFirst)} | ${k === 0 ? r.target : ''} | ${k === 0 ? (r.met === null ? '—' : r.met ? 'yes' : 'NO') : ''} |`));
  }
  for (const r of rows) {
    if (r.crossedBytes !== undefined) out.push('', `${r.name}: ${r.crossedBytes} bytes crossed ssh with remote chainsaw, ${r.posixCrossedBytes} with the POSIX tools, for ${r.matchingBytes} bytes of matching lines (${fmt(r.crossedBytes / r.matchingBytes)}x)`);
  }
  process.stdout.write(`${out.join('\n')}\n\n${LINES} lines (${sizeMb.toFixed(0)} MB), ${RUNS} runs each, alternating; node ${process.version}, ${env.cpus} cores. JSON: ${opt.out}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.message}\n`);
  process.exit(2);
});
