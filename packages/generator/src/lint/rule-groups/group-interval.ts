import { intervalBounds } from '../../spec/schema.js';
import { durationSeconds } from '../../spec/duration.js';
import { evaluationSeconds, secondsText, type RuleGroupCheck } from './types.js';

/**
 * A group is evaluated within the interval bounds of the spec (1s to 5m): slower than
 * Prometheus' 5m lookback delta, recorded series go stale between evaluations.
 */
export const groupIntervalCheck: RuleGroupCheck = {
  name: 'group/interval',
  description: `rule groups are evaluated every ${intervalBounds.min} to ${intervalBounds.max}`,
  check({ model, file, group }) {
    const seconds = evaluationSeconds(model, group);
    if (seconds >= durationSeconds(intervalBounds.min) && seconds <= durationSeconds(intervalBounds.max)) return [];
    return [
      {
        check: this.name,
        file,
        group: group.name,
        rule: '(group)',
        message: `evaluated every ${secondsText(seconds)}; expected ${intervalBounds.min} to ${intervalBounds.max}`,
      },
    ];
  },
};
