/**
 * Every flag, once: yargs is configured from this table, and `--help` and the man page are
 * rendered from it, so they cannot drift apart.
 */
export type FlagType = 'boolean' | 'string' | 'number' | 'array';
export type Category = 'filter' | 'output' | 'navigation' | 'input' | 'config' | 'info';

export interface FlagDef {
  readonly name: string;
  readonly short?: string;
  readonly aliases?: readonly string[];
  readonly type: FlagType;
  readonly category: Category;
  /** The placeholder shown in help: `EXPR`, `N`, `MODE`. */
  readonly arg?: string;
  readonly choices?: readonly string[];
  /** Values offered by shell completion when they are not `choices` (the level names). */
  readonly suggest?: readonly string[];
  /** A boolean that is also written `--no-NAME` to turn it off. */
  readonly negatable?: boolean;
  /** The value is a file name (shell completion offers files). */
  readonly file?: boolean;
  readonly summary: string;
  /** Longer text for the man page. */
  readonly doc?: string;
  /** The value `--no-NAME` stands for (`--no-color` is `--color never`). */
  readonly negation?: string;
}

export const CATEGORIES: readonly { readonly id: Category; readonly title: string }[] = [
  { id: 'filter', title: 'Filtering' },
  { id: 'output', title: 'Output' },
  { id: 'navigation', title: 'Navigation' },
  { id: 'input', title: 'Input' },
  { id: 'config', title: 'Configuration' },
  { id: 'info', title: 'Information' },
];

