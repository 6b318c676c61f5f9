/**
 * Rule lint: checks over the rendered Prometheus rule groups (what Prometheus will load), in the
 * manner of pint. Each check lives in its own file and is pure; the generator refuses output
 * with any problem (src/generate.ts), so a spec cannot produce an alert that can never fire.
 */
import type { Model } from '../../model/types.js';
import { durationSeconds } from '../../spec/duration.js';

export interface RenderedRule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
}

export interface RenderedGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly RenderedRule[];
}

export interface RuleLintContext {
  readonly model: Model;
  /** Rule file the group is in. */
  readonly file: string;
  readonly group: RenderedGroup;
}

export interface RuleLintProblem {
  readonly check: string;
  readonly file: string;
  readonly group: string;
  /** Alert or record name. */
  readonly rule: string;
  readonly message: string;
}

export interface RuleGroupCheck {
  readonly name: string;
  readonly description: string;
  check(context: RuleLintContext): RuleLintProblem[];
}

export function formatRuleLintProblem(problem: RuleLintProblem): string {
  return `[${problem.check}] ${problem.file} › ${problem.group} › ${problem.rule}: ${problem.message}`;
}

export const ruleName = (rule: RenderedRule): string => rule.alert ?? rule.record ?? '(unnamed)';

/**
 * The scrape interval a rule's data arrives at: that of the jobs its selectors name, or the
 * longest in the model when it names none (the safe assumption for a shared rule).
 */
export function scrapeSecondsFor(model: Model, jobs: readonly string[]): number {
  const byJob = new Map<string, number>(model.services.map((service) => [service.job, durationSeconds(service.scrapeInterval)]));
  const global = durationSeconds(model.prometheus.scrapeInterval);
  const all = [global, ...byJob.values()];
  const known = jobs.map((job) => byJob.get(job) ?? global);
  return Math.max(...(known.length > 0 ? known : all));
}

export function evaluationSeconds(model: Model, group: RenderedGroup): number {
  return durationSeconds(group.interval ?? model.prometheus.evaluationInterval);
}

/** "90s" for 90, "2m" for 120: the units a user writes. */
export function secondsText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
