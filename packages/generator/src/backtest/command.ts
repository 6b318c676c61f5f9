/**
 * The backtest command line, for `pnpm backtest` (bin.ts) and a `vigil backtest` subcommand.
 * `pnpm backtest [--set short|full] [--only a,b] [--config PATH] [--report PATH] [--concurrency 1|2] [--timeout SECONDS]`:
 * runs the backtest, prints the totals and the scenario table, writes the full report
 * (timelines included) to `.vigil-tmp/backtest.md`, and exits 1 when an expectation is broken or promtool could not
 * finish a scenario (past its timeout, or any other promtool failure: reported as failed, not judged; the other
 * scenarios still run, so the run is bounded).
 */
import { parseArgs } from 'node:util';
import { formatSpan } from './evaluate.js';
import { resultTable, totalsTable } from './report.js';
import { runBacktest, selectScenarios } from './run.js';

export const backtestUsage = 'usage: backtest [--set short|full] [--only NAME,...] [--config PATH] [--report PATH] [--concurrency 1|2] [--timeout SECONDS]';

/** Runs the backtest for a command line; returns the exit code (0 pass, 1 broken expectation or error, 2 bad arguments). */
export async function backtestCommand(argv: readonly string[], print: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  let values: { set?: string; only?: string; config?: string; report?: string; concurrency?: string; timeout?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { set: { type: 'string' }, only: { type: 'string' }, config: { type: 'string' }, report: { type: 'string' }, concurrency: { type: 'string' }, timeout: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    print(`backtest: ${(error as Error).message}\n${backtestUsage}`);
    return 2;
  }
  if (values.set !== undefined && values.set !== 'short' && values.set !== 'full') {
    print(`backtest: --set: expected "short" or "full", got "${values.set}"\n${backtestUsage}`);
    return 2;
  }
  const concurrency = values.concurrency === undefined ? 2 : Number(values.concurrency);
  if (concurrency !== 1 && concurrency !== 2) {
    print(`backtest: --concurrency: expected 1 or 2, got "${values.concurrency}"\n${backtestUsage}`);
    return 2;
  }
  const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutSeconds !== undefined && !(Number.isInteger(timeoutSeconds) && timeoutSeconds > 0)) {
    print(`backtest: --timeout: expected a whole number of seconds per scenario, got "${values.timeout}"\n${backtestUsage}`);
    return 2;
  }
  const only = values.only?.split(',').map((name) => name.trim()).filter((name) => name !== '');
  try {
    selectScenarios({ ...(only === undefined ? {} : { only }) });
  } catch (error) {
    print(`${(error as Error).message}\n${backtestUsage}`);
    return 2;
  }
  try {
    const result = await runBacktest({
      ...(values.config === undefined ? {} : { configPath: values.config }),
      set: (values.set ?? 'full') as 'short' | 'full',
      ...(only === undefined ? {} : { only }),
      reportPath: values.report ?? '.vigil-tmp/backtest.md',
      concurrency,
      ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
      onResult: (scenario) =>
        print(`${scenario.passed ? 'pass' : 'FAIL'}  ${scenario.scenario.name}  (promtool ${scenario.promtoolSeconds.toFixed(0)}s)${scenario.problems.map((problem) => `\n      ${problem}`).join('')}`),
    });
    print('');
    print(totalsTable(result.totals));
    print('');
    print(resultTable(result.results, 60));
    for (const entry of result.skipped) print(`not run: ${entry.name}: ${entry.reason}`);
    print('');
    const worst = result.totals.detection.map((stats) => `${stats.alert} ${formatSpan(stats.worstSeconds)}`).join(', ');
    if (worst !== '') print(`worst detection: ${worst}`);
    print(`report: ${result.reportPath ?? ''}`);
    return result.passed ? 0 : 1;
  } catch (error) {
    print((error as Error).message);
    return 1;
  }
}