export const FLAGS = [
  { name: 'query', short: 'q', type: 'array', category: 'filter', arg: 'EXPR',
    summary: 'Keep records matching the filter expression; repeatable, ANDed.',
    doc: 'See FILTER EXPRESSIONS below. Several -q options are ANDed with each other and with the other filter options.' },
  { name: 'graylog', short: 'g', type: 'array', category: 'filter', arg: 'QUERY',
    summary: "Keep records matching a Graylog search query (Lucene syntax); repeatable, ANDed.",
    doc: 'See GRAYLOG QUERIES below: txnId:abc, source:api*, status:[500 TO 504], NOT _exists_:accountId, "connection refused" AND level:<=3. --explain prints the -q expression a query becomes.' },
  { name: 'txn', short: 't', type: 'array', category: 'filter', arg: 'ID',
    summary: 'Keep records whose txnId is ID; repeatable, ORed.',
    doc: 'The same as -q \'txnId == "ID"\'. The canonical txnId is taken from txnId, _txnId, txn_id, _txn_id, transaction.id, trace_id or traceId.' },
  { name: 'level', short: 'l', type: 'string', category: 'filter', arg: 'LEVEL',
    suggest: ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'trace'],
    summary: 'Keep records at least this severe (-l warn = level <= warn).',
    doc: 'LEVEL is a name (emerg alert crit err warn notice info debug trace, in any case, with the usual synonyms) or a syslog number 0-8. Records without a level do not match.' },
  { name: 'facility', type: 'array', category: 'filter', arg: 'NAME',
    summary: 'Keep records of facility NAME or any dotted child; * globs; repeatable, ORed.',
    doc: '--facility myapp.api matches myapp.api and myapp.api.handler but not myapp.apiary. A * matches any run of characters: --facility \'*.db.*\'.' },
  { name: 'since', type: 'string', category: 'filter', arg: 'TIME',
    summary: 'Keep records at or after TIME.',
    doc: 'TIME is ISO 8601 full or partial (2011-12-26, 2011-12-26 09:14, 09:14 for today), epoch seconds, a duration ago (15m, 2h, 1d, 90s, 1h30m, also written -2h or 2 hours ago), a syslog date of this year (Dec 26 09:05), now, today or yesterday. Without a zone it is UTC, or local time with --local.' },
  { name: 'until', type: 'string', category: 'filter', arg: 'TIME',
    summary: 'Keep records before TIME.',
    doc: 'A --since later than --until is an error: no record could match.' },
  { name: 'invert-match', short: 'v', type: 'boolean', category: 'filter',
    summary: 'Keep the records the filters reject, and lines that are not JSON objects (as grep -v).',
    doc: 'Needs a filter. --invalid hide drops the lines that are not JSON objects again.' },
  { name: 'invalid', type: 'string', category: 'filter', arg: 'show|hide', choices: ['show', 'hide'],
    summary: 'Keep or drop lines that are not JSON objects when filtering (default hide).' },
  { name: 'explain', type: 'boolean', category: 'filter',
    summary: 'Print the -q expression that the filters (-g, -q, -t, -l, ...) compile to, and exit.' },
  { name: 'strict', type: 'boolean', category: 'filter',
    summary: 'Make the first line that is not a JSON object an error (exit 2, FILE:LINE: reason).' },

  { name: 'output', short: 'o', type: 'string', category: 'output', arg: 'MODE',
    choices: ['human', 'table', 'json', 'raw', 'logfmt', 'csv', 'tsv'],
    summary: 'Output mode: human (default), table, json, raw, logfmt, csv, tsv.',
    doc: 'human: one colored line per record, TIME LEVEL [facility] host: message, then the other fields as key=value, with a multi-line full_message or stack indented below. table: aligned columns. json: each record as one compact JSON object, as jq -c prints it. raw: the input lines byte for byte. logfmt: key=value pairs. csv, tsv: a header line, then one row per record.' },
  { name: 'fields', short: 'k', type: 'string', category: 'output', arg: 'LIST',
    summary: 'Comma list of fields: columns of table/csv/tsv, extra fields of human, projection of json.' },
  { name: 'color', type: 'string', category: 'output', arg: 'WHEN', choices: ['auto', 'always', 'never'], negation: 'never',
    summary: 'Color: auto (default: a terminal and NO_COLOR unset; FORCE_COLOR forces, FORCE_COLOR=0 disables), always, never; --no-color is never.' },
  { name: 'local', type: 'boolean', category: 'output',
    summary: 'Show times in local time, and read zone-less TIME arguments as local.' },
  { name: 'tz', type: 'string', category: 'output', arg: 'ZONE',
    summary: 'Show times in the IANA zone ZONE (default UTC, shown with Z).' },
  { name: 'pager', type: 'boolean', category: 'output', negatable: true,
    summary: 'Page human and table output on a terminal (default); --no-pager never pages.',
    doc: 'The pager is $CHAINSAW_PAGER, else $PAGER, else less; LESS=FRX is set when LESS is unset, so output shorter than a screen is printed at once and colors pass. Never while following, nor when standard output is not a terminal; by default not for -c, --stats or the json, raw, logfmt, csv and tsv modes, which --pager pages too. Quitting the pager ends chainsaw quietly, status 0. An empty pager or cat means none.' },
  { name: 'count', short: 'c', type: 'boolean', category: 'output',
    summary: 'Print only the number of matching records.' },
  { name: 'stats', type: 'boolean', category: 'output',
    summary: 'Print a summary instead of records: levels, facilities, hosts, top txnIds, time span, histogram.',
    doc: 'With -o json the summary is one JSON object.' },

  { name: 'max-count', short: 'm', type: 'number', category: 'navigation', arg: 'N',
    summary: 'Stop after N matching records (and stop reading).' },
  { name: 'tail', short: 'n', type: 'number', category: 'navigation', arg: 'N',
    summary: 'Only the last N matching records (read from the end of a seekable file).' },
  { name: 'after-context', short: 'A', type: 'number', category: 'navigation', arg: 'N',
    summary: 'Show N records after each match.' },
  { name: 'before-context', short: 'B', type: 'number', category: 'navigation', arg: 'N',
    summary: 'Show N records before each match.' },
  { name: 'context', short: 'C', type: 'number', category: 'navigation', arg: 'N',
    summary: 'Show N records before and after each match; groups are separated by --.',
    doc: 'With any of -A, -B, -C (even 0), groups that are not adjacent are separated by -- (not in json, csv, tsv). With -n N, the last N matches are shown with their context.' },
  { name: 'follow', short: 'F', aliases: ['f'], type: 'boolean', category: 'input',
    summary: 'Like tail -F: print the last -n records (default 10), then new ones as they are written.',
    doc: 'Follows each FILE by name through rotation (rename and re-create) and truncation, waits for a file that does not exist yet, and never prints a half-written line. A DIR is followed at its current file.' },
  { name: 'max-line-bytes', type: 'number', category: 'input', arg: 'N',
    summary: 'Keep only the first N bytes of a longer line, as a non-JSON line, and report it (default 64 MiB).',
    doc: 'A line longer than N bytes (1 to 256 MiB; the newline not counted) is reported once per input (FILE:LINE), kept as a line that is not a record, and the run ends with status 2; memory stays under N + 100 MB whatever the input (/dev/zero, a gzip bomb). -o raw without a filter passes such a line through whole, as it is read.' },
  { name: 'threads', short: 'j', type: 'string', category: 'input', arg: 'N',
    summary: 'Threads for one big file: N, or auto (default: the cores, at most 8, where it pays).',
    doc: 'A big regular file (48 MB or more, not gzip) of which every line is parsed (human, json, logfmt, csv and tsv output of every record, or a filter with no byte prefilter) is read in 2 MB segments by N threads (the main one and N-1 workers); the output is byte-identical to -j 1, in file order. Each added thread costs about 50 MB of memory. Standard input, -F, -n, -m, context, --stats, merged inputs and table output use one thread. CHAINSAW_WORKERS=N is read as -j N.' },
  { name: 'host', short: 'H', type: 'array', category: 'input', arg: 'HOSTS',
    summary: 'Read the PATHs on these hosts over ssh, merged into one timeline; repeatable.',
    doc: 'HOSTS is a comma list; api[1-3], web[01-12] (padding kept) and db[1,3,5-7] expand as in pdsh; user@host is allowed. A host beginning with - or holding whitespace or a control character is a usage error. See MANY MACHINES below.' },
  { name: 'hosts-file', type: 'array', category: 'input', arg: 'FILE', file: true,
    summary: 'Read the hosts from FILE, one a line (ranges allowed), # comments; repeatable.' },
  { name: 'fanout', type: 'number', category: 'input', arg: 'N',
    summary: 'Connect to at most N hosts at once (default 32).' },
  { name: 'merge', type: 'boolean', category: 'input',
    summary: 'Concatenate several inputs in the order given instead of merging them by time.' },

  { name: 'config', type: 'boolean', category: 'config',
    summary: 'Ignore the config file ($XDG_CONFIG_HOME/chainsaw/config.json) and CHAINSAW_OPTIONS.' },

  { name: 'completions', type: 'string', category: 'info', arg: 'SHELL', choices: ['bash', 'zsh', 'fish'],
    summary: 'Print a completion script for bash, zsh or fish and exit.',
    doc: 'Install once: bash: chainsaw --completions bash > ~/.local/share/bash-completion/completions/chainsaw; zsh: chainsaw --completions zsh > ~/.zfunc/_chainsaw (with ~/.zfunc in fpath before compinit); fish: chainsaw --completions fish > ~/.config/fish/completions/chainsaw.fish. Flags, their fixed values (levels, output modes, --color) and file names are completed.' },
  { name: 'help', short: 'h', type: 'boolean', category: 'info', summary: 'Show this help and exit.' },
  { name: 'version', short: 'V', type: 'boolean', category: 'info', summary: 'Show the version and exit.' },
] as const satisfies readonly FlagDef[];

