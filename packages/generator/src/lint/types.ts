import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { Model } from '../model/types.js';

export interface LintProblem {
  /** Name of the rule that found the problem. */
  readonly rule: string;
  /** Dashboard title and uid. */
  readonly dashboard: string;
  /** Title of the panel (or variable) concerned; absent for dashboard-wide problems. */
  readonly panel?: string;
  readonly message: string;
}

/** What a rule may compare a dashboard against: the model it was rendered from. */
export interface LintContext {
  readonly model: Model;
}

/** One dashboard lint rule. Rules are pure and independent; each lives in its own file. */
export interface DashboardLintRule {
  readonly name: string;
  readonly description: string;
  check(dashboard: Dashboard, context: LintContext): LintProblem[];
}

export function dashboardLabel(dashboard: Dashboard): string {
  return `"${dashboard.title}" (${dashboard.uid ?? 'no uid'})`;
}

export function formatLintProblem(problem: LintProblem): string {
  const where = problem.panel === undefined ? problem.dashboard : `${problem.dashboard} › ${problem.panel}`;
  return `[${problem.rule}] ${where}: ${problem.message}`;
}
