#!/usr/bin/env node
// The benchmark corpus: deterministic JSON-per-line logs of a web service, written by the project
// itself so that `npm run bench` works on a fresh clone. Same arguments, same bytes.
import { parseArgs } from 'node:util';

const HELP = `usage: node bench/gen-corpus.mjs --lines N [--seed S] [--format F] > corpus.log
       node bench/gen-corpus.mjs --lines N [--seed S] [--format F] --pick-txn K

Writes N log lines of a made-up product API to standard output: requests that each log
3 to 20 lines (sharing one txnId) across facilities and hosts, about 2000 lines per second
of log time from 2011-12-26T09:00:00Z, levels mostly info and debug with some warnings,
errors (with a multi-line stack) and rare criticals; nested objects, arrays, unicode.

  --format gelf    GELF 1.1 as svlogd stores it (default; ~350 bytes a line)
  --format bunyan  bunyan records (for bunyan's own CLI)
  --format pino    pino records
  --format mixed   GELF with 10% bunyan, 10% pino and 1% noise (stack lines, cut JSON, blanks)
  --seed S         another corpus of the same shape (default 1)
  --pick-txn K     print only the txnId of the first record at or after line K that has one
  --help           this text
`;

let args;
try {
  ({ values: args } = parseArgs({ options: {
    lines: { type: 'string' }, seed: { type: 'string', default: '1' }, format: { type: 'string', default: 'gelf' },
    'pick-txn': { type: 'string' }, help: { type: 'boolean' },
  } }));
} catch (e) {
  process.stderr.write(`gen-corpus: ${e.message}\n${HELP}`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const LINES = Number(args.lines);
const SEED = Number(args.seed);
const FORMAT = args.format;
if (!Number.isSafeInteger(LINES) || LINES < 0 || !Number.isSafeInteger(SEED) || !['gelf', 'bunyan', 'pino', 'mixed'].includes(FORMAT)) {
  process.stderr.write(`gen-corpus: --lines needs a whole number, --format one of gelf bunyan pino mixed\n${HELP}`);
  process.exit(2);
}

/** xorshift32: small, fast, and the same on every machine. */
function random(seed) {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

const HOSTS = ['ord1.product.api0', 'ord1.product.api1', 'ord1.product.worker0', 'sjc1.product.api0', 'sjc1.product.api1', 'sjc1.product.worker0'];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0 Safari/537.36',
  'curl/7.21.4 (x86_64-pc-linux-gnu) libcurl/7.21.4 OpenSSL/0.9.8r zlib/1.2.5',
  'restify/1.4.1 (x64-linux; v8/3.6.6.14) node/0.6.6',
];
const ROUTES = ['/v1/accounts/ACCT/products', '/v1/accounts/ACCT/invoices?limit=20', '/v1/search?q=caf%C3%A9', '/v1/accounts/ACCT/files/report.pdf'];
const FAILURES = ['connect ECONNREFUSED 10.0.3.17:9042', 'Operation timed out after 5000 ms', 'socket hang up (ECONNRESET)'];
const TO_BUNYAN = [60, 60, 60, 50, 40, 30, 30, 20];
const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** What a backend step of a request logs: [facility, message, GELF additional fields]. */
const STEPS = [
  (r, acct) => ['myapp.db.cassandra', `read products at LOCAL_QUORUM for ${acct}`, { _keyspace: 'product', _rows: Math.floor(r() * 200), _duration_ms: Math.round(r() * 40000) / 100 }],
  (r, acct) => ['myapp.db.postgres', 'query ok', { _query: `SELECT id, "name" FROM accounts WHERE id = '${acct}'`, _duration_ms: Math.round(r() * 9000) / 100 }],
  (r, acct) => { const hit = r() < 0.8; return ['myapp.cache.redis', `cache ${hit ? 'hit' : 'miss'} acct:${acct}`, { _key: `acct:${acct}`, _hit: hit, _ttl: Math.floor(r() * 3600) }]; },
  (r) => ['myapp.queue.kafka', 'event published', { _topic: 'product.events', _partition: Math.floor(r() * 12), _offset: 1e6 + Math.floor(r() * 8e6) }],
  (r) => ['myapp.search.elastic', 'search "café OR naïve" done', { _index: 'products', _hits: Math.floor(r() * 500), _took_ms: Math.floor(r() * 90) }],
  (r, acct) => { const amount = Math.floor(r() * 99999) / 100; return ['myapp.billing.invoice', `Rechnung für ${acct}: ${amount} €`, { _amount: amount, _currency: 'EUR', _tags: ['invoice', 'tx'] }]; },
  (r, acct) => ['myapp.auth.session', `session valid for ${acct}`, { _userId: `u${Math.floor(r() * 9999)}`, _roles: r() < 0.2 ? ['admin', 'billing'] : ['user'] }],
];

/** The records, in log order: each a plain description that the shapes below render. */
function* records(seed) {
  const r = random(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  let ms = Date.UTC(2011, 11, 26, 9, 0, 0);
  let serial = 0;
  const open = [];
  for (;;) {
    if (r() < 0.5) ms++;
    const x = r();
    const level = x < 0.0003 ? Math.floor(r() * 3) : x < 0.01 ? 3 : x < 0.06 ? 4 : x < 0.08 ? 5 : x < 0.55 ? 6 : 7;
    if (open.length < 2 || (open.length < 6 && r() < 0.12)) {
      const host = pick(HOSTS);
      let id = '';
      for (let n = ++serial * 7919; id.length < 6; n = Math.floor(n / 62)) id += B62[n % 62];
      open.push({ txn: `.rh-${id}.h-${host.slice(5).replace('.', '-')}.ts-${ms}`, host, acct: `ac${1 + Math.floor(r() * 240)}`, start: ms, left: 3 + Math.floor(r() * r() * 18), first: true });
    }
    const k = Math.floor(r() * open.length);
    const q = open[k];
    let facility, message, fields;
    if (q.first) {
      const path = pick(ROUTES).replace('ACCT', q.acct);
      [facility, message, fields] = ['myapp.api.handler', `handling GET ${path}`, { _method: 'GET', _path: path, _headers: { 'user-agent': pick(AGENTS), accept: 'application/json' } }];
      q.first = false;
    } else if (q.left === 1) {
      const status = level === 3 ? 500 : level === 4 ? pick([404, 409, 429]) : pick([200, 200, 201, 204, 304]);
      [facility, message, fields] = ['myapp.api.router', `request complete ${status}`, { _status: status, _duration_ms: ms - q.start }];
      open.splice(k, 1);
    } else {
      [facility, message, fields] = pick(STEPS)(r, q.acct);
    }
    q.left--;
    let stack;
    if (level <= 3) {
      const why = pick(FAILURES);
      message = `${facility.split('.')[1]} failed: ${why}`;
      stack = `Error: ${why}\n    at Pool.query (/opt/myapp/node_modules/driver/lib/pool.js:211:15)\n    at Handler.get (/opt/myapp/lib/handler.js:88:22)`;
    } else if (level === 4 && r() < 0.5) {
      message = `slow ${facility.split('.')[1]}: took ${Math.floor(r() * 2000)} ms, "retrying"`;
    }
    yield { ms, host: q.host, level, facility, message, fields, stack, txn: q.txn, acct: q.acct };
  }
}

const j = JSON.stringify;
const unprefixed = (fields) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k.slice(1), v]));
const SHAPES = {
  gelf: (x) => j({ version: '1.1', host: x.host, timestamp: x.ms / 1000, short_message: x.message, full_message: x.stack ?? null,
    level: x.level, facility: x.facility, _txnId: x.txn, _accountId: x.acct, ...x.fields }),
  bunyan: (x) => j({ name: 'myapp', hostname: x.host, pid: 4000 + HOSTS.indexOf(x.host), component: x.facility, level: TO_BUNYAN[x.level],
    req_id: x.txn, account: x.acct, ...unprefixed(x.fields), ...(x.stack && { err: { message: x.stack.split('\n')[0], stack: x.stack } }),
    msg: x.message, time: new Date(x.ms).toISOString(), v: 0 }),
  pino: (x) => j({ level: TO_BUNYAN[x.level], time: x.ms, pid: 4000 + HOSTS.indexOf(x.host), hostname: x.host, name: x.facility,
    reqId: x.txn, account: x.acct, ...unprefixed(x.fields), ...(x.stack && { err: { message: x.stack.split('\n')[0], stack: x.stack } }), msg: x.message }),
};

