import { durationSeconds } from '../../spec/duration.js';
import { ruleFacts } from './ranges.js';
import { ruleName, scrapeSecondsFor, secondsText, type RuleGroupCheck } from './types.js';

/**
 * absent() is true for a moment whenever a scrape is late or Prometheus restarts, so an alert
 * on it waits at least this many scrape intervals (as pint's alerts/absent).
 */
export const absentForScrapes = 2;

export const alertsAbsentCheck: RuleGroupCheck = {
  name: 'alerts/absent',
  description: `alerts using absent() wait at least ${absentForScrapes} scrape intervals (for)`,
  check({ model, file, group }) {
    return group.rules.flatMap((rule) => {
      if (rule.alert === undefined) return [];
      const facts = ruleFacts(rule);
      if (!facts.functions.has('absent')) return [];
      const scrape = scrapeSecondsFor(model, facts.jobs);
      const waits = rule.for === undefined ? 0 : durationSeconds(rule.for);
      if (waits >= absentForScrapes * scrape) return [];
      return [
        {
          check: this.name,
          file,
          group: group.name,
          rule: ruleName(rule),
          message: `uses absent() with for: ${rule.for ?? '0s'}, under ${absentForScrapes} scrape intervals of ${secondsText(scrape)}; one late scrape would fire it`,
        },
      ];
    });
  },
};
