/**
 * What the runbook pages and the alerts index say about SLOs: the spec fields the burn-rate
 * alerts read, and the SLO recording rules of a model.
 */
import { sloDefaults } from '../model/defaults.js';
import type { Model } from '../model/types.js';
import { sloRecordingGroups } from './recording.js';

const sloFields = [
  { specPath: 'slos[].objective', defaultValue: 'required', meaning: 'share of good events over the period (0.9 to below 1); the error budget is 1 - objective' },
  { specPath: 'slos[].period', defaultValue: sloDefaults.period, meaning: 'rolling period of the objective and the remaining budget' },
  { specPath: 'slos[].minEvents', defaultValue: String(sloDefaults.minEvents), meaning: 'events each window of a pair must hold before the pair can fire (low-traffic guard)' },
  { specPath: 'slos[].thresholdSeconds', defaultValue: 'required (latency)', meaning: 'a request is good when answered within it; one of the latency histogram bucket bounds' },
  { specPath: 'slos[].maxAge', defaultValue: 'required (freshness)', meaning: 'the pipeline is fresh while its newest item is at most this old' },
] as const;

export const sloParameterDocs: Readonly<Record<string, readonly { specPath: string; defaultValue: string; meaning: string }[]>> = {
  ErrorBudgetBurnFast: sloFields,
  ErrorBudgetBurnSlow: sloFields,
};

/** Lines for the alerts index: the SLO recording rules of this model, or nothing. */
export function sloRecordingIndex(model: Model): string[] {
  const groups = sloRecordingGroups(model);
  if (groups.length === 0) return [];
  const lines = ['', '## SLO recording rules', '', '| Group | Series | Expression |', '| --- | --- | --- |'];
  for (const group of groups) {
    if (group.name.startsWith('vigil-slo-parameters')) {
      lines.push(`| \`${group.name}\` | constants | one series per SLO: objective, latency bucket, freshness bound, minEvents overrides (${group.rules.length} rules) |`);
      continue;
    }
    for (const rule of group.rules) {
      if (!('record' in rule)) continue;
      lines.push(`| \`${group.name}\` | \`${rule.record}\` | \`${rule.expr.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|')}\` |`);
    }
  }
  return lines;
}
