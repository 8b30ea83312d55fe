import { CATEGORIES, FLAGS, USAGE_LINE, flagSynopsis, type FlagDef } from '../flags.js';
import { EXAMPLES, exampleCommand } from './examples.js';

/** Escapes text for roff: backslashes, and a leading dot or quote that would read as a request. */
function roff(s: string): string {
  return s.replace(/\\/g, '\\e').replace(/-/g, '\\-').replace(/^([.'])/gm, '\\&$1');
}

const GRAMMAR = `expr     := or
or       := and (("or" | "||") and)*
and      := unary (("and" | "&&") unary)*
unary    := ("not" | "!") unary | "(" expr ")" | test
test     := operand (op operand)? | "exists" "(" field ")"
          | ("fuzzy" | "fuzzyword") "(" field "," string "," number ")"
op       := "==" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "~" | "!~"
          | "contains" | "in" | "startswith" | "endswith"
operand  := field | string | number | regex | list | true | false | null
field    := (name | "[" string "]") ("." name | "[" string "]")* | jsonpath
string   := "..." | '...'          (JSON escapes)
regex    := /.../[imsu]            (JavaScript regular expression)
list     := "(" operand ("," operand)* ")"   (only after in)`;

const SECTIONS: readonly [string, string][] = [
  ['INPUT', `With no FILE, or with \\-, chainsaw reads standard input (a terminal is not read: that is a usage error). A FILE may be gzip\\-compressed; it is detected by its first bytes, not its name. A DIR is read as an svlogd/multilog directory: the rotated files @*.s and @*.u in name order, then current. Several inputs are merged into one stream in timestamp order, each labelled with where it came from; --no-merge concatenates them.
.PP
A line may carry a prefix before its JSON object, which is kept, and used as the record's time when the object has none: svlogd \\-t TAI64N (@400000004ef7...), svlogd \\-tt/\\-ttt (2011\\-12\\-26_09:14:46.12345), an RFC 3339 timestamp as docker and kubectl \\-\\-timestamps write it, or a syslog header (Dec 26 09:14:46 host app[123]: ). Input that is not a regular file (a pipe, a FIFO, a terminal, a socket; tail \\-F current | chainsaw) is shown live: a matching record is written within 50 ms of its line arriving, while output stays batched as long as data keeps coming. A record held for the merge of several inputs waits at most 100 ms of silence on a live input.
.PP
Lines that are not JSON objects are never an error and never lost: without a filter they are shown dimmed in human output and passed through by raw output; with a filter they do not match unless \\-\\-invalid show.`],
  ['CANONICAL FIELDS', `Every record has the canonical fields time, level, message, facility, host and txnId, found in the common log shapes (GELF, bunyan, pino, ECS, docker json\\-file, journald, zap, slog, structlog, Serilog CLEF, winston). time comes from timestamp, time, @timestamp, ts, @t, __REALTIME_TIMESTAMP or date, then the line prefix; epoch numbers are read by magnitude (nanoseconds above 1e17, microseconds above 1e14, milliseconds above 1e11, else seconds); a time no date can hold, a day that does not exist (2011\\-02\\-30) or an offset beyond \\(+-14:00 is no time, and years 0000 to 0099 are read as written. level is a syslog severity 0..8 (8 is trace), from syslog numbers, bunyan/pino numbers (60 fatal, 50 error, 40 warn, 30 info, 20 debug, 10 trace) or names in any case. message comes from short_message, msg, message, @m, MESSAGE, event or log; facility from facility, _facility, name, logger, logger_name, log.logger, _SYSTEMD_UNIT or SYSLOG_IDENTIFIER; host from host, hostname, _HOSTNAME or host.name; txnId from txnId, _txnId, txn_id, _txn_id, transaction.id, trace_id, traceId, req_id or reqId.
.PP
Any other name x is the key x, else the GELF additional field _x. Dotted paths walk nested objects (headers.user\\-agent); a key with a dot in it is written in brackets (["log.level"]). A canonical name shadows a raw key of the same name; the raw value is reachable with JSONPath ($.level).`],
  ['FILTER EXPRESSIONS', `.nf
${roff(GRAMMAR)}
.fi
.PP
Keywords are case\\-insensitive; = is ==. ~ matches a regular expression (a string on the right is compiled as one), !~ is its negation. Comparisons are typed: numbers numerically, strings by code unit, level against a name or number by severity (level <= warn is warn or worse, as .level <= 4 in jq on GELF), time against a TIME as instants. A string that looks like a number equals that number (status == 404 matches "404"). A missing field makes every comparison false except != and !~. Every regular expression runs in time linear in the text it is matched against, whatever a log line holds; one that no linear engine can run (lookaround, backreferences, repeats over 1000) is refused at its column. A JSONPath operand is evaluated by jsonpath\\-plus on the raw object, with scripts in its safe mode (a script that does not parse is an error); it matches if any of its values does. A lone string or regex searches the message; a lone field is true when it exists and is not false, null or "". Errors are reported before any input is read, with a caret under the column.
.PP
Examples:
.RS
.nf
txnId == ".rh\\-3dT5.h\\-product\\-api0"
level <= err and facility ~ /^myapp\\e.api/
headers.user\\-agent contains "BadAgent"
status in (500, 502, 503) and not exists(retry)
time >= "2011\\-12\\-26 09:14" and time < "2011\\-12\\-26 09:20"
$.level == 3
.fi
.RE`],
  ['GRAYLOG QUERIES', `\\-g QUERY takes the query language of Graylog's search bar (Lucene query_string), so a query can be pasted from Graylog or a runbook written for it, and gives the records Graylog would give. Field names are GELF additional fields without their _ (txnId:abc finds _txnId) or with it (_txnId:abc); source and host are the host; message, full_message, level, facility and timestamp are as in Graylog; any other name is found as in \\-q.
.PP
On message and full_message a value matches a word of the text ignoring case (words are runs of letters and digits), "a phrase" consecutive words, and wildcards and /regexes/ one whole word; on source and host the whole value ignoring case; on every other field the whole value exactly, numbers and numeric strings numerically (status:404 finds 404 and "404"). Wildcards * and ?, a leading one too; ranges [a TO b], {a TO b}, [a TO b}, * for an open end, and field:>=500, status:(>=400 AND <500); numbers compare as numbers, timestamp as times (the forms of \\-\\-since), anything else as strings. _exists_:field; AND, &&, OR, ||, NOT, !, +term (must), \\-term (must not), parentheses, field:(a OR b); clauses side by side are ORed, and AND binds tighter than OR. A term without a field matches a word of message or full_message or any field's whole value. term~ and term~N are fuzzy (N edits, swaps included, at most 2; ignoring case); "a b"~N lets the words stand N positions apart; ^N is accepted and changes nothing. \\e escapes a special character.
.PP
\\-\\-explain prints the \\-q expression a query compiles to (fuzzy terms use fuzzy() and fuzzyword(), which \\-q also accepts). Errors point at the column, as for \\-q.`],
  ['TIME', `TIME is ISO 8601 / RFC 3339, full or partial (2011\\-12\\-26, 2011\\-12\\-26 09:14, 09:14 meaning today), epoch seconds (1324830675.076), a duration ago (15m, 2h, 1d, 90s, 1h30m, also written \\-2h or "2 hours ago"), a syslog date of the current year (Dec 26 09:05), now, today or yesterday. Without a zone it is UTC, or local time with \\-\\-local.`],
  ['MANY MACHINES', `chainsaw \\-H HOSTS [OPTIONS] PATH ... reads the PATHs on every host over the system's ssh (so ~/.ssh/config, agents, ProxyJump and ControlMaster apply) and prints one timeline, merged by time. HOSTS is a comma list; api[1\\-3], web[01\\-12] (padding kept) and db[1,3,5\\-7] expand as in pdsh; user@host is allowed; \\-\\-hosts\\-file FILE reads one host a line with # comments. A host beginning with \\- or holding whitespace or a control character is a usage error.
.PP
Each host is reached as ssh \\-T \\-o BatchMode=yes \\-o ConnectTimeout=10 \\-o ServerAliveInterval=15 \\-o ServerAliveCountMax=3 HOST COMMAND with standard input closed; CHAINSAW_SSH replaces ssh (shell words; its options come first and win). At most \\-\\-fanout N hosts are connected at once (default 32). PATHs may be files, svlogd directories, gzip files and globs; only the glob characters * ? [ ] reach the remote shell unquoted.
.PP
Where chainsaw of the same major version is on a host's PATH it runs there with the filter and \\-o raw, so only matching lines cross the network; otherwise cat, gzip \\-dc and grep \\-F read and narrow the files there, and chainsaw filters here. Both give the same records. A chainsaw of another major version on a host is reported, its files read the POSIX way, and the status is 2. Human and table output label each record with its host, or host:file when a host has several files; in color, each host keeps a color of its own. A host that cannot be reached, refuses the key, has a changed host key, stops answering or lacks a path is reported once as chainsaw: HOST: reason, the others are still printed, and the status is 2. With \\-F every file on every host is followed at once (the host's chainsaw \\-F, else tail \\-F) and records are printed as they arrive; a dropped connection is reported (chainsaw: HOST: connection lost, retrying) and retried with backoff; the new connection resumes after the last line received when the file is the same one and not shorter, else starts at its end and says that lines written meanwhile are not shown.`],
  ['EXIT STATUS', `0 when at least one record matched (or, without filters, was printed); 1 when none did; 2 on an error (a bad option, a bad expression, an unreadable input), even if other inputs matched. An unreadable input is reported on standard error as chainsaw: FILE: reason, and the other inputs are still read. A closed pipe (chainsaw ... | head) ends chainsaw quietly with status 0.`],
  ['ENVIRONMENT', `NO_COLOR turns color off, FORCE_COLOR turns it on, FORCE_COLOR=0 off (for \\-\\-color auto). CHAINSAW_OPTIONS holds default options as shell words. CHAINSAW_NO_FASTPATH=1 turns off byte prefilters and other fast paths (for comparing outputs). CHAINSAW_WORKERS=N is read as \\-j N (its name before \\-j). CHAINSAW_DEBUG=1 adds a stack trace to internal errors. CHAINSAW_SSH replaces the ssh command of \\-H; CHAINSAW_REMOTE=posix makes \\-H read with the hosts' POSIX tools even where they have chainsaw. CHAINSAW_PAGER, else PAGER, names the pager (default less; empty or cat for none); LESS defaults to FRX for it. COLUMNS is the width table output fits when standard output is not a terminal.`],
  ['FILES', `$XDG_CONFIG_HOME/chainsaw/config.json (else ~/.config/chainsaw/config.json): default options as a JSON object of long option names ({"color": "always", "tz": "Europe/Berlin"}), and "aliases" adding keys to canonical fields ({"aliases": {"txnId": ["requestId"]}}). The command line wins; \\-\\-no\\-config ignores the file and CHAINSAW_OPTIONS. A bad option there is reported with where it came from (chainsaw: CHAINSAW_OPTIONS: ...).`],
];

/** The man page, rendered from FLAGS and EXAMPLES; test/cli/man.test.ts keeps man/chainsaw.1 equal to it. */
export function renderMan(version: string): string {
  const out: string[] = [
    `.TH CHAINSAW 1 "" "gelf-chainsaw ${version}" "User Commands"`,
    '.SH NAME',
    'chainsaw, gelf\\-chainsaw \\- explore JSON\\-per\\-line logs (GELF, bunyan, pino, ECS, docker, journald, CLEF, ...)',
    '.SH SYNOPSIS',
    `.B ${roff(USAGE_LINE)}`,
    '.SH DESCRIPTION',
    'chainsaw reads JSON\\-per\\-line logs from files, svlogd directories or standard input, narrows them with a small filter language (transaction id, level, facility, time range, any field), and prints the result as colored text, a table, or the untouched JSON lines for the next tool in a pipeline.',
  ];
  for (const cat of CATEGORIES) {
    out.push(`.SH ${cat.title.toUpperCase()} OPTIONS`);
    for (const f of FLAGS as readonly FlagDef[]) {
      if (f.category !== cat.id) continue;
      out.push('.TP', `.B ${roff(flagSynopsis(f))}`, roff(f.summary));
      if (f.doc) out.push(roff(f.doc));
    }
  }
  for (const [title, body] of SECTIONS) out.push(`.SH ${title}`, body);
  out.push('.SH EXAMPLES');
  for (const e of EXAMPLES) out.push('.PP', roff(e.what), '.RS', '.nf', roff(exampleCommand(e)), '.fi', '.RE');
  out.push('.SH SEE ALSO', 'grep(1), jq(1), tail(1), svlogd(8)');
  return `${out.join('\n')}\n`;
}
