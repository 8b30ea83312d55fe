import { describe, expect, it } from 'vitest';
import { Entry } from '../../src/entry.js';
import { BUILTIN_ALIASES } from '../../src/record/shapes.js';
import { escapeControl } from '../../src/render/escape.js';
import { makeRenderer } from '../../src/render/index.js';
import { createRequire } from 'node:module';
import { fit, layoutRow } from '../../src/render/table.js';
import type { OutputMode, RenderOptions } from '../../src/render/renderer.js';
import { PLAIN, makeTheme } from '../../src/render/theme.js';

const base: RenderOptions = { color: false, theme: PLAIN, zone: undefined, fields: undefined, labels: undefined, width: undefined };
const colored = await makeTheme(true);

function entries(lines: string[], input = 0): Entry[] {
  const block = Buffer.from(lines.map((l) => `${l}\n`).join(''));
  const out: Entry[] = [];
  let s = 0;
  for (const l of lines) {
    const e = s + Buffer.byteLength(l);
    out.push(new Entry(block, s, e, e + 1, input, BUILTIN_ALIASES));
    s = e + 1;
  }
  return out;
}

function render(mode: OutputMode, lines: string[], opts: Partial<RenderOptions> = {}): string {
  const r = makeRenderer(mode, { ...base, ...opts });
  let out = r.begin?.() ?? '';
  for (const e of entries(lines)) out += r.render(e).toString();
  return out + (r.end?.() ?? '');
}

const LINES = [
  '{"version":"1.1","host":"h1","short_message":"hello world","timestamp":1324890886.5,"level":4,"facility":"app.api","_txnId":"t1","_n":3}',
  'not json',
  '{"msg":"tab\\there","level":"error","time":"2011-12-26T09:14:47Z","err":{"stack":"E: x\\n    at y"}}',
];

describe('renderers', () => {
  it('human', () => {
    expect(render('human', LINES)).toBe([
      '2011-12-26T09:14:46.500Z WARN  [app.api] h1: hello world txnId=t1 n=3',
      'not json',
      '2011-12-26T09:14:47.000Z ERROR tab\\there',
      '    E: x',
      '        at y',
      '',
    ].join('\n'));
  });

  it('human leaves no stray spaces when parts are missing', () => {
    expect(render('human', ['{"level":3}', '{"a":1}', '{"msg":"only msg"}', '{"host":"h"}', '{"ts":1,"a":2}'])).toBe(
      'ERROR\na=1\nonly msg\nh:\n1970-01-01T00:00:01.000Z a=2\n');
  });

  it('human labels keys by each record\'s own shape: GELF strips the underscore, others keep it, whatever came before', () => {
    expect(render('human', [
      '{"msg":"a","_x":1,"y":2}', '{"short_message":"b","_x":1,"y":2}', '{"short_message":"c","_x":1}', '{"msg":"d","_x":1,"y":2}',
      '{"msg":"e","_z":1,"_x":2}', '{"msg":"f","_x":1,"_z":2}',
    ])).toBe('a _x=1 y=2\nb x=1 y=2\nc x=1\nd _x=1 y=2\ne _z=1 _x=2\nf _x=1 _z=2\n');
  });

  it('human trims trailing blanks of the head of a line, whatever part ends it', () => {
    expect(render('human', ['{"msg":"m  ","a":1}', '{"time":1,"a":1}', '{"level":"info"}', '{"msg":"x\u3000"}', '{"msg":"   "}'])).toBe(
      'm a=1\n1970-01-01T00:00:01.000Z a=1\nINFO\nx\n\n');
  });

  it('human shows labels filled in after it was made (remote hosts name their files as they answer)', () => {
    const labels: string[] = [];
    const r = makeRenderer('human', { ...base, labels });
    const [e] = entries(['{"msg":"m"}']);
    expect(r.render(e!)).toBe(': m\n');
    labels[0] = 'api1:/var/log/a.log';
    expect(r.render(e!)).toBe('api1:/var/log/a.log: m\n');
  });

  it('human in color styles the level and labels the input', () => {
    const out = render('human', LINES.slice(0, 1), { color: true, theme: colored, labels: ['api'] });
    expect(out).toContain('\x1b[33mWARN \x1b[39m');
    expect(out.startsWith('\x1b[37m\x1b[1mapi\x1b[22m\x1b[39m: ')).toBe(true); // 'api' hashes to white
  });

  it('raw keeps bytes, adding a newline only between a last line without one and more output', () => {
    const block = Buffer.from('{"a":1}');
    const r = makeRenderer('raw', base);
    const e = new Entry(block, 0, 7, 7, 0, BUILTIN_ALIASES);
    expect(r.render(e).toString()).toBe('{"a":1}');
    expect(r.render(e).toString()).toBe('\n{"a":1}');
  });

  it('json prints records only, compact', () => {
    expect(render('json', LINES)).toBe(
      '{"version":"1.1","host":"h1","short_message":"hello world","timestamp":1324890886.5,"level":4,"facility":"app.api","_txnId":"t1","_n":3}\n'
      + '{"msg":"tab\\there","level":"error","time":"2011-12-26T09:14:47Z","err":{"stack":"E: x\\n    at y"}}\n');
  });

  it('logfmt quotes what needs quoting', () => {
    expect(render('logfmt', LINES.slice(0, 1))).toBe('time=2011-12-26T09:14:46.500Z level=warn msg="hello world" facility=app.api host=h1 txnId=t1 version=1.1 _n=3\n');
  });

  it('csv and tsv with -k', () => {
    const fields = [{ name: 'level', path: ['level'] }, { name: 'message', path: ['message'] }, { name: 'n', path: ['n'] }];
    expect(render('csv', LINES, { fields })).toBe('level,message,n\nwarn,hello world,3\nerror,tab\there,\n');
    expect(render('tsv', LINES, { fields })).toBe('level\tmessage\tn\nwarn\thello world\t3\nerror\ttab\\there\t\n');
  });

  it('table lays out columns', () => {
    expect(render('table', LINES)).toBe([
      'time                      level   facility  host  message',
      '2011-12-26T09:14:46.500Z  warn    app.api   h1    hello world',
      '2011-12-26T09:14:47.000Z  error                   tab\\there',
      '',
    ].join('\n'));
  });
});

