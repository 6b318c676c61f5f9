/**
 * Judging a scenario: the firing samples promtool reported become episodes per alert label
 * set, each matched against the scenario's expectation.
 */
import type { AlertMatch, Expectation, Scenario } from './scenario.js';
import type { FiringSample } from './promtool.js';

export interface Episode {
  readonly from: number;
  /** Last step seen firing (inclusive). */
  readonly to: number;
}

export interface FiredAlert {
  readonly alert: string;
  readonly priority: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The target in a few words: `service=api`, `pipeline=orders`. */
  readonly target: string;
  readonly episodes: readonly Episode[];
  /** Expected (required or allowed) here; false alerts are the others. */
  readonly allowed: boolean;
}

export interface RequiredResult {
  readonly alert: string;
  readonly target: string;
  readonly withinSeconds: number;
  /** Seconds from the fault to the first firing at or after it; undefined when it never fired. */
  readonly detectedAfter?: number;
  readonly verdict: 'detected' | 'late' | 'missed' | 'not sustained';
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly expectation: Expectation;
  readonly fired: readonly FiredAlert[];
  readonly required: readonly RequiredResult[];
  readonly falsePages: number;
  readonly falseTickets: number;
  readonly passed: boolean;
  readonly problems: readonly string[];
  readonly start: number;
  readonly horizon: number;
  readonly promtoolSeconds: number;
}

const targetLabels = ['service', 'pipeline', 'check', 'slo', 'field', 'operation', 'signal', 'instance'] as const;

export function describeTarget(labels: Readonly<Record<string, string>>): string {
  return targetLabels
    .filter((name) => labels[name] !== undefined && (name !== 'instance' || labels.service === undefined))
    .map((name) => `${name}=${labels[name]}`)
    .join(' ');
}

function matches(match: AlertMatch, alert: string, labels: Readonly<Record<string, string>>): boolean {
  if (match.alert !== alert) return false;
  return Object.entries(match.labels ?? {}).every(([name, value]) => labels[name] === value);
}

/** Consecutive firing steps form an episode; a missing step ends it. */
export function episodesOf(times: readonly number[], stepSeconds: number): Episode[] {
  const sorted = [...times].sort((a, b) => a - b);
  const episodes: { from: number; to: number }[] = [];
  for (const at of sorted) {
    const last = episodes.at(-1);
    if (last !== undefined && at - last.to <= stepSeconds) last.to = at;
    else episodes.push({ from: at, to: at });
  }
  return episodes;
}

