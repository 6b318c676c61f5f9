/**
 * On the real promtool:
 * - the burn-rate alerts' generated tests can fail: with the evidence floor (minEvents) removed
 *   from ErrorBudgetBurnFast, its low-traffic test pages and the real promtool reports it;
 * - the period's error ratio and remaining budget, summed from hourly picks, match the traffic
 *   fed over 12 hours, and exist before the first hour has passed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, renderModel, writeGeneratedFiles } from '../src/index.js';
import { rulesGenerator } from '../src/rules/generator.js';
import { encodeSeries, seriesName } from '../src/rules/series.js';

const run = promisify(execFile);
const directories: string[] = [];

afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

async function renderedRules(): Promise<{ model: Awaited<ReturnType<typeof loadModel>>; directory: string }> {
  const model = await loadModel();
  const directory = await mkdtemp(join(tmpdir(), 'vigil-slo-promtool-'));
  directories.push(directory);
  await writeGeneratedFiles(renderModel(model, [rulesGenerator]), { outDir: directory, source: model.source });
  return { model, directory };
}

describe('ErrorBudgetBurnFast tests', () => {
  it('fail on the low-traffic case when the rule drops its minEvents guard', async () => {
    const { directory } = await renderedRules();
    const p1 = join(directory, 'alerts', 'p1-page.yml');
    const text = await readFile(p1, 'utf8');
    const unguarded = text.replace(/ and vigil:slo_events:increase\w+ >= vigil:slo_min_events/g, '');
    expect(unguarded).not.toBe(text);
    await writeFile(p1, unguarded);
    const failure = await run('/usr/bin/promtool', ['test', 'rules', join('alerts', 'tests', 'ErrorBudgetBurnFast.yml')], {
      cwd: directory,
      timeout: 400_000,
    }).then(
      () => undefined,
      (error: { code?: number; stdout?: string; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    const output = `${failure?.stdout ?? ''}${failure?.stderr ?? ''}`;
    expect(output).toContain('FAILED');
    expect(output).toContain('under minEvents, never pages');
    // Only the low-traffic case breaks: the others do not depend on the guard.
    expect(output).not.toContain('burns its budget at');
  }, 420_000);
});

describe('the error budget over the SLO period', () => {
  it('sums hourly picks to the ratio fed over 12 hours (none, then 0.05% errors), and starts before the first hour', async () => {
    const { model, directory } = await renderedRules();
    const slo = model.slos.find((candidate) => candidate.sli === 'availability');
    if (slo === undefined) throw new Error('the example spec has no availability SLO');
    const quietMinutes = 6 * 60;
    const perMinute = 10_000;
    const badPerMinute = 5;
    const counter = (increment: (minute: number) => number): number[] => {
      const values = [0];
      for (let minute = 1; minute <= 2 * quietMinutes; minute++) values.push(values.at(-1)! + increment(minute));
      return values;
    };
    const failing = (minute: number): boolean => minute > quietMinutes;
    const labels = { job: slo.job, instance: 'api:9464', method: 'GET', route: '/items' };
    const selector = `{slo="${slo.name}"}`;
    // Within 3% of the fed ratio: the 5m rates take 5 minutes to ramp at the switch (about 1.4% of 3 hours),
    // and promtool compares values exactly.
    const near = (series: string, value: number): string => `abs(${series}${selector} - ${value}) < bool ${Math.abs(value) * 0.03 + 1e-9}`;
    const budget = 1 - slo.objective;
    const ratioAfter = (hours: number): number => (badPerMinute / perMinute) * Math.max(0, hours - quietMinutes / 60) / hours;
    const file = {
      rule_files: ['../recording-rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            { series: seriesName('http_request_duration_seconds_count', { ...labels, status_code: '200' }), values: encodeSeries(counter((m) => perMinute - (failing(m) ? badPerMinute : 0))) },
            { series: seriesName('http_request_duration_seconds_count', { ...labels, status_code: '500' }), values: encodeSeries(counter((m) => (failing(m) ? badPerMinute : 0))) },
          ],
          promql_expr_test: [
            { expr: `vigil:slo_error_ratio:period${selector}`, eval_time: '30m', exp_samples: [{ labels: labelsOf('vigil:slo_error_ratio:period', slo), value: 0 }] },
            ...[9, 12].map((hours) => ({ expr: near('vigil:slo_error_ratio:period', ratioAfter(hours)), eval_time: `${hours}h`, exp_samples: [{ labels: labelsOf('', slo), value: 1 }] })),
            { expr: near('vigil:slo_error_budget_remaining:ratio', 1 - ratioAfter(12) / budget), eval_time: '12h', exp_samples: [{ labels: labelsOf('', slo), value: 1 }] },
          ],
        },
      ],
    };
    await writeFile(join(directory, 'alerts', 'tests', 'period-budget.yml'), stringify(file));
    const result = await run('/usr/bin/promtool', ['test', 'rules', join('alerts', 'tests', 'period-budget.yml')], { cwd: directory, timeout: 400_000 }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: error.code, output: `${error.stdout ?? ''}${error.stderr ?? ''}` }),
    );
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  }, 420_000);
});

/** The SLO's identity labels as promtool prints them, under `name` when one is given. */
function labelsOf(name: string, slo: { job: string; period: string; service: string; sli: string; name: string; team: string }): string {
  const pairs = { job: slo.job, period: slo.period, service: slo.service, sli: slo.sli, slo: slo.name, team: slo.team };
  return `${name}{${Object.entries(pairs).map(([key, value]) => `${key}="${value}"`).join(', ')}}`;
}
