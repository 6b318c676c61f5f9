/**
 * How often a recording group runs when its series change slowly or not at all.
 *
 * Three kinds of group read many samples or write many series for little change per evaluation:
 * - windows of an hour or more (pipeline rates over 1h and 1d, SLO windows of 6h to 3d, the SLO
 *   period's hourly sums): each evaluation reads up to a day or more of samples per series, and
 *   the result moves by at most an interval's share of its window in between;
 * - constant series (targets' owners, thresholds, SLO objectives): one series per target, the
 *   same value at every evaluation.
 *
 * They run every slowRecordingEvaluations evaluation intervals, at most every
 * slowRecordingInterval (1m at the default 15s), never faster than the global interval. Alerts
 * and panels still find a value at every instant: a minute is well inside Prometheus' 5m lookback
 * delta, so a recorded series never goes stale between two evaluations of its group. Tied to the
 * evaluation interval, a Prometheus evaluating every second (the e2e profile) records them within
 * seconds of starting, as its panels and alerts expect; promtool evaluates a group at the test's
 * start and then at each multiple of its interval, so generated tests see every series from
 * their first step.
 */
import type { Duration } from '../model/types.js';
import { durationSeconds, formatDuration } from '../spec/duration.js';

export const slowRecordingInterval: Duration = '1m';
export const slowRecordingEvaluations = 4;

/** The slow interval for a Prometheus evaluating every `evaluationInterval`; undefined when it is the global one. */
export function slowGroupInterval(evaluationInterval: Duration): Duration | undefined {
  const global = durationSeconds(evaluationInterval);
  const slow = Math.max(global, Math.min(global * slowRecordingEvaluations, durationSeconds(slowRecordingInterval)));
  return slow === global ? undefined : formatDuration(slow * 1000);
}

/** `{ interval }` for a slow group, or nothing when it would equal the global interval (the key then stays out of the YAML). */
export function slowGroupFields(evaluationInterval: Duration): { readonly interval?: Duration } {
  const interval = slowGroupInterval(evaluationInterval);
  return interval === undefined ? {} : { interval };
}
