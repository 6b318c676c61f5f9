import { beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from '../src/dashboards/index.js';
import type { GeneratedFile, Model } from '../src/model/types.js';
import { checkExpressions, formatPromQLProblem } from '../src/promql/check.js';
import { knownMetrics } from '../src/promql/known-metrics.js';
import { dashboardExpressions, recordedNames, ruleExpressions } from '../src/promql/sources.js';
import { alertRules, allAlertDefinitions, rulesGenerator } from '../src/rules/generator.js';
import { infoRules, parameterRules } from '../src/rules/parameters.js';
import { recordingRuleNames } from '../src/rules/recording.js';
import { sloRecordingGroups } from '../src/slo/recording.js';
import { specModel } from './dashboard-fixtures.js';

let model: Model;
let ruleFiles: GeneratedFile[];
beforeAll(async () => {
  model = await specModel();
  ruleFiles = rulesGenerator(model);
});

describe('every PromQL expression Vigil generates', () => {
  it('reads every recording rule and every alert from the rules generator output', () => {
    const sources = ruleExpressions(ruleFiles);
    // Shared recording rules, the SLO rules, the owner info and parameter series, and the rules alerts record for themselves.
    const parameters = allAlertDefinitions.flatMap((definition) => definition.parameters?.(model) ?? []);
    expect(new Set(recordedNames(ruleFiles))).toEqual(
      new Set([
        ...Object.values(recordingRuleNames),
        ...sloRecordingGroups(model).flatMap((group) => group.rules.map((rule) => ('record' in rule ? rule.record : ''))),
        ...[...infoRules(model), ...parameterRules(parameters)].map((rule) => rule.record),
        ...allAlertDefinitions.flatMap((definition) => (definition.recordingRules?.(model) ?? []).map((rule) => rule.record)),
      ]),
    );
    const alertsChecked = new Set(sources.filter((source) => source.item.startsWith('alert ')).map((source) => source.item.slice('alert '.length)));
    const rendered = allAlertDefinitions.filter((definition) => alertRules(model, definition).length > 0);
    expect(alertsChecked).toEqual(new Set(rendered.map((definition) => definition.name)));
  });

  it('parses and names only known metrics, in dashboards and in rules', () => {
    const sources = [...buildDashboards(model).flatMap(({ dashboard }) => dashboardExpressions(dashboard)), ...ruleExpressions(ruleFiles)];
    const problems = checkExpressions(sources, knownMetrics(model, recordedNames(ruleFiles)));
    expect(problems.map(formatPromQLProblem)).toEqual([]);
  });

  it('catches a typo in a generated alert rule, naming the file, group, alert and expression', () => {
    const broken = JSON.parse(JSON.stringify(ruleFiles)) as GeneratedFile[];
    const p1 = broken.find((file) => file.path === 'alerts/p1-page.yml')!;
    const group = (p1.data as { groups: { name: string; rules: { alert?: string; expr: string }[] }[] }).groups[0]!;
    const rule = group.rules[0]!;
    rule.expr = rule.expr.replace(/\bup\b/, 'upp');
    expect(rule.expr).toContain('upp');
    const problems = checkExpressions(ruleExpressions(broken), knownMetrics(model, recordedNames(broken)));
    expect(problems.map(formatPromQLProblem)).toEqual([
      `rule file alerts/p1-page.yml (group ${group.name}) › alert ${rule.alert}: unknown metric "upp": not in the metrics catalog, not a Vigil recording rule, not up/ALERTS, and not a metric of an exporter the spec declares\n    expr: ${rule.expr}`,
    ]);
  });
});
