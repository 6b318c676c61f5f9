/**
 * `runBacktest`: renders the rules of a spec through the real model and rules generator into a
 * temp directory, simulates each scenario, runs it through the real `promtool test rules`
 * (at most two at a time) and judges what fired against the scenario's expectation.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { defaultConfigPath, loadModel, renderModel } from '../generate.js';
import type { BuildModelOptions } from '../model/build.js';
import type { Model } from '../model/types.js';
import { findRepoRoot } from '../repo-root.js';
import { renderFile } from '../writer.js';
import { judge, unjudged, type ScenarioResult } from './evaluate.js';
import { PromtoolTimeoutError, promtoolTestFile, runPromtool, type PromtoolRun, type RuleSet } from './promtool.js';
import { markdownReport, totals, type BacktestTotals, type SkippedScenario } from './report.js';
import { resolveRoles, type Roles, type Scenario } from './scenario.js';
import { scenarios as library } from './scenarios/index.js';
import { World } from './simulation.js';

export interface BacktestOptions extends BuildModelOptions {
  /** Spec path (default monitoring/vigil.config.ts), relative to the repository root unless absolute. */
  readonly configPath?: string;
  /** A model already built (tests); replaces `configPath`. */
  readonly model?: Model;
  /** `short`: the scenarios `pnpm test` runs; `full`: every scenario. Default `full`. */
  readonly set?: 'short' | 'full';
  /** Only these scenarios (by name). */
  readonly only?: readonly string[];
  /** Scenarios to run instead of the library (tests). */
  readonly scenarios?: readonly Scenario[];
  /** promtool processes at once: 1 or 2 (default 2). */
  readonly concurrency?: number;
  readonly promtool?: string;
  /** Simulated sample and evaluation interval, seconds (default 60). */
  readonly stepSeconds?: number;
  /** Where to write the markdown report, relative to the repository root unless absolute. */
  readonly reportPath?: string;
  /**
   * Seconds one promtool run may take (default 1800). A scenario past it is killed and reported
   * as failed (not judged), so a whole run is bounded by about this times the scenarios / concurrency.
   */
  readonly timeoutSeconds?: number;
  /** Called as each scenario finishes. */
  readonly onResult?: (result: ScenarioResult) => void;
}

export interface BacktestResult {
  readonly results: readonly ScenarioResult[];
  readonly skipped: readonly SkippedScenario[];
  readonly totals: BacktestTotals;
  readonly passed: boolean;
  readonly markdown: string;
  readonly reportPath?: string;
}

interface RenderedRules extends RuleSet {
  /** Every rule file's text, for the SLO scenarios' condition. */
  readonly text: string;
}

/** Writes the spec's rule files (recording and alerting, not their tests) into `dir`. */
async function renderRules(model: Model, dir: string): Promise<RenderedRules> {
  const files = renderModel(model).filter(
    (file) => file.format === 'yaml' && file.path.startsWith('alerts/') && !file.path.startsWith('alerts/tests/') && Array.isArray((file.data as { groups?: unknown }).groups),
  );
  if (files.length === 0) throw new Error(`backtest: ${model.source} renders no rule file`);
  const paths: string[] = [];
  const recordingGroups: string[] = [];
  const alertingGroups: string[] = [];
  const texts: string[] = [];
  for (const file of files) {
    const path = join(dir, 'rules', file.path);
    await mkdir(dirname(path), { recursive: true });
    const text = renderFile(file, model.source);
    await writeFile(path, text);
    paths.push(path);
    texts.push(text);
    for (const group of (file.data as { groups: { name: string; rules: { alert?: string }[] }[] }).groups) {
      (group.rules.every((rule) => rule.alert === undefined) ? recordingGroups : alertingGroups).push(group.name);
    }
  }
  // Recording groups first, so alerts read this evaluation's recorded series (as the
  // generated promtool tests do); promtool wants the names unique.
  const order = [...recordingGroups, ...alertingGroups];
  const unique = new Set(order).size === order.length;
  return { files: paths, ...(unique ? { groupOrder: order } : {}), text: texts.join('\n') };
}

/** Why a scenario cannot run on this spec, or undefined. */
function unmet(scenario: Scenario, roles: Roles, rules: RenderedRules, model: Model): string | undefined {
  const missing = scenario.needs.filter((role) => roles[role] === undefined);
  if (missing.length > 0) return `the spec has no ${missing.join(', ')} (see Roles in backtest/scenario.ts)`;
  for (const alert of scenario.needsAlerts ?? []) {
    if (!new RegExp(`alert: ${alert}\\b`).test(rules.text)) return `the rendered rules have no ${alert} (the spec declares no SLO)`;
  }
  if (scenario.needsAlerts !== undefined) {
    const target = scenario.needs.map((role) => roles[role]).find((value) => value !== undefined);
    const name = target !== undefined && 'model' in target ? target.model.name : undefined;
    // The target must have an SLO in the spec (the rules carry it as label values, not by name).
    if (name !== undefined && !model.slos.some((slo) => slo.service === name || ('pipeline' in slo && slo.pipeline === name))) {
      return `the spec declares no SLO for "${name}"`;
    }
  }
  return undefined;
}

