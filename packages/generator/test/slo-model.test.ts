import { describe, expect, it } from 'vitest';
import { buildModel, SpecError } from '../src/index.js';
import { sloDefaults } from '../src/model/defaults.js';
import { ruleFiles, rulesGenerator } from '../src/rules/generator.js';
import type { AlertingRule, RuleGroup } from '../src/rules/types.js';
import { discountedCountText, sigmasText } from '../src/slo/alerts.js';
import { sloRecordingGroups } from '../src/slo/recording.js';
import { specWith } from './spec-fixtures.js';

const file = 'monitoring/vigil.config.ts';

const threeSlos = [
  { name: 'api-availability', sli: 'availability', service: 'api', objective: 0.999 },
  { name: 'api-latency', sli: 'latency', service: 'api', thresholdSeconds: 0.5, objective: 0.99, period: '28d', minEvents: 50 },
  { name: 'orders-freshness', sli: 'freshness', pipeline: 'orders', maxAge: '15m', objective: 0.99 },
];

function problemsOf(slos: unknown): string[] {
  try {
    buildModel(specWith((spec) => (spec.slos = slos)), file);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as SpecError).message.split('\n');
  }
  throw new Error('expected the spec to be rejected');
}

describe('slos in the spec and the model', () => {
  it('resolves defaults, owners and the latency bucket label', () => {
    const model = buildModel(specWith((spec) => (spec.slos = threeSlos)), file);
    expect(model.slos).toEqual([
      { name: 'api-availability', objective: 0.999, period: '30d', minEvents: 20, sli: 'availability', team: 'platform', job: 'api', service: 'api' },
      { name: 'api-latency', objective: 0.99, period: '28d', minEvents: 50, sli: 'latency', team: 'platform', job: 'api', service: 'api', thresholdSeconds: 0.5, le: '0.5' },
      { name: 'orders-freshness', objective: 0.99, period: '30d', minEvents: 20, sli: 'freshness', team: 'platform', job: 'ingest', service: 'ingest', pipeline: 'orders', maxAgeSeconds: 900 },
    ]);
  });

  it('rejects a latency threshold that is not a bucket bound, naming the path and the buckets', () => {
    expect(problemsOf([{ name: 'slow', sli: 'latency', service: 'api', thresholdSeconds: 0.3, objective: 0.99 }])).toEqual([
      `${file}: slos[0].thresholdSeconds: expected one of the bucket bounds of http_request_duration_seconds (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 5, 10), got 0.3`,
    ]);
  });

  it('rejects unknown targets, duplicate names, short periods and bad objectives', () => {
    expect(
      problemsOf([
        { name: 'a', sli: 'availability', service: 'nope', objective: 0.999 },
        { name: 'a', sli: 'freshness', pipeline: 'nope', maxAge: '30s', objective: 0.99, period: '1d' },
        { name: 'b', sli: 'availability', service: 'api', objective: 0.5 },
        { name: 'c', sli: 'availability', pipeline: 'orders', objective: 0.99 },
        { name: 'd', sli: 'uptime', service: 'api', objective: 0.99 },
      ]),
    ).toEqual([
      `${file}: slos[2].objective: expected an objective of at least 0.9 and below 1, e.g. 0.999 (burn-rate alerts need an error budget of at most 10%)`,
      `${file}: slos[3].service: required: expected a name of lower-case letters, digits, "-" or "_", starting with a letter, at most 63 characters`,
      `${file}: slos[3].pipeline: unknown field`,
      `${file}: slos[4].sli: expected sli "availability", "latency" or "freshness"`,
    ]);
    expect(
      problemsOf([
        { name: 'a', sli: 'availability', service: 'nope', objective: 0.999 },
        { name: 'a', sli: 'freshness', pipeline: 'nope', maxAge: '30s', objective: 0.99, period: '1d' },
      ]),
    ).toEqual([
      `${file}: slos[0].service: no service named "nope" (services: api, ingest)`,
      `${file}: slos[1].name: duplicate SLO name "a" (first at slos[0])`,
      `${file}: slos[1].period: expected at least 3d (the longest burn-rate window)`,
      `${file}: slos[1].maxAge: expected at least 1m (items are seen through scrapes)`,
      `${file}: slos[1].pipeline: no pipeline named "nope" (pipelines: events, orders)`,
    ]);
  });
});

