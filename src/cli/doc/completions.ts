import { FLAGS, flagWords, type FlagDef } from '../flags.js';

/** The shells `--completions` writes a script for. */
export type Shell = 'bash' | 'zsh' | 'fish';

const DEFS = FLAGS as readonly FlagDef[];
const COMMANDS = ['chainsaw', 'gelf-chainsaw'];

/** The values a flag's argument completes to: its fixed choices, else its suggestions. */
function valuesOf(f: FlagDef): readonly string[] {
  return f.choices ?? f.suggest ?? [];
}

const takesFile = (f: FlagDef): boolean => f.file === true || f.arg === 'FILE';

/** A single-quoted shell word (bash, zsh and fish all read '…' with '\'' for a quote). */
function quoted(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function bash(): string {
  const cases: string[] = [];
  for (const f of DEFS) {
    if (!f.arg) continue;
    const words = flagWords(f).join('|');
    const values = valuesOf(f);
    if (values.length) cases.push(`    ${words}) COMPREPLY=($(compgen -W ${quoted(values.join(' '))} -- "$cur")); return ;;`);
    else if (takesFile(f)) cases.push(`    ${words}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`);
    else cases.push(`    ${words}) COMPREPLY=(); return ;;`);
  }
  const all = DEFS.flatMap(flagWords).join(' ');
  return `# bash completion for chainsaw (chainsaw --completions bash), generated from its flag table
_chainsaw() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  case $prev in
${cases.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W ${quoted(all)} -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -o bashdefault -F _chainsaw ${COMMANDS.join(' ')}
`;
}

/** Text inside an _arguments spec: its brackets and colons are syntax. */
function zshText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/([[\]:])/g, '\\$1');
}

function zsh(): string {
  const specs: string[] = [];
  for (const f of DEFS) {
    const words = flagWords(f);
    // Repeatable flags may be given again; the others exclude their own other spellings.
    const exclusive = f.type === 'array' ? '*' : words.length > 1 ? `(${words.join(' ')})` : '';
    const values = valuesOf(f);
    const action = !f.arg ? '' : values.length ? `:${zshText(f.arg)}:(${values.join(' ')})` : takesFile(f) ? `:${zshText(f.arg)}:_files` : `:${zshText(f.arg)}: `;
    const spelled = words.length > 1 ? `{${words.join(',')}}` : words[0]!;
    specs.push(`    ${quoted(exclusive)}${spelled}${quoted(`[${zshText(f.summary)}]${action}`)}`);
  }
  return `#compdef ${COMMANDS.join(' ')}
# zsh completion for chainsaw (chainsaw --completions zsh), generated from its flag table
_chainsaw() {
  _arguments -s -S \\
${specs.join(' \\\n')} \\
    '*:file:_files'
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _chainsaw "$@"
else
  compdef _chainsaw ${COMMANDS.join(' ')}
fi
`;
}

function fish(): string {
  const lines = ['# fish completion for chainsaw (chainsaw --completions fish), generated from its flag table'];
  for (const f of DEFS) {
    const parts = ['complete -c chainsaw'];
    for (const w of flagWords(f)) parts.push(w.startsWith('--') ? `-l ${w.slice(2)}` : w.length === 2 ? `-s ${w.slice(1)}` : `-o ${w.slice(1)}`);
    const values = valuesOf(f);
    if (f.arg) parts.push(values.length ? `-x -a ${quoted(values.join(' '))}` : takesFile(f) ? '-r -F' : '-x');
    parts.push(`-d ${quoted(f.summary.replace(/\.$/, ''))}`);
    lines.push(parts.join(' '));
  }
  lines.push('complete -c gelf-chainsaw -w chainsaw', '');
  return lines.join('\n');
}

/** The completion script for a shell, generated from FLAGS like --help and the man page. */
export function renderCompletions(shell: Shell): string {
  return shell === 'bash' ? bash() : shell === 'zsh' ? zsh() : fish();
}
