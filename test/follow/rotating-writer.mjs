// A log writer that rotates by renaming, as fast as it can (or one line every `lineMs`), for the
// follow stress tests. Lines are `{"level":6,"msg":"n=N"}`, N from 0, one write(2) each.
//
//   node rotating-writer.mjs svlogd DIR FILES LINES_PER_FILE [LINE_MS]
//     DIR/current renamed to DIR/@<24 hex>.s (names in time order), then a new current.
//   node rotating-writer.mjs rename FILE FILES LINES_PER_FILE [LINE_MS]
//     FILE renamed to FILE.<seq>, then a new FILE (logrotate without copytruncate).
//
// The last file is left in place, not rotated. Prints the number of lines written.
import { closeSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const [mode, path, filesArg, perFileArg, lineMsArg] = process.argv.slice(2);
const files = Number(filesArg);
const perFile = Number(perFileArg);
const lineMs = Number(lineMsArg ?? 0);
const current = mode === 'svlogd' ? join(path, 'current') : path;
const rotatedName = (seq) => (mode === 'svlogd' ? join(path, `@40000000${seq.toString(16).padStart(16, '0')}.s`) : `${path}.${seq}`);
const pause = (ms) => new Promise((r) => setTimeout(r, ms));

let n = 0;
for (let f = 0; f < files; f++) {
  const fd = openSync(current, 'a');
  for (let i = 0; i < perFile; i++) {
    writeSync(fd, `{"level":6,"msg":"n=${n++}"}\n`);
    if (lineMs > 0) await pause(lineMs);
  }
  closeSync(fd);
  if (f < files - 1) renameSync(current, rotatedName(f));
}
process.stdout.write(`${n}\n`);
