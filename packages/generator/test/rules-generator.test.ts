import { describe, expect, it } from 'vitest';
import { buildModel, recordingRuleNames, runbookAlertName, runbookUrl } from '../src/index.js';
import { alertDefinitions } from '../src/rules/alerts/index.js';
import { metaAlertDefinitions } from '../src/rules/alerts/meta.js';
import { alertRules, ruleFiles, rulesGenerator } from '../src/rules/generator.js';
import { recordingRules } from '../src/rules/recording.js';
import { runbooksGenerator } from '../src/rules/runbooks.js';
import type { AlertingRule, RuleGroup } from '../src/rules/types.js';
import { specModel } from './dashboard-fixtures.js';
import { minimalSpec, specWith } from './spec-fixtures.js';

function alertRulesOf(spec: unknown): AlertingRule[] {
  const files = rulesGenerator(buildModel(spec, 'spec.yaml'));
  return files
    .filter((file) => file.path === ruleFiles.P1 || file.path === ruleFiles.P2)
    .flatMap((file) => (file.data as { groups: RuleGroup[] }).groups.flatMap((group) => group.rules as AlertingRule[]));
}

const ruleFor = (rules: AlertingRule[], alert: string, label: string, value: string): AlertingRule =>
  rules.find((rule) => rule.alert === alert && rule.labels[label] === value)!;

