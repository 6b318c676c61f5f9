import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { beforeAll, describe, expect, it } from 'vitest';
import { titlesRule } from '../src/lint/rules/titles.js';
import type { LintContext } from '../src/lint/types.js';
import { specModel } from './dashboard-fixtures.js';
import { smallDashboard } from './lint-fixtures.js';

let context: LintContext;
beforeAll(async () => {
  context = { model: await specModel() };
});

describe('lint rule titles', () => {
  it('passes a titled dashboard with titled panels', () => {
    expect(titlesRule.check(smallDashboard([{ title: 'Request rate', unit: 'reqps', exprs: ['up'] }]), context)).toEqual([]);
  });

  it('reports an untitled panel, an untitled row and an untitled dashboard', () => {
    const dashboard = smallDashboard([{ unit: 's', exprs: ['up'] }]);
    dashboard.title = '';
    dashboard.panels!.push({ ...new RowBuilder('').id(9).build() });
    const problems = titlesRule.check(dashboard, context);
    expect(problems.map((problem) => problem.message)).toEqual(['dashboard has no title', 'row has no title', 'panel has no title']);
    expect(problems[2]!.panel).toBe('panel 1 (timeseries)');
  });
});
