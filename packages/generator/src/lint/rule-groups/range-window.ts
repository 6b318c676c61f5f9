import { ruleFacts } from './ranges.js';
import { evaluationSeconds, ruleName, scrapeSecondsFor, secondsText, type RuleGroupCheck } from './types.js';
import { counterFunctions } from './promql-rate.js';

/**
 * Any other look-back (`*_over_time`, `changes`, subqueries) holds at least this many scrape
 * intervals (counter functions: promql/rate); with fewer, one missed scrape leaves it empty and the alert silently cannot fire.
 */
export const minWindowScrapes = 2;

export const rangeWindowCheck: RuleGroupCheck = {
  name: 'promql/range',
  description: `look-back windows hold at least ${minWindowScrapes} scrape intervals and one evaluation interval`,
  check({ model, file, group }) {
    const evaluation = evaluationSeconds(model, group);
    return group.rules.flatMap((rule) => {
      const facts = ruleFacts(rule);
      const scrape = scrapeSecondsFor(model, facts.jobs);
      const minimum = Math.max(minWindowScrapes * scrape, evaluation);
      return facts.ranges
        .filter((range) => range.seconds < minimum && !counterFunctions.has(range.func))
        .map((range) => ({
          check: this.name,
          file,
          group: group.name,
          rule: ruleName(rule),
          message: `${range.func === '' ? 'a' : `${range.func}() over a`} window of [${range.text}] is under ${minWindowScrapes} scrape intervals of ${secondsText(scrape)} (or one evaluation interval of ${secondsText(evaluation)}); use at least ${secondsText(minimum)}`,
        }));
    });
  },
};
