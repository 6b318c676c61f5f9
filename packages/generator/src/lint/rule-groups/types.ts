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
  const { byJob, global, longest } = scrapeIntervals(model);
  if (jobs.length === 0) return longest;
  return jobs.reduce((most, job) => Math.max(most, byJob.get(job) ?? global), 0);
}

const intervalsByModel = new WeakMap<Model, { byJob: Map<string, number>; global: number; longest: number }>();

function scrapeIntervals(model: Model): { byJob: Map<string, number>; global: number; longest: number } {
  let intervals = intervalsByModel.get(model);
  if (intervals === undefined) {
    const byJob = new Map<string, number>(model.services.map((service) => [service.job, durationSeconds(service.scrapeInterval)]));
    const global = durationSeconds(model.prometheus.scrapeInterval);
    let longest = global;
    for (const seconds of byJob.values()) longest = Math.max(longest, seconds);
    intervals = { byJob, global, longest };
    intervalsByModel.set(model, intervals);
  }
  return intervals;
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
