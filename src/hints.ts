import { statSync } from 'node:fs';
import type { Plan } from './cli/resolve.js';
import { closest } from './cli/suggest.js';
import { LineSplitter, forEachLine } from './input/lines.js';
import { inputFiles, type InputSpec } from './input/source.js';
import type { Expr, Operand } from './query/ast.js';
import { parseLine } from './record/parse.js';
import { CANONICAL_FIELDS, isCanonical } from './record/shapes.js';

/** A field the user named that may be a typo: from -q (a bare word is a lone field) or -k. */
interface NamedField {
  readonly path: readonly string[];
  readonly text: string;
  readonly from: '-q' | '-k';
  /** A lone word in -q (`-q ECONNREFUSED`): perhaps meant as text to search. */
  readonly bare: boolean;
}

/** How many records are read for the names a mistyped field is compared with. */
const SAMPLE_RECORDS = 200;

function fieldsOf(e: Expr, out: NamedField[]): void {
  const operand = (o: Operand, bare = false): void => {
    if (o.kind === 'field') {
      if (o.path.length === 1 && isCanonical(o.path[0]!)) return;
      out.push({ path: o.path, text: o.path.join('.'), from: '-q', bare: bare && o.path.length === 1 });
    } else if (o.kind === 'list') {
      for (const i of o.items) operand(i);
    }
  };
  switch (e.kind) {
    case 'and': case 'or': for (const i of e.items) fieldsOf(i, out); break;
    case 'not': fieldsOf(e.item, out); break;
    case 'compare': operand(e.left); operand(e.right); break;
    case 'exists': operand(e.field); break;
    case 'lone': operand(e.operand, true); break;
  }
}

/**
 * Silent typos: after a run, "no record has a field 'stauts' (did you mean 'status'?)" for a field
 * of the filter that no record read had (when nothing matched), or a -k field no record had. A
 * regular file is searched again after the run (only then, and only for such fields); standard
 * input is watched as it is read, since it cannot be read twice.
 */
export class FieldHints {
  private readonly fields: NamedField[];
  /** Fields seen in standard input as it was read, and names of its first records. */
  private readonly seen = new Set<string>();
  private readonly sampled = new Set<string>();
  private sampleLeft = SAMPLE_RECORDS;
  private tapped = false;

  constructor(private readonly plan: Plan) {
    const found: NamedField[] = [];
    if (plan.expr) fieldsOf(plan.expr, found);
    for (const f of plan.render.fields ?? []) {
      if (f.path.length > 1 || !isCanonical(f.path[0]!)) found.push({ path: f.path, text: f.name, from: '-k', bare: false });
    }
    const unique = new Map(found.map((f) => [`${f.from} ${f.text}`, f]));
    this.fields = [...unique.values()];
  }

  get active(): boolean {
    return this.fields.length > 0;
  }

  /** The input, with standard input watched for the fields as it is read. */
  tap(spec: InputSpec): InputSpec {
    const stdin = spec.stdin;
    if (!stdin || !this.active) return spec;
    this.tapped = true;
    const lines = new LineSplitter();
    const hints = this;
    const watched = {
      fd: (stdin as { fd?: number }).fd,
      async *[Symbol.asyncIterator]() {
        for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
          const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          for (const block of lines.push(buf)) hints.scan(block, hints.seen, hints.sampled);
          yield buf;
        }
        for (const block of lines.end()) hints.scan(block, hints.seen, hints.sampled);
      },
    };
    return { ...spec, stdin: watched as unknown as NodeJS.ReadableStream };
  }

  /** Notes which of the fields the block's records have, and the names of the first records. */
  private scan(block: Buffer, seen: Set<string>, names: Set<string>): void {
    if (this.sampleLeft > 0) {
      forEachLine(block, (s, e) => {
        const rec = parseLine(block, s, e, this.plan.aliases);
        if (rec) for (const k of Object.keys(rec.obj)) names.add(k.startsWith('_') ? k.slice(1) : k);
        return --this.sampleLeft > 0;
      });
    }
    for (const f of this.fields) {
      if (seen.has(f.text)) continue;
      // Lines that spell the last name of the path are parsed to see whether the record has it.
      const needle = Buffer.from(f.path[f.path.length - 1]!);
      let at = block.indexOf(needle);
      while (at >= 0) {
        const start = block.lastIndexOf(0x0a, at) + 1;
        let end = block.indexOf(0x0a, at);
        if (end < 0) end = block.length;
        if (parseLine(block, start, end, this.plan.aliases)?.field(f.path) !== undefined) {
          seen.add(f.text);
          break;
        }
        at = block.indexOf(needle, end);
      }
    }
  }

  /** The messages for the run that just ended (none when every named field was found). */
  async messages(matched: number): Promise<string[]> {
    const wanted = this.fields.filter((f) => f.from === '-k' || matched === 0);
    if (wanted.length === 0) return [];
    const seen = new Set(this.seen);
    const names = new Set(this.sampled);
    for (const spec of this.plan.inputs) {
      if (spec.stdin) {
        if (!this.tapped) return [];
        continue;
      }
      if (wanted.every((f) => seen.has(f.text))) break;
      try {
        // A FIFO or device cannot be read again (and would wait for a writer).
        const st = statSync(spec.name);
        if (!st.isFile() && !st.isDirectory()) return [];
        this.sampleLeft = SAMPLE_RECORDS;
        files: for await (const file of inputFiles(spec, { chunkSize: 128 * 1024, recycle: false }, () => undefined)) {
          const lines = new LineSplitter();
          try {
            for await (const run of file.runs) {
              for (const chunk of run) for (const block of lines.push(chunk)) this.scan(block, seen, names);
              if (wanted.every((f) => seen.has(f.text))) break files;
            }
            for (const block of lines.end()) this.scan(block, seen, names);
          } finally {
            file.close();
          }
        }
      } catch {
        // Not readable again (a FIFO, a file gone): nothing can be said about its fields.
        return [];
      }
    }
    const candidates = [...CANONICAL_FIELDS, ...names];
    return wanted.filter((f) => !seen.has(f.text)).map((f) => {
      const guess = f.path.length === 1 && !f.bare ? closest(f.text, candidates) : undefined;
      const why = f.bare ? ` (to search the text, quote it: -q '"${f.text}"')` : guess ? ` (did you mean '${guess}'?)` : '';
      return `no record has a field '${f.text}'${why}`;
    });
  }
}
