import type { GeneratedFile, Model } from '../../model/types.js';
import { alertsAbsentCheck } from './alerts-absent.js';
import { groupIntervalCheck } from './group-interval.js';
import { promqlRateCheck } from './promql-rate.js';
import { rangeWindowCheck } from './range-window.js';
import { ruleForCheck } from './rule-for.js';
import type { RenderedGroup, RuleGroupCheck, RuleLintProblem } from './types.js';

export type { RenderedGroup, RenderedRule, RuleGroupCheck, RuleLintContext, RuleLintProblem } from './types.js';
export { formatRuleLintProblem } from './types.js';

export const ruleGroupChecks: readonly RuleGroupCheck[] = [promqlRateCheck, rangeWindowCheck, alertsAbsentCheck, ruleForCheck, groupIntervalCheck];

/** Rule files are the rendered YAML files holding `groups` (alerts/*.yml, not the promtool tests). */
function ruleGroupsOf(file: GeneratedFile): readonly RenderedGroup[] {
  if (file.format !== 'yaml' || typeof file.data !== 'object' || file.data === null) return [];
  const groups = (file.data as { groups?: unknown }).groups;
  return Array.isArray(groups) ? (groups as RenderedGroup[]) : [];
}

/** Every problem the rule checks find in the rule groups among `files`. */
export function lintRuleGroups(model: Model, files: readonly GeneratedFile[], checks: readonly RuleGroupCheck[] = ruleGroupChecks): RuleLintProblem[] {
  return files.flatMap((file) => ruleGroupsOf(file).flatMap((group) => checks.flatMap((check) => check.check({ model, file: file.path, group }))));
}
