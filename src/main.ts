import { readFileSync } from 'node:fs';
import { ChainsawError, InputError, QuerySyntaxError, describeSystemError } from './errors.js';
import { loadConfig, type Config } from './cli/config.js';
import type { Shell } from './cli/doc/completions.js';
import { renderHelp } from './cli/flags.js';
import { parseArgs, type ParsedArgs } from './cli/parse.js';
import { resolvePlan, type Plan } from './cli/resolve.js';
import { FieldHints } from './hints.js';
import { Output } from './output.js';
import { pagerCommand, startPager, type Pager } from './pager.js';
import { parallelizable, runParallel, workerCount, type PlanInput } from './parallel.js';
import { runPipeline } from './pipeline.js';
import { printExpr } from './query/print.js';
import { levelName } from './record/levels.js';
import { makeRenderer } from './render/index.js';
import { escapeMessage } from './render/escape.js';
import { renderStatsJson, renderStatsText } from './render/stats.js';
import { StatsCollector } from './stats.js';

export interface Io {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  /** Follow mode calls this: SIGINT/SIGTERM then abort the signal instead of ending the process. */
  readonly trapInterrupts?: () => AbortSignal;
  /** While a pager runs, Ctrl-C is the pager's: chainsaw ends when the pager does. */
  readonly ignoreInterrupts?: () => void;
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The error as one line (a query error: with its caret), naming the config source it came from. */
function describe(e: unknown, source?: string): string {
  const from = source ? `${source}: ` : '';
  if (e instanceof QuerySyntaxError) return e.describe(`chainsaw: ${from}${e.label}`);
  if (e instanceof ChainsawError) return `chainsaw: ${from}${e.message}`;
  const err = e as Error;
  return `chainsaw: internal error: ${err?.message ?? String(e)}`;
}

/** The command line alone asks for --help. */
function asksHelp(argv: readonly string[]): boolean {
  try {
    return parseArgs(argv).help === true;
  } catch {
    return false;
  }
}

/** The pager, when one can be started; otherwise the output goes to the terminal, with one line saying why. */
async function openPager(io: Io, say: (s: string) => void): Promise<Pager | undefined> {
  const words = pagerCommand(io.env);
  if (!words) return undefined;
  try {
    const pager = await startPager(words, io.env);
    io.ignoreInterrupts?.();
    return pager;
  } catch (e) {
    say(`chainsaw: cannot start the pager '${words.join(' ')}': ${describeSystemError(e)}`);
    return undefined;
  }
}

/** Runs chainsaw; returns the exit status (0 matched, 1 nothing matched, 2 error). Never exits. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  // A message may name a file or quote a value from the logs: its unsafe characters are escaped.
  const say = (s: string) => io.stderr.write(`${escapeMessage(s.replace(/\n$/, ''))}\n`);
  let output: Output | undefined;
  let pager: Pager | undefined;
  let source: string | undefined;
  try {
    const useConfig = !argv.includes('--no-config');
    let config: Config = { words: [], sources: [], aliases: undefined };
    try {
      if (useConfig) config = loadConfig(io.env);
    } catch (e) {
      // A broken config file must not break --help.
      if (!asksHelp(argv)) throw e;
    }
    const words = [...config.words, ...argv];
    const plannedFrom = async (w: readonly string[]) => {
      const args = parseArgs(w);
      if (args.help || args.version || args.completions) return { args, plan: undefined };
      const planInput: PlanInput = {
        words: w, env: { ...io.env }, stdoutIsTTY: io.stdout.isTTY === true, stdoutColumns: io.stdout.columns, aliases: config.aliases, now: Date.now(),
      };
      return { args, planInput, plan: await resolvePlan(args, { ...planInput, stdin: io.stdin }) };
    };
    let resolved: { args: ParsedArgs; plan?: Plan; planInput?: PlanInput };
    try {
      resolved = await plannedFrom(words);
    } catch (e) {
      // Nor may a bad option in the config file or CHAINSAW_OPTIONS.
      if (asksHelp(argv)) {
        resolved = { args: { _: [], help: true } };
      } else {
        // An option from the config file or CHAINSAW_OPTIONS that fails on its own is named by where it came from.
        for (const s of config.sources) {
          const alone = await plannedFrom(s.words).then(() => undefined, (inner: unknown) => inner);
          if (alone instanceof ChainsawError && e instanceof ChainsawError && alone.message === e.message) source = s.label;
          if (source) break;
        }
        throw e;
      }
    }
    const { args } = resolved;
    if (args.help) {
      io.stdout.write(renderHelp(io.stdout.isTTY ? io.stdout.columns : undefined));
      return 0;
    }
    if (args.completions) {
      const { renderCompletions } = await import('./cli/doc/completions.js');
      io.stdout.write(renderCompletions(args.completions as Shell));
      return 0;
    }
    if (args.version) {
      io.stdout.write(`chainsaw ${version()}\n`);
      return 0;
    }
    const { plan: resolvedPlan, planInput } = resolved as { plan: Plan; planInput: PlanInput };
    if (args.explain) {
      if (resolvedPlan.expr) io.stdout.write(`${printExpr(resolvedPlan.expr)}\n`);
      return 0;
    }
    // A field of the filter (or of -k) that may be a typo is looked for, to say so after the run.
    const hints = resolvedPlan.follow ? undefined : new FieldHints(resolvedPlan);
    const plan = hints?.active ? { ...resolvedPlan, inputs: resolvedPlan.inputs.map((s) => hints.tap(s)) } : resolvedPlan;

    pager = plan.pager ? await openPager(io, say) : undefined;
    output = new Output(pager?.input ?? io.stdout);
    let failed = false;
    const report = (e: InputError) => {
      failed = true;
      say(`chainsaw: ${e.message}`);
    };
    const stats = plan.stats ? new StatsCollector(levelName) : undefined;
    const renderer = plan.count || stats ? undefined : makeRenderer(plan.output, plan.render);
    if (renderer?.begin) output.write(renderer.begin());
    let result;
    if (plan.follow && plan.remote) {
      const { followHosts } = await import('./remote/follow.js');
      result = await followHosts(plan, plan.remote, { output, renderer, stats }, report, (m) => say(`chainsaw: ${m}`), io.trapInterrupts?.() ?? new AbortController().signal);
    } else if (plan.follow) {
      const { runFollow } = await import('./follow/follow.js');
      result = await runFollow(plan, { output, renderer, stats }, report, io.trapInterrupts?.() ?? new AbortController().signal, (m) => say(`chainsaw: ${m}`));
    } else if (await parallelizable(plan, workerCount(plan, io.env))) {
      result = await runParallel(plan, planInput, workerCount(plan, io.env), { output, renderer, stats }, report);
    } else {
      result = await runPipeline(plan, { output, renderer, stats }, report, (m) => say(`chainsaw: ${m}`));
    }
    if (renderer?.end) output.write(renderer.end());
    if (plan.count) output.write(`${result.matched}\n`);
    if (stats) {
      const summary = stats.summary();
      output.write(plan.output === 'json' ? renderStatsJson(summary, plan.render) : renderStatsText(summary, plan.render));
    }
    await output.flush(true);
    await pager?.close();
    if (output.failure) throw new ChainsawError(`write error: ${describeSystemError(output.failure)}`);
    if (output.closed) return 0;
    if (hints?.active && !failed) for (const m of await hints.messages(result.matched)) say(`chainsaw: ${m}`);
    if (failed) return 2;
    return result.matched > 0 ? 0 : 1;
  } catch (e) {
    // What was found before the error is still written (grep prints the lines before a failure).
    await output?.flush(true).catch(() => undefined);
    await pager?.close();
    say(describe(e, source));
    if (io.env.CHAINSAW_DEBUG && e instanceof Error && e.stack) say(e.stack);
    return e instanceof ChainsawError ? e.exitCode : 2;
  }
}