describe('SLO rules', () => {
  function rulesOf(slos: unknown): { alerts: AlertingRule[]; groups: RuleGroup[] } {
    const files = rulesGenerator(buildModel(specWith((spec) => (spec.slos = slos)), file));
    const groupsOf = (path: string) => (files.find((f) => f.path === path)!.data as { groups: RuleGroup[] }).groups;
    const alerts = [...groupsOf(ruleFiles.P1), ...groupsOf(ruleFiles.P2)].flatMap((group) => group.rules as AlertingRule[]).filter((rule) => rule.alert.startsWith('ErrorBudget'));
    return { alerts, groups: groupsOf(ruleFiles.recording).filter((group) => group.name.startsWith('vigil-slo')) };
  }

  it('render nothing without SLOs', () => {
    const { alerts, groups } = rulesOf([]);
    expect(alerts).toEqual([]);
    expect(groups).toEqual([]);
  });

  it('render one rule per burn-rate alert, and SLI rules whose number does not grow with the SLOs', () => {
    const few = rulesOf(threeSlos);
    const many = rulesOf(
      Array.from({ length: 60 }, (_, i) => ({ ...threeSlos[i % 3]!, name: `slo-${i}` })),
    );
    expect(few.alerts.map((rule) => [rule.alert, rule.labels])).toEqual([
      ['ErrorBudgetBurnFast', { priority: 'P1', severity: 'critical' }],
      ['ErrorBudgetBurnSlow', { priority: 'P2', severity: 'warning' }],
    ]);
    expect(many.alerts).toEqual(few.alerts);
    const computed = (groups: RuleGroup[]) => groups.filter((group) => !group.name.startsWith('vigil-slo-parameters'));
    expect(computed(many.groups)).toEqual(computed(few.groups));
    for (const group of many.groups) expect(group.rules.length, group.name).toBeLessThanOrEqual(20);
    // 60 SLOs: 60 objectives, 20 latency buckets, 20 freshness bounds, 20 minEvents overrides.
    expect(many.groups.filter((group) => group.name.startsWith('vigil-slo-parameters')).flatMap((group) => group.rules)).toHaveLength(120);
  });

  it('read each window from the 5m series and the period from hourly sums, never a raw counter over a long range', () => {
    const groups = sloRecordingGroups(buildModel(specWith((spec) => (spec.slos = threeSlos)), file));
    const expressions = groups.flatMap((group) => group.rules.map((rule) => rule.expr));
    for (const expr of expressions) {
      for (const match of expr.matchAll(/([\w:]+)(?:\{[^}]*\})?\[(\w+)(:\w+)?\]/g)) {
        if (match[2] === '5m') continue;
        // The period is summed from hourly sums, read once an hour (a subquery), so a 30d period
        // loads 720 samples per SLO and not one per evaluation.
        if (match[3] !== undefined) expect(`${match[1]}[${match[2]}${match[3]}]`, expr).toMatch(/^vigil:slo_(errors|events):sum1h\[\d+d:1h\]$/);
        else expect(match[1], expr).toMatch(/^vigil:slo_(errors|events):rate5m$/);
      }
    }
    expect(expressions.join('\n')).toContain('sum_over_time(vigil:slo_errors:sum1h{period="28d"}[28d:1h])');
  });

  it("word the long window's noise margin from longWindowSigmas, in the alerts' descriptions too", () => {
    expect([1, 2].map(sigmasText)).toEqual(['1 standard deviation', '2 standard deviations']);
    expect([1, 2].map(discountedCountText)).toEqual(['k - sqrt(k)', 'k - 2 * sqrt(k)']);
    for (const rule of rulesOf(threeSlos).alerts) {
      expect(rule.annotations.description, rule.alert).toContain(`the long window beyond ${sigmasText(sloDefaults.longWindowSigmas)} of its bad-event count`);
    }
  });
});