describe('escapeControl', () => {
  it.each([
    ['plain', 'plain'], ['a\x1b[31mb', 'a\\x1b[31mb'], ['\x07\x7f\x9b', '\\x07\\x7f\\x9b'], ['rtl\u202eoverride', 'rtl\\u202eoverride'],
    ['line\nbreak', 'line\\nbreak'], ['café ✉', 'café ✉'],
  ])('%j', (s, want) => {
    expect(escapeControl(s)).toBe(want);
  });
});

describe('table fit', () => {
  const names = ['input', 'time', 'level', 'facility', 'host', 'message'];
  it('narrows the message first, then the widest other columns, never time or level', () => {
    const w = [8, 24, 6, 21, 20, 40];
    fit(w, 80, names);
    expect(w).toEqual([8, 24, 6, 8, 8, 16]);
    expect(w.reduce((a, b) => a + b, 0) + 2 * (w.length - 1)).toBe(80);
  });
  it('leaves a table that fits alone, and overflows only what cannot be narrowed', () => {
    const fits = [24, 6, 10, 10, 20];
    fit(fits, 120, names.slice(1));
    expect(fits).toEqual([24, 6, 10, 10, 20]);
    const tiny = [8, 24, 6, 21, 20, 40];
    fit(tiny, 40, names);
    expect(tiny).toEqual([8, 24, 6, 8, 8, 10]);
  });
});

describe('table rows past the first block', () => {
  it('are laid out exactly as cli-table3 lays out the first block: padding, … cuts, wide and astral characters', () => {
    const cells = ['plain', 'x'.repeat(30), '日本語のメッセージ', 'h😀st-name', 'café au lait', 'a\\x1b[31m', ''];
    const widths = [8, 10, 9, 6, 12, 5, 3];
    const Table = createRequire(import.meta.url)('cli-table3');
    const chars = Object.fromEntries(['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left', 'bottom-right', 'left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid'].map((k) => [k, '']));
    const table = new Table({ chars: { ...chars, middle: '  ' }, colWidths: widths, wordWrap: false, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 } });
    table.push(cells);
    expect(layoutRow(cells, widths)).toBe(`${table.toString().trimEnd()}\n`);
  });
});

describe('labels in color', () => {
  it('each host keeps one color, whatever file of it and in every run; hosts differ', async () => {
    const t = await makeTheme(true);
    const code = (s: string) => /^(\x1b\[[0-9;]*m)+/.exec(t.label(s))![0];
    expect(code('api1')).toBe(code('api1:current'));
    expect(code('api1')).toBe(code('api1:web/current'));
    expect(code('api1')).toBe(code('api1'));
    const colors = new Set(['api1', 'api2', 'api3', 'db1', 'db2', 'web1'].map(code));
    expect(colors.size).toBeGreaterThan(2);
    expect(t.label('api1')).toMatch(/^\x1b\[[0-9;m\x1b[]*api1\x1b\[/);
    expect(PLAIN.label('api1')).toBe('api1');
  });
});
