/**
 * ErrorBudgetBurnFast (P1) and ErrorBudgetBurnSlow (P2): the multi-window, multi-burn-rate
 * alerts of the SRE workbook. Each is ONE rule for every SLO of the fleet: the burn-rate,
 * event-count and evidence-floor series all carry the SLO's identity labels (team, service,
 * pipeline, slo), so they combine with plain `and`/`or` and the alert inherits those labels.
 */
import type { Model, Priority } from '../model/types.js';
import { sloDefaults } from '../model/defaults.js';
import { alertingRule, tierSeverity, type AlertTemplates } from '../rules/common.js';
import { promNumber } from '../rules/format.js';
import { recordingRuleNames } from '../rules/recording.js';
import { durationSeconds } from '../spec/duration.js';
import type { AlertDefinition, AlertingRule } from '../rules/types.js';
import { sloSeries, type SloWindow } from './series.js';
import { sloAlertTests } from './tests.js';

/** One condition of a burn-rate alert: both windows above `factor` times the sustainable rate. */
export interface BurnRatePair {
  readonly long: SloWindow;
  readonly short: SloWindow;
  /** Burn rate: 1 spends exactly the budget over the period; 14.4 spends 2% of 30 days in 1h. */
  readonly factor: number;
}

export interface BurnRateAlert {
  readonly name: 'ErrorBudgetBurnFast' | 'ErrorBudgetBurnSlow';
  readonly priority: Priority;
  /** Pairs in order; the alert's value is the long-window burn rate of the first pair that holds. */
  readonly pairs: readonly BurnRatePair[];
}

/** The SRE workbook's thresholds (chapter "Alerting on SLOs", table 5-8). */
export const burnRateAlerts = {
  fast: {
    name: 'ErrorBudgetBurnFast',
    priority: 'P1',
    pairs: [
      { long: '1h', short: '5m', factor: 14.4 },
      { long: '6h', short: '30m', factor: 6 },
    ],
  },
  slow: {
    name: 'ErrorBudgetBurnSlow',
    priority: 'P2',
    pairs: [
      { long: '1d', short: '2h', factor: 3 },
      { long: '3d', short: '6h', factor: 1 },
    ],
  },
} as const satisfies Record<string, BurnRateAlert>;

const pairText = (pair: BurnRatePair): string => `${pair.factor}x over ${pair.long} and ${pair.short}`;

/** The long window's noise margin in words: "1 standard deviation", "2 standard deviations". */
export const sigmasText = (sigmas: number): string => `${sigmas} standard deviation${sigmas === 1 ? '' : 's'}`;

/** The bad-event count k less that margin: "k - sqrt(k)", "k - 2 * sqrt(k)". */
export const discountedCountText = (sigmas: number): string => `k - ${sigmas === 1 ? '' : `${sigmas} * `}sqrt(k)`;

const margin = sigmasText(sloDefaults.longWindowSigmas);
const discountedCount = discountedCountText(sloDefaults.longWindowSigmas);

/**
 * A long window of a day or more counts only once Prometheus has watched the job for
 * `observedShare` of it. Until then the window holds a few hours at most, and a two-minute
 * error blip weighs as if it were the whole day (the backtest's error-blip and latency-blip
 * raised a slow-burn ticket 2 hours after a fresh start). Windows under a day are left alone:
 * the fast pairs must page a real burn from the first hour.
 */
export const observedWindow = { fromSeconds: 86_400, observedShare: 0.75 } as const;

function observedFor(window: SloWindow): string | undefined {
  const seconds = durationSeconds(window);
  if (seconds < observedWindow.fromSeconds) return undefined;
  return `on (job) (time() - ${recordingRuleNames.jobFirstScrapeTimestamp} >= ${promNumber(seconds * observedWindow.observedShare)})`;
}

/**
 * The long window's burn with its bad-event count's noise taken off (the count k less
 * `longWindowSigmas` * sqrt(k)) must still exceed the factor: the long window is the one that
 * says the burn is significant. Freshness counts stale seconds, not independent events, so for
 * it the correction is merely conservative.
 */
function significantBurn(pair: BurnRatePair): string {
  const s = sloSeries;
  const badEvents = `${s.errorRatio(pair.long)} * ${s.events(pair.long)}`;
  return `${s.burnRate(pair.long)} * (1 - ${promNumber(sloDefaults.longWindowSigmas)} / sqrt(${badEvents})) > ${promNumber(pair.factor)}`;
}

export function burnRateExpression(alert: BurnRateAlert): string {
  const s = sloSeries;
  const condition = (pair: BurnRatePair): string => {
    const observed = observedFor(pair.long);
    return [
      // Implied by the significance term below, but first: `and` keeps its left side's value, so
      // the alert's value stays the long window's burn rate rather than its discounted lower bound.
      `${s.burnRate(pair.long)} > ${promNumber(pair.factor)}`,
      significantBurn(pair),
      `${s.burnRate(pair.short)} > ${promNumber(pair.factor)}`,
      `${s.events(pair.long)} >= ${s.minEvents}`,
      `${s.events(pair.short)} >= ${s.minEvents}`,
      ...(observed === undefined ? [] : [observed]),
    ].join(' and ');
  };
  return alert.pairs.map((pair) => `(${condition(pair)})`).join('\nor\n');
}

