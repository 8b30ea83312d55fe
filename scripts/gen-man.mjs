#!/usr/bin/env node
// Prints the man page rendered from the flag table (npm run man > man/chainsaw.1).
import { readFileSync } from 'node:fs';
import { renderMan } from '../dist/cli/doc/man.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
process.stdout.write(renderMan(pkg.version));
