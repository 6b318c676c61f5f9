import { analysePromQL } from '../../promql/parse.js';
import { dashboardPanels, panelExpressions } from '../walk.js';
import { dashboardLabel, type DashboardLintRule, type LintProblem } from '../types.js';

const name = 'rate-interval';

/**
 * A fixed `[1m]` under-samples at long ranges and returns nothing when it spans fewer than two
 * scrapes; `$__rate_interval` adapts to the zoom and never drops under four scrape intervals.
 * Ranges are found with the PromQL parser, so `[5m]` in a label value is not mistaken for one.
 */
export const rateIntervalRule: DashboardLintRule = {
  name,
  description: 'Every rate, irate and increase in a panel query ranges over $__rate_interval.',
  check(dashboard) {
    const problems: LintProblem[] = [];
    for (const panel of dashboardPanels(dashboard)) {
      for (const expr of panelExpressions(panel)) {
        for (const call of analysePromQL(expr).rangeFunctions) {
          if (call.usesRateInterval) continue;
          problems.push({
            rule: name,
            dashboard: dashboardLabel(dashboard),
            panel: panel.title ?? '(untitled)',
            message: `${call.func}() ranges over ${call.range === '' ? 'no range' : `[${call.range}]`} instead of [$__rate_interval] in: ${expr}`,
          });
        }
      }
    }
    return problems;
  },
};
