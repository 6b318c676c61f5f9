/**
 * The spec's `extraRules`: the team's own rules, given Vigil's labels (severity, priority, team,
 * service) so they route like Vigil's, a runbook link, and the same checks (PromQL syntax,
 * metric names known, recording rules defined before use), then rendered to
 * alerts/extra-rules.yml (loaded by the generated prometheus.yml) with the spec's promtool tests
 * in alerts/tests/extra-rules.yml.
 */
import type { z } from 'zod';
import type { GeneratedFile, Model } from '../model/types.js';
import { runbookUrl } from '../model/runbook.js';
import { checkExpression } from '../promql/check.js';
import { knownMetrics } from '../promql/known-metrics.js';
import { normaliseDuration } from '../spec/duration.js';
import { SpecError, type SpecProblem } from '../spec/errors.js';
import type { extraRulesSchema } from '../spec/extra-rules-schema.js';
import { alertDefinitions } from './alerts/index.js';
import { tierSeverity } from './common.js';
import { ruleFileOrder } from './generator.js';
import { recordingRuleNames } from './recording.js';

export const extraRulesPath = 'alerts/extra-rules.yml';
export const extraRulesTestPath = 'alerts/tests/extra-rules.yml';

type ExtraRules = z.output<typeof extraRulesSchema>;
const reservedLabels = ['severity', 'priority', 'team', 'service'] as const;

/** Problems with the spec's extra rules against the model; empty when they can be rendered. */
export function extraRulesProblems(model: Model, extra: ExtraRules | undefined): SpecProblem[] {
  if (extra === undefined) return [];
  const file = model.source;
  const problems: SpecProblem[] = [];
  const recorded = (extra.recording ?? []).map((rule) => rule.record);
  const known = knownMetrics(model, [...recorded, ...(extra.metrics ?? [])]);
  const vigilAlerts = new Set(alertDefinitions.map((definition) => definition.name));
  const vigilRecords = new Set<string>(Object.values(recordingRuleNames));
  const services = new Map(model.services.map((service) => [service.name, service]));
  const teams = new Set(model.teams.map((team) => team.name));
  const seenAlerts = new Set<string>();
  const seenRecords = new Set<string>();
  const checkExpr = (path: string, item: string, expr: string): void => {
    for (const { problem } of checkExpression({ document: file, item, expr }, known)) {
      problems.push({ file, path, message: `${problem}${problem.startsWith('unknown metric') ? ' (list your own metrics in extraRules.metrics)' : ''}` });
    }
  };
  (extra.recording ?? []).forEach((rule, index) => {
    const path = `extraRules.recording[${index}]`;
    if (vigilRecords.has(rule.record)) problems.push({ file, path: `${path}.record`, message: `"${rule.record}" is one of Vigil's recording rules; choose another name` });
    if (seenRecords.has(rule.record)) problems.push({ file, path: `${path}.record`, message: `duplicate recording rule "${rule.record}"` });
    seenRecords.add(rule.record);
    checkExpr(`${path}.expr`, `record ${rule.record}`, rule.expr);
  });
  (extra.alerts ?? []).forEach((rule, index) => {
    const path = `extraRules.alerts[${index}]`;
    if (vigilAlerts.has(rule.alert)) problems.push({ file, path: `${path}.alert`, message: `"${rule.alert}" is one of Vigil's alerts; choose another name` });
    if (seenAlerts.has(rule.alert)) problems.push({ file, path: `${path}.alert`, message: `duplicate alert "${rule.alert}"` });
    seenAlerts.add(rule.alert);
    if (!services.has(rule.service)) problems.push({ file, path: `${path}.service`, message: `no service named "${rule.service}" (services: ${[...services.keys()].join(', ')})` });
    if (rule.team !== undefined && !teams.has(rule.team)) problems.push({ file, path: `${path}.team`, message: `no team named "${rule.team}" (teams: ${[...teams].join(', ')})` });
    for (const label of reservedLabels) {
      if (rule.labels?.[label] !== undefined) problems.push({ file, path: `${path}.labels.${label}`, message: `"${label}" is set by Vigil from the alert's fields` });
    }
    checkExpr(`${path}.expr`, `alert ${rule.alert}`, rule.expr);
  });
  return problems;
}

/** The model with its extra rules, or a SpecError listing every problem. */
export function withExtraRules(model: Model, extra: ExtraRules | undefined): Model {
  if (extra === undefined) return model;
  const problems = extraRulesProblems(model, extra);
  if (problems.length > 0) throw new SpecError(problems);
  return { ...model, extraRules: extra };
}

function sorted<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as T;
}

export function extraRulesGenerator(model: Model): GeneratedFile[] {
  const extra = model.extraRules;
  if (extra === undefined) return [];
  const teamOf = (service: string): string => model.services.find((candidate) => candidate.name === service)?.team ?? model.defaultTeam;
  const groups: { name: string; rules: Record<string, unknown>[] }[] = [];
  if ((extra.recording ?? []).length > 0) {
    groups.push({
      name: 'extra-recording',
      rules: (extra.recording ?? []).map((rule) => ({ record: rule.record, expr: rule.expr, ...(rule.labels === undefined ? {} : { labels: sorted({ ...rule.labels }) }) })),
    });
  }
  if ((extra.alerts ?? []).length > 0) {
    groups.push({
      name: 'extra-alerts',
      rules: (extra.alerts ?? []).map((rule) => ({
        alert: rule.alert,
        expr: rule.expr,
        ...(rule.for === undefined ? {} : { for: normaliseDuration(rule.for) }),
        labels: sorted({
          ...rule.labels,
          priority: rule.priority,
          service: rule.service,
          severity: tierSeverity[rule.priority],
          team: rule.team ?? teamOf(rule.service),
        }),
        annotations: { summary: rule.summary, description: rule.description, runbook_url: runbookUrl(model, rule.alert) },
      })),
    });
  }
  const files: GeneratedFile[] = [{ path: extraRulesPath, format: 'yaml', data: { groups } }];
  if ((extra.tests ?? []).length > 0) {
    files.push({
      path: extraRulesTestPath,
      format: 'yaml',
      data: {
        // Relative to the test file, like Vigil's own alert tests.
        rule_files: [...ruleFileOrder, extraRulesPath].map((path) => `../${path.slice('alerts/'.length)}`),
        evaluation_interval: model.prometheus.evaluationInterval,
        tests: extra.tests,
      },
    });
  }
  return files;
}
