/**
 * The spec's `selectorLabels` applied to the rendered rules and their promtool tests, in one
 * pass after the rules are built (the alert definitions stay unaware of them):
 *
 * - every rule expression is scoped (promql/scope.ts): its selectors match the labels and its
 *   non-empty `by`/`on` lists keep them;
 * - every recording and alerting rule gets the labels as rule labels, so every recorded
 *   `vigil:*` series (constants from `vector(N)` too) and every alert carries them: readers
 *   scoped to one environment find them, and two environments sharing one ruler tenant record
 *   distinct series;
 * - the generated tests feed series carrying the labels and expect them on every alert.
 *
 * The team's own `extraRules` (rules/extra-rules.ts) are not touched: they are theirs.
 */
import type { GeneratedFile, Model } from '../model/types.js';
import { scopeExpression } from '../promql/scope.js';
import type { AlertingRule, PromtoolTest, RecordingRule, RuleGroup } from './types.js';

type Labels = Readonly<Record<string, string>>;

export function scopeRule<Rule extends RecordingRule | AlertingRule>(rule: Rule, labels: Labels): Rule {
  return { ...rule, expr: scopeExpression(rule.expr, labels), labels: { ...rule.labels, ...labels } };
}

export function scopeRuleGroups(groups: readonly RuleGroup[], labels: Labels): RuleGroup[] {
  return groups.map((group) => ({ ...group, rules: group.rules.map((rule) => scopeRule(rule, labels)) }));
}

export function scopeAlertTests(tests: readonly PromtoolTest[], labels: Labels): PromtoolTest[] {
  return tests.map((test) => ({
    ...test,
    input_series: test.input_series.map((input) => ({ ...input, series: scopeExpression(input.series, labels) })),
    alert_rule_test: test.alert_rule_test.map((check) => ({
      ...check,
      exp_alerts: check.exp_alerts.map((alert) => ({ ...alert, exp_labels: { ...alert.exp_labels, ...labels } })),
    })),
  }));
}

/**
 * The rules generator's files with the model's selector labels applied: rule files (`groups`)
 * and promtool test files (`tests`). Unchanged, and the same objects, when the spec has none.
 */
export function scopeRuleFiles(model: Model, files: GeneratedFile[]): GeneratedFile[] {
  const labels = model.selectorLabels ?? {};
  if (Object.keys(labels).length === 0) return files;
  return files.map((file) => {
    if (file.format === 'text') return file;
    const data = file.data as { groups?: readonly RuleGroup[]; tests?: readonly PromtoolTest[] };
    if (data.groups !== undefined) return { ...file, data: { ...data, groups: scopeRuleGroups(data.groups, labels) } };
    if (data.tests !== undefined) return { ...file, data: { ...data, tests: scopeAlertTests(data.tests, labels) } };
    return file;
  });
}
