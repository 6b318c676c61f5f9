/**
 * The example spec with `selectorLabels: { environment: 'prod', cluster: 'eu-1' }`: every
 * selector of every generated rule and dashboard query matches both labels, every recorded
 * series and scrape target carries them, and the real promtool accepts the rules and passes
 * the generated tests (inputs and expected alerts carry the labels).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel, renderModel, writeGeneratedFiles, type GeneratedFile, type Model } from '../src/index.js';
import { buildDashboards } from '../src/dashboards/index.js';
import { prometheusConfig, prometheusConfigGenerator, prometheusConfigPath } from '../src/prometheus/config.js';
import { kubernetesGenerator } from '../src/kubernetes/index.js';
import { lintRuleGroups } from '../src/lint/rule-groups/index.js';
import { analysePromQL } from '../src/promql/parse.js';
import { dashboardExpressions, ruleExpressions } from '../src/promql/sources.js';
import { runbooksGenerator } from '../src/rules/runbooks.js';
import { alertTestPath, ruleFileOrder, rulesGenerator } from '../src/rules/generator.js';
import type { PromtoolTest, RuleGroup } from '../src/rules/types.js';

const run = promisify(execFile);
const promtool = '/usr/bin/promtool';
const selectorLabels = { environment: 'prod', cluster: 'eu-1' } as const;

/** A host (node-exporter) alert and an exporter alert besides the brief's four; all 47 take ~8 minutes. */
const promtoolTested = ['ServiceDown', 'HighErrorRate', 'PipelineNoItemsCreated', 'ErrorBudgetBurnFast', 'NodeFilesystemSpaceFillingUp', 'PostgresqlDown', 'PrometheusRuleFailures'];

let model: Model;
let rules: GeneratedFile[];
let workspace: string;

beforeAll(async () => {
  if (!existsSync(promtool)) {
    throw new Error(`${promtool} not found: the scoped rules are checked with the real promtool; install it with: apt-get install -y prometheus`);
  }
  const base = await loadModel('monitoring/vigil.config.ts');
  model = { ...base, selectorLabels };
  rules = rulesGenerator(model);
  workspace = await mkdtemp(join(tmpdir(), 'vigil-selector-labels-'));
  await writeGeneratedFiles(renderModel(model, [rulesGenerator, prometheusConfigGenerator]), { outDir: workspace, source: model.source });
});

afterAll(async () => {
  if (workspace !== undefined) await rm(workspace, { recursive: true, force: true });
});

function expectScoped(expr: string, where: string): void {
  const analysis = analysePromQL(expr);
  expect(analysis.syntaxErrors, `${where}: ${expr}`).toEqual([]);
  for (const selector of analysis.selectors) {
    for (const [label, value] of Object.entries(selectorLabels)) {
      expect(selector.matchers, `${where}: ${selector.text} in ${expr}`).toContainEqual({ label, op: '=', value });
    }
  }
}

describe('selectorLabels on the example spec', () => {
  it('every selector of every generated rule matches both labels', () => {
    const sources = ruleExpressions(rules);
    expect(sources.length).toBeGreaterThan(100);
    for (const source of sources) expectScoped(source.expr, `${source.document} ${source.item}`);
  });

  it('every recording and alerting rule carries both labels, so every recorded series does', () => {
    const groups = rules.flatMap((file) => (file.format === 'yaml' ? ((file.data as { groups?: RuleGroup[] }).groups ?? []) : []));
    const all = groups.flatMap((group) => group.rules);
    expect(all.length).toBeGreaterThan(100);
    for (const rule of all) expect(rule.labels, JSON.stringify(rule).slice(0, 200)).toMatchObject(selectorLabels);
  });

  it('the generated tests feed labelled series and expect the labels on every alert', () => {
    const tests = rules.flatMap((file) => (file.path.startsWith('alerts/tests/') ? (file.data as { tests: PromtoolTest[] }).tests : []));
    expect(tests.length).toBeGreaterThan(40);
    for (const test of tests) {
      for (const input of test.input_series) expectScoped(input.series, test.name);
      for (const check of test.alert_rule_test) for (const alert of check.exp_alerts) expect(alert.exp_labels).toMatchObject(selectorLabels);
    }
  });

  it('every panel and variable query of every dashboard matches both labels', () => {
    const dashboards = buildDashboards(model);
    expect(dashboards.length).toBeGreaterThanOrEqual(6);
    for (const { dashboard } of dashboards) {
      const sources = dashboardExpressions(dashboard);
      expect(sources.length).toBeGreaterThan(0);
      for (const source of sources) expectScoped(source.expr, `${source.document} ${source.item}`);
      for (const variable of dashboard.templating.list ?? []) {
        if (variable.type === 'query') expect(variable.query, variable.name).toMatch(/environment="prod", cluster="eu-1"\}, \w+\)$/);
      }
    }
  });

  it('every scrape target of the generated prometheus.yml carries both labels', () => {
    const config = prometheusConfig(model) as { scrape_configs: { job_name: string; static_configs: { labels?: Record<string, string> }[] }[] };
    expect(config.scrape_configs.length).toBeGreaterThan(3);
    for (const job of config.scrape_configs) {
      for (const targets of job.static_configs) expect(targets.labels, job.job_name).toMatchObject(selectorLabels);
    }
  });

  it('the Argo analysis templates (the deploy gate queries) match both labels', () => {
    const templates = kubernetesGenerator(model).filter((file) => file.path.endsWith('-analysis-template.yaml'));
    expect(templates.length).toBeGreaterThan(0);
    for (const template of templates) {
      const metrics = (template.data as { spec: { metrics: { provider: { prometheus: { query: string } } }[] } }).spec.metrics;
      expect(metrics.length).toBeGreaterThan(0);
      for (const metric of metrics) expectScoped(metric.provider.prometheus.query, template.path);
    }
  });

  it('runbook pages show the rules as scoped', () => {
    const page = runbooksGenerator(model).find((file) => file.path === 'alerts/runbooks/ServiceDown.md');
    expect(page?.data).toContain('environment="prod", cluster="eu-1"');
  });

  it('pass the rule lint generation runs before writing', () => {
    expect(lintRuleGroups(model, rules)).toEqual([]);
  });

  it('pass promtool check rules and check config', async () => {
    const rulesResult = await run(promtool, ['check', 'rules', ...ruleFileOrder], { cwd: workspace });
    expect(rulesResult.stdout.match(/SUCCESS: \d+ rules found/g)).toHaveLength(3);
    const configResult = await run(promtool, ['check', 'config', prometheusConfigPath], { cwd: workspace });
    expect(configResult.stdout + configResult.stderr).toContain('SUCCESS: 3 rule files found');
  });

  it(`promtool test rules passes the scoped tests of ${promtoolTested.join(', ')}`, { timeout: 600_000 }, async () => {
    const files = promtoolTested.map(alertTestPath);
    for (const path of files) expect(existsSync(join(workspace, path)), path).toBe(true);
    const result = await run(promtool, ['test', 'rules', ...files], { cwd: workspace, timeout: 590_000, maxBuffer: 64 * 1024 * 1024 }).catch(
      (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: `${error.stderr ?? ''}\n${String(error)}` }),
    );
    const output = result.stdout + result.stderr;
    expect(output).not.toContain('FAILED');
    expect(output.match(/ {2}SUCCESS/g) ?? [], output).toHaveLength(files.length);
  });
});