/** The words a flag is typed as: `-q`, `--query`; `--no-merge` for the flags that are only turned off. */
export function flagWords(f: FlagDef): string[] {
  return [
    ...(f.short ? [`-${f.short}`] : []),
    ...(f.aliases ?? []).map((a) => (a.length === 1 ? `-${a}` : `--${a}`)),
    f.name === 'merge' || f.name === 'config' ? `--no-${f.name}` : `--${f.name}`,
    ...(f.negatable ? [`--no-${f.name}`] : []),
  ];
}

/** How a flag is written in help and the man page: `-q, --query EXPR`, `--no-merge`. */
export function flagSynopsis(f: FlagDef): string {
  return flagWords(f).join(', ') + (f.arg ? ` ${f.arg}` : '');
}

export const USAGE_LINE = 'chainsaw [OPTIONS] [FILE|DIR ...]';

/** Words of `text` in lines of at most `width` columns (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

const HELP_INDENT = 28;

/** `--help`, wrapped to `width` columns (the terminal's, 80 when not a terminal). */
export function renderHelp(width = 80): string {
  const w = Math.max(40, width);
  const para = (text: string) => wrap(text, w - 1);
  const lines = [`Usage: ${USAGE_LINE}`, '', ...para('Explore JSON-per-line logs (GELF, bunyan, pino, ECS, docker, journald, CLEF, ...). Reads standard input when no FILE is given or FILE is -; a pipe is shown live, as records arrive.'), ''];
  for (const cat of CATEGORIES) {
    lines.push(`${cat.title}:`);
    for (const f of FLAGS as readonly FlagDef[]) {
      if (f.category !== cat.id) continue;
      const syn = `  ${flagSynopsis(f)}`;
      const summary = wrap(f.summary, w - 1 - HELP_INDENT).map((l) => `${' '.repeat(HELP_INDENT)}${l}`);
      if (syn.length < HELP_INDENT - 1) summary[0] = syn.padEnd(HELP_INDENT) + summary[0]!.trimStart();
      else summary.unshift(syn);
      lines.push(...summary);
    }
    lines.push('');
  }
  lines.push(
    ...para('Default options are read from $XDG_CONFIG_HOME/chainsaw/config.json (else ~/.config/chainsaw/config.json) and from CHAINSAW_OPTIONS (shell words); the command line wins, --no-config ignores both.'),
    '',
    ...para('Exit status: 0 a record matched, 1 none matched, 2 an error.'),
    ...para('See man chainsaw (man/chainsaw.1) for the filter language and examples.'),
    '',
  );
  return lines.join('\n');
}