export function judge(scenario: Scenario, expectation: Expectation, firing: readonly FiringSample[], options: { stepSeconds: number; start: number; horizon: number; promtoolSeconds: number }): ScenarioResult {
  const bySet = new Map<string, { labels: Readonly<Record<string, string>>; times: number[] }>();
  for (const sample of firing) {
    const key = JSON.stringify(Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    const entry = bySet.get(key) ?? { labels: sample.labels, times: [] };
    entry.times.push(sample.at);
    bySet.set(key, entry);
  }
  const expected = [...expectation.mustFire, ...expectation.mayFire];
  const fired: FiredAlert[] = [...bySet.values()]
    .map(({ labels, times }) => {
      const alert = labels.alertname ?? '?';
      return {
        alert,
        priority: labels.priority ?? '?',
        labels,
        target: describeTarget(labels),
        episodes: episodesOf(times, options.stepSeconds),
        allowed: expected.some((match) => matches(match, alert, labels)),
      };
    })
    .sort((a, b) => a.episodes[0]!.from - b.episodes[0]!.from || (a.alert < b.alert ? -1 : 1));

  const problems: string[] = [];
  const required: RequiredResult[] = expectation.mustFire.map((must) => {
    const target = describeTarget(must.labels ?? {});
    const faultAt = expectation.faultAt ?? options.start;
    const candidates = fired.filter((alert) => matches(must, alert.alert, alert.labels));
    const episodes = candidates.flatMap((alert) => alert.episodes).sort((a, b) => a.from - b.from);
    // An episode that started before the fault and is still on counts from the fault.
    const first = episodes.find((episode) => episode.to >= faultAt);
    const name = `${must.alert}${target === '' ? '' : ` {${target}}`}`;
    if (first === undefined) {
      problems.push(`missed: ${name} never fired (required within ${formatSpan(must.withinSeconds)} of the fault)`);
      return { alert: must.alert, target, withinSeconds: must.withinSeconds, verdict: 'missed' as const };
    }
    const detectedAfter = Math.max(0, first.from - faultAt);
    if (detectedAfter > must.withinSeconds) {
      problems.push(`late: ${name} fired ${formatSpan(detectedAfter)} after the fault (required within ${formatSpan(must.withinSeconds)})`);
      return { alert: must.alert, target, withinSeconds: must.withinSeconds, detectedAfter, verdict: 'late' as const };
    }
    if (must.sustained === true && expectation.faultEnd !== undefined) {
      // Firing from the first detection until the fault ends (or the run does), allowing one step of rule lag.
      const until = Math.min(expectation.faultEnd, options.horizon) - options.stepSeconds;
      let covered = first.from;
      for (const episode of episodes) {
        if (episode.from > covered + options.stepSeconds) break;
        covered = Math.max(covered, episode.to);
      }
      if (covered < until) {
        problems.push(`not sustained: ${name} stopped firing ${formatSpan(covered - (expectation.faultAt ?? 0))} after the fault, while the fault lasted ${formatSpan(expectation.faultEnd - (expectation.faultAt ?? 0))}`);
        return { alert: must.alert, target, withinSeconds: must.withinSeconds, detectedAfter, verdict: 'not sustained' as const };
      }
    }
    return { alert: must.alert, target, withinSeconds: must.withinSeconds, detectedAfter, verdict: 'detected' as const };
  });

  let falsePages = 0;
  let falseTickets = 0;
  for (const alert of fired) {
    if (alert.allowed) continue;
    if (alert.priority === 'P1') falsePages += 1;
    else falseTickets += 1;
    problems.push(`false ${alert.priority === 'P1' ? 'page' : 'ticket'}: ${alert.alert} {${alert.target}} fired ${alert.episodes.length}x, first at ${clock(alert.episodes[0]!.from)}, ${formatSpan(firingSeconds(alert, options.stepSeconds))} in all`);
  }
  return {
    scenario,
    expectation,
    fired,
    required,
    falsePages,
    falseTickets,
    passed: problems.length === 0,
    problems,
    start: options.start,
    horizon: options.horizon,
    promtoolSeconds: options.promtoolSeconds,
  };
}

/** A scenario that could not be judged (promtool timed out): failed, with the reason as its one problem. */
export function unjudged(scenario: Scenario, expectation: Expectation, reason: string, options: { start: number; horizon: number; promtoolSeconds: number }): ScenarioResult {
  return { scenario, expectation, fired: [], required: [], falsePages: 0, falseTickets: 0, passed: false, problems: [reason], ...options };
}

export function firingSeconds(alert: FiredAlert, stepSeconds: number): number {
  return alert.episodes.reduce((sum, episode) => sum + episode.to - episode.from + stepSeconds, 0);
}

/** `2h05m`, `45m`, `3d4h`. */
export function formatSpan(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${days}d${hours}h${rest > 0 ? `${String(rest).padStart(2, '0')}m` : ''}`;
  if (hours > 0) return `${hours}h${String(rest).padStart(2, '0')}m`;
  return `${rest}m`;
}

/** Simulated wall-clock time: `Thu 14:05` (the epoch is a Thursday). */
export function clock(seconds: number): string {
  const days = ['Thu', 'Fri', 'Sat', 'Sun', 'Mon', 'Tue', 'Wed'];
  const minutes = Math.floor(seconds / 60);
  const day = Math.floor(minutes / 1440);
  const hh = String(Math.floor((minutes % 1440) / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${days[day % 7]}${day >= 7 ? `+${Math.floor(day / 7)}w` : ''} ${hh}:${mm}`;
}
