import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, fixture } from './helpers.js';

/**
 * The package as a user gets it: `npm pack`, then `npm install -g` of the tarball into a fresh
 * prefix. Its dependencies come from a registry this test serves on 127.0.0.1, made of the
 * packages npm ci installed (the test reaches nothing beyond loopback).
 */
let dir: string;
let server: Server;
let registry: string;
let tarball: string;
let prefix: string;
let install: { status: number | null; stderr: string };

/** npm, run without blocking: the registry it talks to is served by this process. */
function npm(args: string[], cwd: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd, env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

interface Manifest { name: string; version: string; [k: string]: unknown }

/** A registry holding every runtime dependency in the lock file, packed from node_modules. */
function serveDependencies(into: string): Promise<string> {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: { [path: string]: { dev?: boolean } } };
  const packuments = new Map<string, { name: string; versions: { [v: string]: unknown }; 'dist-tags': { latest: string } }>();
  const files = new Map<string, string>();
  let base = '';
  for (const [path, meta] of Object.entries(lock.packages)) {
    if (!path || meta.dev) continue;
    const source = join(ROOT, path);
    const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as Manifest;
    const file = `${manifest.name.replace('/', '__')}-${manifest.version}.tgz`;
    const out = join(into, file);
    execFileSync('tar', ['-czf', out, '--exclude=./node_modules', '--transform', 's,^\\.,package,', '-C', source, '.']);
    const bytes = readFileSync(out);
    files.set(`/-/${file}`, out);
    const doc = packuments.get(manifest.name) ?? { name: manifest.name, versions: {}, 'dist-tags': { latest: manifest.version } };
    const keep = ['dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'engines', 'bin', 'main', 'exports', 'type'];
    doc.versions[manifest.version] = {
      ...Object.fromEntries(keep.filter((k) => manifest[k] !== undefined).map((k) => [k, manifest[k]])),
      name: manifest.name, version: manifest.version,
      dist: {
        get tarball() { return `${base}/-/${file}`; },
        shasum: createHash('sha1').update(bytes).digest('hex'),
        integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
      },
    };
    packuments.set(manifest.name, doc);
  }
  server = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    const file = files.get(url);
    const doc = packuments.get(url.slice(1));
    if (file) res.end(readFileSync(file));
    else if (doc) res.setHeader('content-type', 'application/json').end(JSON.stringify(doc));
    else res.writeHead(404).end('{}');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address() as { port: number };
    base = `http://127.0.0.1:${addr.port}`;
    resolve(base);
  }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chainsaw-pkg-'));
  mkdirSync(join(dir, 'registry'));
  registry = await serveDependencies(join(dir, 'registry'));
  // Packed from a copy, with the pack hooks run by hand: `npm pack` here would run prepare,
  // rebuilding dist/ under the other tests' feet. dist/ is built by `npm test` before they run.
  const copy = join(dir, 'copy');
  mkdirSync(join(copy, 'scripts'), { recursive: true });
  for (const f of ['package.json', 'README.md', 'LICENSE', 'bin', 'dist', 'man', 'scripts/pack-manifest.mjs']) cpSync(join(ROOT, f), join(copy, f), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8'));
  execFileSync('sh', ['-c', `${pkg.scripts.prepack} && npm pack --ignore-scripts --silent --pack-destination '${dir}' && ${pkg.scripts.postpack}`], { cwd: copy, stdio: 'ignore' });
  expect(readFileSync(join(copy, 'package.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  tarball = join(dir, readdirSync(dir).find((f) => f.startsWith('gelf-chainsaw-') && f.endsWith('.tgz'))!);
  prefix = join(dir, 'prefix');
  install = await npm(['install', '-g', '--prefix', prefix, '--registry', `${registry}/`, '--cache', join(dir, 'cache'), '--no-audit', '--no-fund', '--no-update-notifier', tarball], dir);
}, 120_000);
afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the package', () => {
  it('holds only what runs: bin/chainsaw, dist/, man/, README, LICENSE, package.json', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, ''));
    const tops = [...new Set(files.map((f) => (f.includes('/') ? `${f.split('/')[0]}/` : f)))].sort();
    expect(tops).toEqual(['LICENSE', 'README.md', 'bin/', 'dist/', 'man/', 'package.json']);
    expect(files.filter((f) => f.startsWith('bin/') || f.startsWith('man/'))).toEqual(['bin/chainsaw', 'man/chainsaw.1']);
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
    expect(pkg.scripts.prepare).toBeUndefined();
    expect(pkg).toMatchObject({ license: 'MIT', repository: { type: 'git' } });
    expect(pkg.homepage).toMatch(/^https:/);
    expect(pkg.bugs.url).toMatch(/^https:/);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('installs globally without a warning and runs as chainsaw and gelf-chainsaw from another directory', () => {
    expect(install.status, install.stderr).toBe(0);
    expect(install.stderr).toBe('');
    const elsewhere = mkdtempSync(join(dir, 'cwd-'));
    const run = spawnSync(join(prefix, 'bin', 'chainsaw'), ['-o', 'tsv', '-k', 'level,message', '-m', '2', fixture('svlogd', 'api')], { cwd: elsewhere, encoding: 'utf8' });
    expect(run).toMatchObject({ status: 0, stderr: '', stdout: 'level\tmessage\ninfo\tservice started\ndebug\thandling GET /v1/accounts/ac7\n' });
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    expect(spawnSync(join(prefix, 'bin', 'gelf-chainsaw'), ['--version'], { cwd: elsewhere, encoding: 'utf8' }).stdout).toBe(`chainsaw ${version}\n`);
  });

  it('installs the man page where man finds it', () => {
    const man = spawnSync('man', ['-M', join(prefix, 'share', 'man'), 'chainsaw'], { encoding: 'utf8', env: { PATH: process.env.PATH, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '80', HOME: dir } });
    expect(man.status, man.stderr).toBe(0);
    expect(man.stdout).toMatch(/NAME\n +chainsaw, +gelf-chainsaw +- +explore +JSON-per-line logs/);
  });
});
