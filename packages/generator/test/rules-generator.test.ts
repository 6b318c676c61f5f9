import { describe, expect, it } from 'vitest';
import { buildModel, recordingRuleNames, runbookAlertName, runbookUrl } from '../src/index.js';
import { alertDefinitions } from '../src/rules/alerts/index.js';
import { metaAlertDefinitions } from '../src/rules/alerts/meta.js';
import { alertRules, ruleFiles, rulesGenerator } from '../src/rules/generator.js';
import { recordingRules } from '../src/rules/recording.js';
import { constantSeriesExpr, constantSeriesPerRule, constantSeriesRule, noSuchSeries } from '../src/rules/parameters.js';
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
        'ServiceRestarting',
        'ServiceRestartingPersistently',
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
        'CircuitBreakerOpen',
        'CircuitBreakerOpenLong',
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

  it('carry severity and priority, take team and service (pipeline) from the info join, and summary, description with the value, runbook_url', () => {
    const metaAlerts = new Set(metaAlertDefinitions.map((definition) => definition.name));
    for (const rule of rules) {
      if (rule.alert === 'Watchdog') continue;
      expect(Object.keys(rule.labels)).toEqual(expect.arrayContaining(['severity', 'priority']));
      // Service and pipeline alerts take their owner from the info series; meta, host and exporter
      // alerts belong to the stack's own team, set once in the spec, so their labels are static.
      if (metaAlerts.has(rule.alert)) expect(Object.keys(rule.labels)).toEqual(expect.arrayContaining(['team', 'service']));
      else expect(rule.expr).toMatch(/group_left \(service, team\) vigil:(service|pipeline)_info$/);
      expect(rule.annotations.summary).not.toBe('');
      expect(rule.annotations.description).toMatch(/\{\{ (?:\$value \| \w+|printf "%\.4g" \$value) \}\}/);
      expect(rule.annotations.runbook_url).toBe(`https://example.com/runbooks/${rule.alert}.md`);
    }
  });

  it('render one rule per alert kind and distinct for, whatever the number of services', () => {
    const many = alertRulesOf(
      specWith((spec) => {
        for (let index = 0; index < 50; index++) spec.services.push({ name: `svc-${index}`, targets: [`svc-${index}:9464`] });
      }),
    );
    expect(many.length).toBe(rules.length);
  });

  it('render overrides as threshold series and one rule per distinct for, and switch alerts off per target', () => {
    const model = buildModel(
      specWith((spec) => {
        spec.services[0].alerts = { highErrorRate: { ratio: 0.25, for: '7m' }, memoryHigh: false };
      }),
      'spec.yaml',
    );
    const files = rulesGenerator(model);
    const recording = (files.find((file) => file.path === ruleFiles.recording)!.data as { groups: RuleGroup[] }).groups.flatMap((group) => group.rules);
    const thresholds = recording.filter((rule) => 'record' in rule && rule.record === 'vigil:alert_threshold');
    // Every override is one series of a shared rule (constantSeriesPerRule series a rule).
    expect(thresholds).toHaveLength(1);
    const [thresholdRule] = thresholds as { expr: string }[];
    expect(thresholdRule!.expr).toContain(constantSeriesExpr({ labels: { alert: 'HighErrorRate', parameter: 'ratio', job: 'api' }, value: 0.25 }));
    expect(thresholdRule!.expr).toContain(constantSeriesExpr({ labels: { alert: 'HighErrorRate', parameter: 'for_seconds', job: 'api' }, value: 420 }));
    expect(thresholdRule!.expr).toContain(constantSeriesExpr({ labels: { alert: 'MemoryHigh', parameter: 'enabled', job: 'api' }, value: 0 }));
    expect(constantSeriesExpr({ labels: { job: 'api' }, value: 0.25 })).toBe('absent(vigil_no_such_series{job="api"}) * 0.25');
    expect(constantSeriesExpr({ labels: { job: 'a"b' }, value: 1 })).toBe('absent(vigil_no_such_series{job="a\\"b"})');
    const alerts = files
      .filter((file) => file.path === ruleFiles.P1 || file.path === ruleFiles.P2)
      .flatMap((file) => (file.data as { groups: RuleGroup[] }).groups.flatMap((group) => group.rules as AlertingRule[]));
    const errorRate = alerts.filter((rule) => rule.alert === 'HighErrorRate');
    expect(errorRate.map((rule) => rule.for)).toEqual(['5m', '7m']);
    expect(errorRate[1]!.expr).toContain('and on (job) (vigil:alert_threshold{alert="HighErrorRate",parameter="for_seconds"} == 420)');
    expect(alerts.find((rule) => rule.alert === 'MemoryHigh')!.expr).toContain('unless on (job) (vigil:alert_threshold{alert="MemoryHigh",parameter="enabled"} == 0)');
  });

  it('cut the constant series of a fleet into rules of constantSeriesPerRule series, each series once', () => {
    const series = Array.from({ length: 2 * constantSeriesPerRule + 1 }, (_, index) => ({ labels: { job: `svc-${index}` }, value: index }));
    const rules = constantSeriesRule('vigil:alert_threshold', series);
    expect(rules.map((rule) => rule.expr.split(noSuchSeries).length - 1)).toEqual([constantSeriesPerRule, constantSeriesPerRule, 1]);
    expect(rules.every((rule) => rule.record === 'vigil:alert_threshold')).toBe(true);
    expect(rules[2]!.expr).toBe(constantSeriesExpr(series[2 * constantSeriesPerRule]!));
    expect(constantSeriesRule('vigil:alert_threshold', [])).toEqual([]);
  });
});

describe('recording rules', () => {
  it('record every name in recordingRuleNames, each defined before it is read', () => {
    const rules = recordingRules();
    expect(rules.map((rule) => rule.record).sort()).toEqual(Object.values(recordingRuleNames).sort());
    const seen = new Set<string>();
    for (const rule of rules) {
      // A rule may read itself: the carried-forward series (last item, first scrape) do.
      for (const name of rule.expr.match(/\b[a-z_]+:[a-z0-9_]+:[a-z0-9_]+\b/g) ?? []) expect(seen.has(name) || name === rule.record, `${rule.record} reads ${name}`).toBe(true);
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
