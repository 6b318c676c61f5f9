/**
 * The rules generator: recording rules, alert rules in one file per tier (a group per alert),
 * and one promtool unit-test file per alert. Runbooks come from ./runbooks.ts.
 */
import type { GeneratedFile, Model, Priority } from '../model/types.js';
import { alertDefinitions } from './alerts/index.js';
import { recordingRuleGroup } from './recording.js';
import { sloAlertDefinitions } from '../slo/alerts.js';
import { sloRecordingGroups } from '../slo/recording.js';
import type { AlertDefinition, AlertingRule, RuleGroup } from './types.js';

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

function tierGroups(model: Model, priority: Priority, definitions: readonly AlertDefinition[]): RuleGroup[] {
  return definitions
    .filter((definition) => definition.priority === priority)
    .map((definition) => ({ name: definition.name, rules: alertRules(model, definition) }))
    .filter((group) => group.rules.length > 0);
}

export function rulesGenerator(model: Model, definitions: readonly AlertDefinition[] = allAlertDefinitions): GeneratedFile[] {
  const recording = recordingRuleGroup();
  const slo = sloRecordingGroups(model);
  const p1 = tierGroups(model, 'P1', definitions);
  const p2 = tierGroups(model, 'P2', definitions);
  const files: GeneratedFile[] = [
    { path: ruleFiles.recording, format: 'yaml', data: { groups: [recording, ...slo] } },
    { path: ruleFiles.P1, format: 'yaml', data: { groups: p1 } },
    { path: ruleFiles.P2, format: 'yaml', data: { groups: p2 } },
  ];
  // Prometheus evaluates groups independently; promtool would pick an arbitrary order. Fixing
  // recording rules first makes test timing exact (live, alerts may lag one interval).
  const groupOrder = [recording, ...slo, ...p1, ...p2].map((group) => group.name);
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
  return files;
}
