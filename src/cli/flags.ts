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
  readonly summary: string;
  /** Longer text for the man page. */
  readonly doc?: string;
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
  { name: 'txn', short: 't', type: 'array', category: 'filter', arg: 'ID',
    summary: 'Keep records whose txnId is ID; repeatable, ORed.',
    doc: 'The same as -q \'txnId == "ID"\'. The canonical txnId is taken from txnId, _txnId, txn_id, _txn_id, transaction.id, trace_id or traceId.' },
  { name: 'level', short: 'l', type: 'string', category: 'filter', arg: 'LEVEL',
    summary: 'Keep records at least this severe (-l warn = level <= warn).',
    doc: 'LEVEL is a name (emerg alert crit err warn notice info debug trace, in any case, with the usual synonyms) or a syslog number 0-8. Records without a level do not match.' },
  { name: 'facility', type: 'array', category: 'filter', arg: 'NAME',
    summary: 'Keep records of facility NAME or any dotted child; * globs; repeatable, ORed.',
    doc: '--facility myapp.api matches myapp.api and myapp.api.handler but not myapp.apiary. A * matches any run of characters: --facility \'*.db.*\'.' },
  { name: 'since', type: 'string', category: 'filter', arg: 'TIME',
    summary: 'Keep records at or after TIME.',
    doc: 'TIME is ISO 8601 full or partial (2011-12-26, 2011-12-26 09:14, 09:14 for today), epoch seconds, a duration ago (15m, 2h, 1d, 90s, 1h30m), now, today or yesterday. Without a zone it is UTC, or local time with --local.' },
  { name: 'until', type: 'string', category: 'filter', arg: 'TIME',
    summary: 'Keep records before TIME.' },
  { name: 'invalid', type: 'string', category: 'filter', arg: 'show|hide', choices: ['show', 'hide'],
    summary: 'Keep or drop lines that are not JSON objects when filtering (default hide).' },
  { name: 'strict', type: 'boolean', category: 'filter',
    summary: 'Make the first line that is not a JSON object an error (exit 2, FILE:LINE: reason).' },

  { name: 'output', short: 'o', type: 'string', category: 'output', arg: 'MODE',
    choices: ['human', 'table', 'json', 'raw', 'logfmt', 'csv', 'tsv'],
    summary: 'Output mode: human (default), table, json, raw, logfmt, csv, tsv.',
    doc: 'human: one colored line per record, TIME LEVEL [facility] host: message, then the other fields as key=value, with a multi-line full_message or stack indented below. table: aligned columns. json: each record as one compact JSON object, as jq -c prints it. raw: the input lines byte for byte. logfmt: key=value pairs. csv, tsv: a header line, then one row per record.' },
  { name: 'fields', short: 'k', type: 'string', category: 'output', arg: 'LIST',
    summary: 'Comma list of fields: columns of table/csv/tsv, extra fields of human, projection of json.' },
  { name: 'color', type: 'string', category: 'output', arg: 'WHEN', choices: ['auto', 'always', 'never'],
    summary: 'Color: auto (default: a terminal and NO_COLOR unset; FORCE_COLOR forces), always, never.' },
  { name: 'local', type: 'boolean', category: 'output',
    summary: 'Show times in local time, and read zone-less TIME arguments as local.' },
  { name: 'tz', type: 'string', category: 'output', arg: 'ZONE',
    summary: 'Show times in the IANA zone ZONE (default UTC, shown with Z).' },
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
    summary: 'Show N records before and after each match; groups are separated by --.' },
  { name: 'follow', short: 'F', aliases: ['f'], type: 'boolean', category: 'input',
    summary: 'Like tail -F: print the last -n records (default 10), then new ones as they are written.',
    doc: 'Follows each FILE by name through rotation (rename and re-create) and truncation, waits for a file that does not exist yet, and never prints a half-written line. A DIR is followed at its current file.' },
  { name: 'host', short: 'H', type: 'array', category: 'input', arg: 'HOSTS',
    summary: 'Read the PATHs on these hosts over ssh, merged into one timeline; repeatable.',
    doc: 'HOSTS is a comma list; api[1-3], web[01-12] (padding kept) and db[1,3,5-7] expand as in pdsh; user@host is allowed. A host beginning with - or holding whitespace or a control character is a usage error. See MANY MACHINES below.' },
  { name: 'hosts-file', type: 'array', category: 'input', arg: 'FILE',
    summary: 'Read the hosts from FILE, one a line (ranges allowed), # comments; repeatable.' },
  { name: 'fanout', type: 'number', category: 'input', arg: 'N',
    summary: 'Connect to at most N hosts at once (default 32).' },
  { name: 'merge', type: 'boolean', category: 'input',
    summary: 'Concatenate several inputs in the order given instead of merging them by time.' },

  { name: 'config', type: 'boolean', category: 'config',
    summary: 'Ignore the config file and CHAINSAW_OPTIONS.' },

  { name: 'help', short: 'h', type: 'boolean', category: 'info', summary: 'Show this help and exit.' },
  { name: 'version', short: 'V', type: 'boolean', category: 'info', summary: 'Show the version and exit.' },
] as const satisfies readonly FlagDef[];

/** How a flag is written in help and the man page: `-q, --query EXPR`, `--no-merge`. */
export function flagSynopsis(f: FlagDef): string {
  const names = [
    ...(f.short ? [`-${f.short}`] : []),
    ...(f.aliases ?? []).map((a) => (a.length === 1 ? `-${a}` : `--${a}`)),
    f.name === 'merge' || f.name === 'config' ? `--no-${f.name}` : `--${f.name}`,
  ];
  return names.join(', ') + (f.arg ? ` ${f.arg}` : '');
}

export const USAGE_LINE = 'chainsaw [OPTIONS] [FILE|DIR ...]';

export function renderHelp(): string {
  const lines = [`Usage: ${USAGE_LINE}`, '', 'Explore JSON-per-line logs (GELF, bunyan, pino, ECS, docker, journald, CLEF, ...).', 'Reads standard input when no FILE is given or FILE is -.', ''];
  for (const cat of CATEGORIES) {
    lines.push(`${cat.title}:`);
    for (const f of FLAGS as readonly FlagDef[]) {
      if (f.category !== cat.id) continue;
      const syn = flagSynopsis(f);
      lines.push(syn.length < 26 ? `  ${syn.padEnd(26)}${f.summary}` : `  ${syn}\n  ${' '.repeat(26)}${f.summary}`);
    }
    lines.push('');
  }
  lines.push('Exit status: 0 a record matched, 1 none matched, 2 an error.', 'See man chainsaw (man/chainsaw.1) for the filter language and examples.', '');
  return lines.join('\n');
}
