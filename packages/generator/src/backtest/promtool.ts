/**
 * Runs one simulated scenario through the real `promtool test rules` and reads back which
 * alerts fired when. promtool evaluates the rules step by step over the input series and
 * stores the `ALERTS` series it produces; one `promql_expr_test` per step asks for
 * `ALERTS{alertstate="firing"}` and expects nothing, so promtool prints exactly the steps at
 * which something fired ("got: ..."), and passes when nothing did.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseDuration } from '../spec/duration.js';
import { encodeSeries, testTime, type Sample } from '../rules/series.js';
import { stringify } from 'yaml';

const run = promisify(execFile);

/**
 * Alerts that page or ticket: every Vigil alert carries a `priority`. The Watchdog heartbeat
 * has none (it fires all the time, on purpose, to a heartbeat receiver) and is left out.
 */
export const firingQuery = 'ALERTS{alertstate="firing",priority!=""}';

export interface RuleSet {
  /** Absolute paths of the rule files, in load order. */
  readonly files: readonly string[];
  /** Group names, recording-only groups first, when they are unique (promtool's group_eval_order). */
  readonly groupOrder?: readonly string[];
}

/** promtool's unit-test file for a scenario: its series and one firing check per step. */
export function promtoolTestFile(rules: RuleSet, series: ReadonlyMap<string, readonly Sample[]>, steps: number, stepSeconds: number, fromSeconds = 0): string {
  const interval = testTime(stepSeconds);
  const checks: string[] = [];
  for (let step = Math.ceil(fromSeconds / stepSeconds); step < steps; step++) checks.push(`  - expr: '${firingQuery}'\n    eval_time: ${testTime(step * stepSeconds)}\n    exp_samples: []`);
  const head = stringify({
    rule_files: [...rules.files],
    evaluation_interval: interval,
    ...(rules.groupOrder === undefined ? {} : { group_eval_order: [...rules.groupOrder] }),
    tests: [{ interval, input_series: [...series].map(([name, samples]) => ({ series: name, values: encodeSeries(samples) })) }],
  }, { lineWidth: 0 });
  // Thousands of identical checks: written by hand, stringify would take longer than promtool.
  return `${head}    promql_expr_test:\n${checks.map((check) => check.replace(/^ {2}/gm, '      ')).join('\n')}\n`;
}

/** One alert's label set seen firing at one step. */
export interface FiringSample {
  readonly at: number;
  readonly labels: Readonly<Record<string, string>>;
}

const evalTimeLine = /expr: "ALERTS\{[^}]*\}", time: (\S+),/;
const seriesPattern = /\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(?:, )?)*)\} (\S+)/g;
const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Firing samples from promtool's failure report; throws when promtool failed for any other reason. */
export function parsePromtoolOutput(output: string): FiringSample[] {
  const samples: FiringSample[] = [];
  const lines = output.split('\n');
  let at: number | undefined;
  for (const line of lines) {
    const time = evalTimeLine.exec(line);
    if (time !== null) {
      const ms = time[1] === '0s' ? 0 : parseDuration(time[1]!);
      if (ms === undefined) throw new Error(`backtest: cannot read promtool eval time "${time[1]}"`);
      at = ms / 1000;
      continue;
    }
    const got = /^\s+got: (.*)$/.exec(line);
    if (got === null || at === undefined) continue;
    for (const match of got[1]!.matchAll(seriesPattern)) {
      const labels: Record<string, string> = {};
      for (const label of match[1]!.matchAll(labelPattern)) labels[label[1]!] = JSON.parse(`"${label[2]!}"`) as string;
      delete labels.__name__;
      delete labels.alertstate;
      samples.push({ at, labels });
    }
    at = undefined;
  }
  return samples;
}

/** promtool ran past its time limit and was killed; the scenario cannot be judged. */
export class PromtoolTimeoutError extends Error {}

export interface PromtoolRun {
  readonly firing: FiringSample[];
  readonly seconds: number;
}

/** Writes the test file into `dir` and runs promtool on it. */
export async function runPromtool(promtool: string, dir: string, name: string, text: string, timeoutMs: number): Promise<PromtoolRun> {
  const path = join(dir, `${name}.yml`);
  await writeFile(path, text);
  const started = process.hrtime.bigint();
  let output: string;
  try {
    const { stdout, stderr } = await run(promtool, ['test', 'rules', path], { cwd: dir, timeout: timeoutMs, maxBuffer: 512 * 1024 * 1024 });
    output = stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; killed?: boolean; code?: unknown; message: string };
    if (failed.killed === true) throw new PromtoolTimeoutError(`promtool did not finish within ${timeoutMs / 1000}s (raise --timeout); not judged`);
    output = `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
    // Failed checks are how firing alerts come back; anything else is a real failure.
    if (!output.includes('got:')) throw new Error(`backtest: promtool failed on ${name}:\n${output.slice(0, 2000)}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { firing: parsePromtoolOutput(output), seconds };
}
