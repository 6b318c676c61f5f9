import { beforeAll, describe, expect, it } from 'vitest';
import { noHardcodedJobInstanceRule } from '../src/lint/rules/no-hardcoded-job-instance.js';
import type { LintContext } from '../src/lint/types.js';
import { specModel } from './dashboard-fixtures.js';
import { smallDashboard } from './lint-fixtures.js';

let context: LintContext;
beforeAll(async () => {
  context = { model: await specModel() };
});

describe('lint rule no-hardcoded-job-instance', () => {
  it('passes job matchers that use the $job variable', () => {
    const dashboard = smallDashboard([{ title: 'A', unit: 's', exprs: ['up{job=~"$job"}', 'rate(x_total{job=~"${job}"}[$__rate_interval])'] }]);
    expect(noHardcodedJobInstanceRule.check(dashboard, context)).toEqual([]);
  });

  it('passes a hard-coded job where the dashboard has no job variable', () => {
    const dashboard = smallDashboard([{ title: 'A', unit: 's', exprs: ['up{job="api"}'] }], { withJobVariable: false });
    expect(noHardcodedJobInstanceRule.check(dashboard, context)).toEqual([]);
  });

  it('reports a hard-coded job where a $job variable exists, but not other labels', () => {
    const dashboard = smallDashboard([{ title: 'Pinned', unit: 's', exprs: ['sum(up{job="api", route="/x"}) + up{instance="h:1"}'] }]);
    const problems = noHardcodedJobInstanceRule.check(dashboard, context);
    expect(problems).toEqual([
      expect.objectContaining({ panel: 'Pinned', message: expect.stringMatching(/^job="api" is hard-coded although the dashboard has a \$job variable/) }),
    ]);
  });
});
