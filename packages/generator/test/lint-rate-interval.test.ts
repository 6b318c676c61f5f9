import { beforeAll, describe, expect, it } from 'vitest';
import { rateIntervalRule } from '../src/lint/rules/rate-interval.js';
import type { LintContext } from '../src/lint/types.js';
import { specModel } from './dashboard-fixtures.js';
import { smallDashboard } from './lint-fixtures.js';

let context: LintContext;
beforeAll(async () => {
  context = { model: await specModel() };
});

describe('lint rule rate-interval', () => {
  it('passes rate, irate and increase over $__rate_interval, in either variable spelling', () => {
    const dashboard = smallDashboard([
      {
        title: 'Good',
        unit: 'reqps',
        exprs: [
          'sum by (job) (rate(http_request_duration_seconds_count{job=~"$job"}[$__rate_interval]))',
          'irate(process_cpu_seconds_total[${__rate_interval}]) + increase(unhandled_errors_total[$__rate_interval])',
          // A duration inside a label value is not a range selector.
          'up{job="[5m]"}',
        ],
      },
    ]);
    expect(rateIntervalRule.check(dashboard, context)).toEqual([]);
  });

  it('reports a fixed range, a $__interval range and a subquery range, each with its expression', () => {
    const dashboard = smallDashboard([
      { title: 'Fixed', unit: 'reqps', exprs: ['rate(http_request_duration_seconds_count[5m])'] },
      { title: 'Interval', unit: 'reqps', exprs: ['sum(increase(items_created_total[$__interval]))'] },
      { title: 'Subquery', unit: 'reqps', exprs: ['irate(up[10m:1m])'] },
    ]);
    const problems = rateIntervalRule.check(dashboard, context);
    expect(problems.map((problem) => problem.panel)).toEqual(['Fixed', 'Interval', 'Subquery']);
    expect(problems[0]!.message).toBe('rate() ranges over [5m] instead of [$__rate_interval] in: rate(http_request_duration_seconds_count[5m])');
    expect(problems[1]!.message).toMatch(/^increase\(\) ranges over \[15s\]/);
    expect(problems[2]!.message).toMatch(/^irate\(\) ranges over \[10m\]/);
  });
});