export function burnRateTemplates(alert: BurnRateAlert): AlertTemplates {
  const speed = alert.priority === 'P1' ? 'fast' : 'steadily';
  return {
    summary: ['SLO ', { label: 'slo' }, ` is burning its error budget ${speed}`],
    description: [
      'SLO ',
      { label: 'slo' },
      ' (',
      { label: 'sli' },
      ' of ',
      { label: 'job' },
      ') spends its error budget ',
      { value: 'g4' },
      ` times as fast as its `,
      { label: 'period' },
      ` period allows. Fires at ${alert.pairs.map(pairText).join(', or ')} (the long window beyond ${margin} of its bad-event count), with at least the SLO's minEvents (default ${sloDefaults.minEvents}) events in each window.`,
    ],
  };
}

export function burnRateRules(model: Model, alert: BurnRateAlert): AlertingRule[] {
  if (model.slos.length === 0) return [];
  const labels = { priority: alert.priority, severity: tierSeverity[alert.priority] };
  return [alertingRule(model, alert.name, burnRateExpression(alert), undefined, labels, burnRateTemplates(alert))];
}

const sharedChecks: readonly [string, string] = [
  'Open the "SLOs" dashboard (vigil-slo) on this SLO: which windows burn, since when, and how much budget is left.',
  'Break the bad events down: for availability and latency, the service dashboard by route and status; for freshness, the pipeline dashboard (creation rate, time since the last item).',
];

export const errorBudgetBurnFastAlert: AlertDefinition = {
  name: burnRateAlerts.fast.name,
  priority: 'P1',
  severity: 'critical',
  title: 'An SLO spends its error budget fast enough to exhaust it within days',
  runbook: {
    meaning:
      `An SLO (\`slos[]\` of the spec) burns its error budget ${pairText(burnRateAlerts.fast.pairs[0])} (2% of a 30-day budget in one hour) or ${pairText(burnRateAlerts.fast.pairs[1])} (5% in six hours). The long window shows the burn is significant: even less ${margin} of its bad-event count (${discountedCount} bad events), the burn exceeds the factor, so a 5x burn whose 6h window reads 6.1x by chance on a quiet night does not page. The short window shows it is still going on, so the alert resolves soon after the fault ends. Each window must hold at least the SLO's \`minEvents\` events. Series: \`vigil:slo_burn_rate:rate<window>\` = error ratio over the window / (1 - objective), in \`alerts/recording-rules.yml\` (groups \`vigil-slo-*\`).`,
    causes: [
      'An outage or a bad deploy: many requests fail (availability) or are slow (latency).',
      'A pipeline stopped or fell behind, so its newest item is older than the bound (freshness).',
      'A dependency is failing; look for DependencyDown or HighErrorRate on the same service.',
    ],
    firstChecks: [...sharedChecks, 'Look for a deploy, a ServiceDown or a DependencyDown around the start of the burn; roll back if a deploy started it.'],
  },
  rules: (model) => burnRateRules(model, burnRateAlerts.fast),
  tests: (model) => sloAlertTests(model, burnRateAlerts.fast),
};

export const errorBudgetBurnSlowAlert: AlertDefinition = {
  name: burnRateAlerts.slow.name,
  priority: 'P2',
  severity: 'warning',
  title: 'An SLO spends its error budget faster than its period allows',
  runbook: {
    meaning: `An SLO burns its error budget ${pairText(burnRateAlerts.slow.pairs[0])} (10% of a 30-day budget in a day) or ${pairText(burnRateAlerts.slow.pairs[1])} (the whole budget would be spent by the end of the period). Nothing pages: the budget lasts days at this rate, so it is work for the team's queue. The long window's burn must exceed the factor even less ${margin} of its bad-event count (${discountedCount}). Each window must hold at least the SLO's \`minEvents\` events, and Prometheus must have watched the job for three quarters of the long window (18h for 1d, 54h for 3d): over a few hours of history a short blip would count as a whole day's burn.`,
    causes: [
      'A steady trickle of errors or slow requests after a change (one route, one client, one dependency).',
      'A pipeline that regularly falls behind its freshness bound at peak hours.',
      'An objective tighter than the service can meet as built.',
    ],
    firstChecks: [...sharedChecks, 'Compare with the same days a week earlier: a new trend points at a change; a steady one at the objective.'],
  },
  rules: (model) => burnRateRules(model, burnRateAlerts.slow),
  tests: (model) => sloAlertTests(model, burnRateAlerts.slow),
};

/** The SLO alerts, P1 first. */
export const sloAlertDefinitions: readonly AlertDefinition[] = [errorBudgetBurnFastAlert, errorBudgetBurnSlowAlert];
