/**
 * The rules generator: recording rules, alert rules in one file per tier (a group per alert),
 * and one promtool unit-test file per alert. Runbooks come from ./runbooks.ts.
 */
import { oncePerModel } from '../generators/once-per-model.js';
import type { GeneratedFile, Generator, Model, Priority } from '../model/types.js';
import { alertDefinitions } from './alerts/index.js';
import { sloAlertDefinitions } from '../slo/alerts.js';
import { sloRecordingGroups } from '../slo/recording.js';
import { slowGroupFields } from './group-interval.js';
import { infoRules, parameterRules } from './parameters.js';
import { recordingRuleGroups } from './recording.js';
import { scopeRuleFiles } from './scope.js';
import type { AlertDefinition, AlertingRule, RecordingRule, RuleGroup } from './types.js';

export const ruleFiles = {
  recording: 'alerts/recording-rules.yml',
  P1: 'alerts/p1-page.yml',
  P2: 'alerts/p2-ticket.yml',
} as const;

/** Every alert rendered: Vigil's alerts, then the SLO burn-rate alerts (src/slo/). */
export const allAlertDefinitions: readonly AlertDefinition[] = [...alertDefinitions, ...sloAlertDefinitions];

/** Rule files in the order Prometheus and promtool load them (recording rules first). */
export const ruleFileOrder = [ruleFiles.recording, ruleFiles.P1, ruleFiles.P2] as const;

export const alertTestPath = (alertName: string): string => `alerts/tests/${alertName}.yml`;

// Runbooks and the rules generator both need every alert's rules; render them once per model.
const rulesCache = new WeakMap<Model, Map<string, AlertingRule[]>>();

export function alertRules(model: Model, definition: AlertDefinition): AlertingRule[] {
  let perModel = rulesCache.get(model);
  if (perModel === undefined) {
    perModel = new Map();
    rulesCache.set(model, perModel);
  }
  let rules = perModel.get(definition.name);
  if (rules === undefined) {
    rules = definition.rules(model);
    perModel.set(definition.name, rules);
  }
  return rules;
}

/** Splits a group into groups of at most `limit` rules (`name`, `name-2`, ...), keeping rule order. */
export function chunkGroup(group: RuleGroup, limit: number): RuleGroup[] {
  if (group.rules.length <= limit) return [group];
  const chunks: RuleGroup[] = [];
  for (let index = 0; index < group.rules.length; index += limit) {
    const part = chunks.length === 0 ? '' : `-${chunks.length + 1}`;
    chunks.push({ ...group, name: `${group.name}${part}`, rules: group.rules.slice(index, index + limit) });
  }
  return chunks;
}

function tierGroups(model: Model, priority: Priority, definitions: readonly AlertDefinition[]): RuleGroup[] {
  return definitions
    .filter((definition) => definition.priority === priority)
    .map((definition) => ({ name: definition.name, rules: alertRules(model, definition) }))
    .filter((group) => group.rules.length > 0);
}

/**
 * Constant series (rules/parameters.ts): who owns each target, and every parameter a target
 * overrides. They never change between evaluations, so they run at the slow interval
 * (group-interval.ts).
 */
function parameterGroups(model: Model, definitions: readonly AlertDefinition[]): RuleGroup[] {
  const slow = slowGroupFields(model.prometheus.evaluationInterval);
  const parameters = definitions.flatMap((definition) => definition.parameters?.(model) ?? []);
  const groups: RuleGroup[] = [{ name: 'vigil-targets', ...slow, rules: infoRules(model) }];
  const overridden = parameterRules(parameters);
  if (overridden.length > 0) groups.push({ name: 'vigil-parameters', ...slow, rules: overridden });
  return groups;
}

/** Recording rules an alert needs for its own condition (e.g. a per-pipeline expected silence), one group each. */
function alertRecordingGroups(model: Model, definitions: readonly AlertDefinition[]): RuleGroup[] {
  return definitions.flatMap((definition) => {
    const rules: RecordingRule[] = definition.recordingRules?.(model) ?? [];
    return rules.length === 0 ? [] : [{ name: `vigil-${definition.name}`, rules }];
  });
}

export class RulerLimitError extends Error {}

export function rulesGenerator(model: Model, definitions: readonly AlertDefinition[] = allAlertDefinitions): GeneratedFile[] {
  const limit = model.rulerLimits?.rulesPerGroup ?? Number.POSITIVE_INFINITY;
  const chunked = (groups: readonly RuleGroup[]): RuleGroup[] => groups.flatMap((group) => chunkGroup(group, limit));
  const recording = chunked([...parameterGroups(model, definitions), ...recordingRuleGroups(model.prometheus.evaluationInterval), ...alertRecordingGroups(model, definitions)]);
  // SLO groups are already cut to the ruler's group size (slo/recording.ts).
  const slo = sloRecordingGroups(model);
  const p1 = chunked(tierGroups(model, 'P1', definitions));
  const p2 = chunked(tierGroups(model, 'P2', definitions));
  const groupCount = recording.length + slo.length + p1.length + p2.length;
  if (model.rulerLimits?.enforced === true && groupCount > model.rulerLimits.groupsPerTenant) {
    throw new RulerLimitError(
      `${model.source}: rulerLimits.groupsPerTenant: the rules need ${groupCount} groups of at most ${limit} rules, more than the limit of ${model.rulerLimits.groupsPerTenant}; raise the ruler's limits or split the spec per team`,
    );
  }
  const files: GeneratedFile[] = [
    { path: ruleFiles.recording, format: 'yaml', data: { groups: [...recording, ...slo] } },
    { path: ruleFiles.P1, format: 'yaml', data: { groups: p1 } },
    { path: ruleFiles.P2, format: 'yaml', data: { groups: p2 } },
  ];
  // Prometheus evaluates groups independently; promtool would pick an arbitrary order. Fixing
  // recording rules first makes test timing exact (live, alerts may lag one interval).
  const groupOrder = [...recording, ...slo, ...p1, ...p2].map((group) => group.name);
  for (const definition of definitions) {
    const tests = definition.tests(model);
    if (tests.length === 0) continue;
    files.push({
      path: alertTestPath(definition.name),
      format: 'yaml',
      data: {
        // Relative to the test file; promtool resolves them from its directory.
        rule_files: ruleFileOrder.map((path) => `../${path.slice('alerts/'.length)}`),
        evaluation_interval: tests[0]!.interval,
        group_eval_order: groupOrder,
        tests,
      },
    });
  }
  return scopeRuleFiles(model, files);
}

/**
 * The rule files and their promtool tests for every alert definition, rendered once per model:
 * the plain output, the Kubernetes PrometheusRules and the ruler namespaces all carry these.
 */
export const modelRuleFiles: Generator = oncePerModel((model) => rulesGenerator(model));
