import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { alertThresholdsRule } from './rules/alert-thresholds.js';
import { datasourceVariableRule } from './rules/datasource-variable.js';
import { noHardcodedJobInstanceRule } from './rules/no-hardcoded-job-instance.js';
import { panelUnitsRule } from './rules/panel-units.js';
import { rateIntervalRule } from './rules/rate-interval.js';
import { titlesRule } from './rules/titles.js';
import type { DashboardLintRule, LintContext, LintProblem } from './types.js';

export type { DashboardLintRule, LintContext, LintProblem } from './types.js';
export { formatLintProblem } from './types.js';

export const dashboardLintRules: readonly DashboardLintRule[] = [
  datasourceVariableRule,
  rateIntervalRule,
  panelUnitsRule,
  titlesRule,
  noHardcodedJobInstanceRule,
  alertThresholdsRule,
];

export function lintDashboard(dashboard: Dashboard, context: LintContext, rules: readonly DashboardLintRule[] = dashboardLintRules): LintProblem[] {
  return rules.flatMap((rule) => rule.check(dashboard, context));
}