async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(width, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

export function selectScenarios(options: Pick<BacktestOptions, 'set' | 'only' | 'scenarios'>): Scenario[] {
  const all = options.scenarios ?? library;
  if (options.only !== undefined && options.only.length > 0) {
    const unknown = options.only.filter((name) => !all.some((scenario) => scenario.name === name));
    if (unknown.length > 0) throw new Error(`backtest: unknown scenario ${unknown.map((name) => `"${name}"`).join(', ')} (known: ${all.map((scenario) => scenario.name).join(', ')})`);
    return all.filter((scenario) => options.only!.includes(scenario.name));
  }
  return options.set === 'short' ? all.filter((scenario) => scenario.short === true) : [...all];
}

export async function runBacktest(options: BacktestOptions = {}): Promise<BacktestResult> {
  const repoRoot = findRepoRoot();
  const model = options.model ?? (await loadModel(options.configPath ?? defaultConfigPath, options));
  const stepSeconds = options.stepSeconds ?? 60;
  const concurrency = Math.min(2, Math.max(1, options.concurrency ?? 2));
  const promtool = options.promtool ?? 'promtool';
  const chosen = selectScenarios(options);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-backtest-'));
  try {
    const rules = await renderRules(model, dir);
    const skipped: SkippedScenario[] = [];
    const runnable: Scenario[] = [];
    for (const scenario of chosen) {
      const probe = new World(model, { fromHour: scenario.fromHour ?? 0, hours: scenario.hours, stepSeconds, seed: scenario.seed });
      const reason = unmet(scenario, resolveRoles(probe, model), rules, model);
      if (reason === undefined) runnable.push(scenario);
      else skipped.push({ name: scenario.name, reason });
    }
    const reportPath = options.reportPath === undefined ? undefined : resolve(repoRoot, options.reportPath);
    if (reportPath !== undefined) await mkdir(dirname(reportPath), { recursive: true });
    const setName = options.only !== undefined ? 'selected' : options.set ?? 'full';
    const report = (results: readonly ScenarioResult[], pending: number): string => {
      const markdown = markdownReport({ source: model.source, results, skipped, summary: totals(results, skipped), stepSeconds, set: setName });
      return pending === 0 ? markdown : markdown.replace('\n## Totals', `\n**In progress: ${pending} scenario(s) still running; totals so far.**\n\n## Totals`);
    };
    // Shortest first: an interrupted or slow run has reported the most scenarios by then,
    // and the report file is rewritten after each scenario.
    const byLength = [...runnable].sort((a, b) => a.hours - b.hours);
    const done: ScenarioResult[] = [];
    const finished = await pool(byLength, concurrency, async (scenario) => {
      const world = new World(model, { fromHour: scenario.fromHour ?? 0, hours: scenario.hours, stepSeconds, seed: scenario.seed });
      const expectation = scenario.setup(world, resolveRoles(world, model) as Required<Roles>);
      let text: string | undefined = promtoolTestFile(rules, world.render(), world.steps, stepSeconds, world.start);
      const timeoutSeconds = options.timeoutSeconds ?? 1800;
      let run: PromtoolRun | Error;
      const began = performance.now();
      try {
        run = await runPromtool(promtool, dir, scenario.name, text, timeoutSeconds * 1000);
      } catch (error) {
        // A scenario promtool cannot finish (past its timeout, or a query limit hit on its series)
        // fails alone, reported with the reason; the other scenarios are still judged.
        run = error instanceof Error ? error : new Error(String(error));
      }
      text = undefined;
      const result =
        run instanceof Error
          ? unjudged(scenario, expectation, run.message, {
              start: world.start,
              horizon: world.horizon,
              promtoolSeconds: run instanceof PromtoolTimeoutError ? timeoutSeconds : (performance.now() - began) / 1000,
            })
          : judge(scenario, expectation, run.firing, { stepSeconds, start: world.start, horizon: world.horizon, promtoolSeconds: run.seconds });
      done.push(result);
      if (reportPath !== undefined) {
        const ordered = runnable.filter((candidate) => done.some((entry) => entry.scenario === candidate)).map((candidate) => done.find((entry) => entry.scenario === candidate)!);
        await writeFile(reportPath, report(ordered, runnable.length - done.length));
      }
      options.onResult?.(result);
      return result;
    });
    const results = runnable.map((scenario) => finished[byLength.indexOf(scenario)]!);
    const summary = totals(results, skipped);
    const markdown = report(results, 0);
    if (reportPath !== undefined) await writeFile(reportPath, markdown);
    return { results, skipped, totals: summary, passed: results.every((result) => result.passed), markdown, ...(reportPath === undefined ? {} : { reportPath }) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
