#!/usr/bin/env node
// npm pack/publish hooks: the tarball's package.json carries no `prepare` script (it builds from
// TypeScript, which an installed package neither has nor needs, and npm warns about install
// scripts). `strip` (prepack) keeps the original aside, `restore` (postpack) puts it back.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = join(root, 'package.json');
const kept = join(root, 'package.json.orig');

if (process.argv[2] === 'strip') {
  const text = readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text);
  for (const s of ['prepare', 'prepack', 'postpack']) delete pkg.scripts[s];
  writeFileSync(kept, text);
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
} else if (process.argv[2] === 'restore') {
  if (existsSync(kept)) renameSync(kept, manifest);
} else {
  process.stderr.write('usage: node scripts/pack-manifest.mjs strip|restore\n');
  process.exit(2);
}