describe('alert rules', () => {
  const rules = alertRulesOf(minimalSpec());

  it('render every alert of the contract, P1 in p1-page.yml and P2 in p2-ticket.yml', () => {
    expect(new Set(rules.map((rule) => rule.alert))).toEqual(
      new Set([
        'ServiceDown',
        'PipelineNoItemsCreated',
        'PipelineValidationErrorsHigh',
        'HighErrorRate',
        'UnhandledErrorsBurst',
        'DependencyDown',
        'PipelineItemRateLow',
        'PipelineFieldCoverageDrop',
        'HighLatencyP95',
        'MemoryHigh',
        'CPUHigh',
        'EventLoopLagHigh',
        // Meta, host and exporter alerts whose scope the spec has (hosts, exporters, replicas, watchdog).
        ...metaAlertDefinitions.filter((definition) => alertRules(buildModel(minimalSpec(), 'spec.yaml'), definition).length > 0).map((definition) => definition.name),
      ]),
    );
    for (const rule of rules) {
      // The Watchdog pages no one: it has no priority and goes to the heartbeat receiver only.
      if (rule.alert === 'Watchdog') continue;
      const definition = alertDefinitions.find((candidate) => candidate.name === rule.alert)!;
      expect(rule.labels.priority).toBe(definition.priority);
      expect(rule.labels.severity).toBe(definition.priority === 'P1' ? 'critical' : 'warning');
    }
  });

  it('carry severity, priority, team and service or pipeline, and summary, description with the value, runbook_url', () => {
    for (const rule of rules) {
      expect(Object.keys(rule.labels)).toEqual(expect.arrayContaining(['severity', 'priority', 'team', 'service']));
      if (rule.alert.startsWith('Pipeline')) expect(rule.labels.pipeline).toBeDefined();
      expect(rule.annotations.summary).not.toBe('');
      expect(rule.annotations.description).toMatch(/\{\{ (?:\$value \| \w+|printf "%\.4g" \$value) \}\}/);
      expect(rule.annotations.runbook_url).toBe(`https://example.com/runbooks/${rule.alert}.md`);
    }
  });

  it('read ratios and quantiles from recorded series, not raw histograms', () => {
    for (const rule of rules) {
      expect(rule.expr, rule.alert).not.toMatch(/histogram_quantile|_bucket\b/);
      if (['HighErrorRate', 'PipelineValidationErrorsHigh', 'PipelineFieldCoverageDrop', 'HighLatencyP95', 'MemoryHigh', 'CPUHigh', 'PipelineItemRateLow'].includes(rule.alert)) {
        expect(rule.expr, rule.alert).toMatch(/^[a-z_]+:[a-z0-9_]+:[a-z0-9_]+\{/);
      }
    }
  });

  it('take every threshold and for duration from the spec', () => {
    const tuned = alertRulesOf(
      specWith((spec) => {
        spec.services[0].alerts = {
          serviceDown: { for: '3m' },
          highErrorRate: { ratio: 0.25, for: '7m' },
          highLatencyP95: { seconds: 0.3, for: '20m' },
          unhandledErrorsBurst: { count: 9, window: '10m', for: '1h' },
          memoryHigh: { ratio: 0.75 },
          cpuHigh: { ratio: 0.6 },
          eventLoopLagHigh: { seconds: 0.2 },
          dependencyDown: { for: '4m' },
        };
        spec.pipelines[0].zeroItemsWindow = '90m';
        spec.pipelines[0].validationErrorCeiling = 0.2;
        spec.pipelines[0].coverageFloor = 0.8;
        spec.pipelines[0].rateFloorRatio = 0.25;
        spec.pipelines[0].alerts = { itemRateLow: { for: '3h' } };
      }),
    );
    expect(ruleFor(tuned, 'ServiceDown', 'service', 'api')).toMatchObject({ expr: 'up{job="api"} == 0', for: '3m' });
    expect(ruleFor(tuned, 'HighErrorRate', 'service', 'api')).toMatchObject({ expr: 'job:http_request_errors:ratio_rate5m{job="api"} > 0.25', for: '7m' });
    expect(tuned.filter((rule) => rule.alert === 'HighLatencyP95' && rule.labels.service === 'api').map((rule) => [rule.expr, rule.for])).toEqual([
      ['job:http_request_duration_seconds:p95_5m{job="api"} > 0.3', '20m'],
      ['job_operation:operation_duration_seconds:p95_5m{job="api"} > 0.3', '20m'],
    ]);
    expect(ruleFor(tuned, 'UnhandledErrorsBurst', 'service', 'api')).toMatchObject({
      expr: 'sum by (job) (increase(unhandled_errors_total{job="api"}[10m])) > 9',
      for: '1h',
    });
    expect(ruleFor(tuned, 'MemoryHigh', 'service', 'api').expr).toMatch(/ > 0\.75$/);
    expect(ruleFor(tuned, 'CPUHigh', 'service', 'api').expr).toMatch(/ > 0\.6$/);
    expect(ruleFor(tuned, 'EventLoopLagHigh', 'service', 'api').expr).toMatch(/ > 0\.2$/);
    expect(ruleFor(tuned, 'DependencyDown', 'service', 'api').for).toBe('4m');
    const orders = ruleFor(tuned, 'PipelineNoItemsCreated', 'pipeline', 'orders');
    expect(orders.expr).toContain('[1h30m]');
    expect(orders.expr).toContain('> 5400');
    expect(orders.for).toBeUndefined();
    expect(ruleFor(tuned, 'PipelineValidationErrorsHigh', 'pipeline', 'orders').expr).toMatch(/ > 0\.2$/);
    expect(ruleFor(tuned, 'PipelineFieldCoverageDrop', 'pipeline', 'orders').expr).toBe(
      'pipeline_field:item_field_coverage:ratio_rate1h{job="ingest",pipeline="orders",field=~"id|price"} < 0.8',
    );
    expect(ruleFor(tuned, 'PipelineItemRateLow', 'pipeline', 'orders')).toMatchObject({
      expr: `pipeline:items_created:rate1h{job="ingest",pipeline="orders"} < ${(15000 * 0.25) / 86400}\nand on (job) count by (job) (up{job="ingest"} offset 1h)`,
      for: '3h',
    });
  });

  it('give a bursty pipeline (no expected rate) no rate alert, and no coverage alert without required fields', () => {
    expect(rules.filter((rule) => rule.labels.pipeline === 'events').map((rule) => rule.alert).sort()).toEqual([
      'PipelineNoItemsCreated',
      'PipelineValidationErrorsHigh',
    ]);
  });

  it('cover exporter dependencies with ServiceDown and DependencyDown', () => {
    expect(ruleFor(rules, 'ServiceDown', 'service', 'postgres').expr).toBe('up{job="postgres"} == 0');
    expect(ruleFor(rules, 'DependencyDown', 'service', 'postgres')).toMatchObject({ expr: 'pg_up{job="postgres"} == 0', labels: { check: 'postgres' } });
  });

  it('escape label values in selectors', () => {
    const escaped = alertRulesOf(specWith((spec) => (spec.pipelines[0].requiredFields = ['a.b', 'c'])));
    expect(ruleFor(escaped, 'PipelineFieldCoverageDrop', 'pipeline', 'orders').expr).toContain('field=~"a\\\\.b|c"');
  });
});

describe('recording rules', () => {
  it('record every name in recordingRuleNames, each defined before it is read', () => {
    const rules = recordingRules();
    expect(rules.map((rule) => rule.record).sort()).toEqual(Object.values(recordingRuleNames).sort());
    const seen = new Set<string>();
    for (const rule of rules) {
      for (const name of rule.expr.match(/\b[a-z_]+:[a-z0-9_]+:[a-z0-9_]+\b/g) ?? []) expect(seen.has(name), `${rule.record} reads ${name}`).toBe(true);
      seen.add(rule.record);
    }
  });
});

describe('runbooks', () => {
  it('fill the {alert} of the spec template, so every runbook_url of the example spec names a page the generator writes', async () => {
    const model = await specModel();
    expect(runbookUrl(model, 'ServiceDown')).toBe('https://github.com/vigil-dev/vigil/blob/main/alerts/runbooks/ServiceDown.md');
    expect(runbookAlertName(model, 'https://github.com/vigil-dev/vigil/blob/main/alerts/runbooks/ServiceDown.md')).toBe('ServiceDown');
    expect(runbookAlertName(model, 'https://github.com/vigil-dev/vigil/blob/main/alerts/runbooks/ServiceDown')).toBeUndefined();
    const pages = new Set(runbooksGenerator(model).map((file) => file.path));
    const urls = rulesGenerator(model)
      .filter((file) => file.path === ruleFiles.P1 || file.path === ruleFiles.P2)
      .flatMap((file) => (file.data as { groups: RuleGroup[] }).groups.flatMap((group) => (group.rules as AlertingRule[]).map((rule) => rule.annotations.runbook_url)));
    expect(urls.length).toBeGreaterThan(10);
    const repositoryFile = /^https:\/\/github\.com\/vigil-dev\/vigil\/blob\/main\/(.+)$/;
    for (const url of urls) expect(pages, url).toContain(repositoryFile.exec(url)?.[1]);
  });

  it('document every alert: meaning, PromQL, causes, three first checks; README indexes them', () => {
    const model = buildModel(minimalSpec(), 'spec.yaml');
    const files = runbooksGenerator(model);
    const readme = files.find((file) => file.path === 'alerts/README.md')!.data as string;
    for (const definition of alertDefinitions) {
      const page = files.find((file) => file.path === `alerts/runbooks/${definition.name}.md`)!.data as string;
      expect(page).toContain(`# ${definition.name}\n`);
      for (const heading of ['## What it means', '## The PromQL', '## Likely causes', '## First three things to check']) expect(page).toContain(heading);
      // An alert whose scope the spec lacks (hosts, replicas) says so instead of showing PromQL.
      if (alertRules(model, definition).length > 0) expect(page).toContain('```promql\n');
      else expect(page).toContain('The current spec renders no rule for this alert.');
      expect(page.match(/^\d\. /gm)).toHaveLength(3);
      expect(readme).toContain(`[${definition.name}](runbooks/${definition.name}.md)`);
    }
  });
});
