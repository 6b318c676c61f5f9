import { ruleFacts } from './ranges.js';
import { ruleName, scrapeSecondsFor, secondsText, type RuleGroupCheck } from './types.js';

/**
 * Counter functions need at least two samples in their window, and a missed or late scrape
 * must not empty it: the window is at least this many scrape intervals (pint's promql/rate
 * reports under 2; 4 is the usual advice, and what Grafana's $__rate_interval uses).
 */
export const rateWindowScrapes = 4;
export const counterFunctions: ReadonlySet<string> = new Set(['rate', 'irate', 'increase', 'resets']);

export const promqlRateCheck: RuleGroupCheck = {
  name: 'promql/rate',
  description: `rate(), irate(), increase() and resets() windows are at least ${rateWindowScrapes} scrape intervals`,
  check({ model, file, group }) {
    return group.rules.flatMap((rule) => {
      const facts = ruleFacts(rule);
      const scrape = scrapeSecondsFor(model, facts.jobs);
      return facts.ranges
        .filter((range) => counterFunctions.has(range.func) && range.seconds < rateWindowScrapes * scrape)
        .map((range) => ({
          check: this.name,
          file,
          group: group.name,
          rule: ruleName(rule),
          message: `${range.func}() over [${range.text}] is under ${rateWindowScrapes} scrape intervals of ${secondsText(scrape)}; use at least ${secondsText(rateWindowScrapes * scrape)} or scrape more often`,
        }));
    });
  },
};
