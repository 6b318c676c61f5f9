import { durationSeconds } from '../../spec/duration.js';
import { evaluationSeconds, ruleName, secondsText, type RuleGroupCheck } from './types.js';

/**
 * An alert's `for` is at least one evaluation interval: Prometheus only checks it at each
 * evaluation, so a shorter `for` silently means one interval (as pint's rule/for bounds it).
 */
export const ruleForCheck: RuleGroupCheck = {
  name: 'rule/for',
  description: 'an alert\'s for is 0 or at least one evaluation interval',
  check({ model, file, group }) {
    const evaluation = evaluationSeconds(model, group);
    return group.rules.flatMap((rule) => {
      if (rule.alert === undefined || rule.for === undefined) return [];
      const waits = durationSeconds(rule.for);
      if (waits === 0 || waits >= evaluation) return [];
      return [
        {
          check: this.name,
          file,
          group: group.name,
          rule: ruleName(rule),
          message: `for: ${rule.for} is shorter than the evaluation interval ${secondsText(evaluation)}; it would act as ${secondsText(evaluation)}`,
        },
      ];
    });
  },
};