/** [line or undefined, txnId of a well-formed record] for each line; lines only when asked for. */
function* lines(render) {
  const recs = records(SEED);
  const mix = random(SEED + 7);
  for (let i = 0; i < LINES; i++) {
    const rec = recs.next().value;
    const x = FORMAT === 'mixed' ? mix() : 1;
    if (x < 0.01) {
      const noise = x < 0.004 ? '    at Handler.get (/opt/myapp/lib/handler.js:88:22)' : x < 0.007 ? '' : render ? SHAPES.gelf(rec).slice(0, 40) : '';
      yield [noise, undefined];
    } else {
      const shape = FORMAT !== 'mixed' ? FORMAT : x < 0.11 ? 'bunyan' : x < 0.21 ? 'pino' : 'gelf';
      yield [render ? SHAPES[shape](rec) : undefined, rec.txn];
    }
  }
}

if (args['pick-txn'] !== undefined) {
  const from = Number(args['pick-txn']);
  let i = 0;
  for (const [, txn] of lines(false)) {
    if (i++ >= from && txn) {
      process.stdout.write(`${txn}\n`);
      process.exit(0);
    }
  }
  process.stderr.write(`gen-corpus: no txnId at or after line ${from}\n`);
  process.exit(1);
}

process.stdout.on('error', (e) => process.exit(e.code === 'EPIPE' ? 0 : 2));
const out = Buffer.allocUnsafe(1 << 21);
let used = 0;
const drain = () => new Promise((resolve) => process.stdout.once('drain', resolve));
for (const [line] of lines(true)) {
  used += out.write(line, used);
  out[used++] = 0x0a;
  if (used > 1 << 20) {
    // A copy: the buffer is written into again before the stream may have sent it.
    if (!process.stdout.write(Buffer.from(out.subarray(0, used)))) await drain();
    used = 0;
  }
}
process.stdout.write(out.subarray(0, used));
