import { beforeAll, describe, expect, it } from 'vitest';
import { dashboardUids } from '../src/dashboards/index.js';
import { datasourceVariableRule } from '../src/lint/rules/datasource-variable.js';
import type { LintContext } from '../src/lint/types.js';
import { dashboardByUid, specModel } from './dashboard-fixtures.js';
import { smallDashboard } from './lint-fixtures.js';

let context: LintContext;
beforeAll(async () => {
  context = { model: await specModel() };
});

describe('lint rule datasource-variable', () => {
  it('passes a dashboard whose panels, targets and variables all use ${datasource}', () => {
    expect(datasourceVariableRule.check(smallDashboard([{ title: 'A', unit: 's', exprs: ['up'] }]), context)).toEqual([]);
    expect(datasourceVariableRule.check(dashboardByUid(context.model, dashboardUids.runtime), context)).toEqual([]);
  });

  it('reports a dashboard without a Prometheus datasource variable', () => {
    const dashboard = smallDashboard([{ title: 'A', unit: 's', exprs: ['up'] }]);
    dashboard.templating.list = (dashboard.templating.list ?? []).filter((variable) => variable.type !== 'datasource');
    expect(datasourceVariableRule.check(dashboard, context)).toEqual([
      expect.objectContaining({ rule: 'datasource-variable', message: 'no datasource variable of type prometheus in templating.list' }),
    ]);
  });

  it('reports a panel with a fixed datasource uid', () => {
    const problems = datasourceVariableRule.check(smallDashboard([{ title: 'Fixed', unit: 's', exprs: ['up'], datasourceUid: 'prometheus' }]), context);
    expect(problems.map((problem) => [problem.panel, problem.message])).toEqual([
      ['Fixed', 'panel datasource uid is "prometheus", expected "${datasource}"'],
      ['Fixed', 'target A datasource uid is "prometheus", expected "${datasource}"'],
    ]);
  });

  it('reports a query variable on a fixed datasource', () => {
    const dashboard = dashboardByUid(context.model, dashboardUids.overview);
    const job = dashboard.templating.list!.find((variable) => variable.name === 'job')!;
    job.datasource = { type: 'prometheus', uid: 'prometheus' };
    expect(datasourceVariableRule.check(dashboard, context)).toEqual([expect.objectContaining({ panel: 'variable job' })]);
  });
});
