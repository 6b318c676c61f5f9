import { beforeAll, describe, expect, it } from 'vitest';
import { panelUnitsRule } from '../src/lint/rules/panel-units.js';
import type { LintContext } from '../src/lint/types.js';
import { specModel } from './dashboard-fixtures.js';
import { smallDashboard } from './lint-fixtures.js';

let context: LintContext;
beforeAll(async () => {
  context = { model: await specModel() };
});

describe('lint rule panel-units', () => {
  it('passes panels that set a unit', () => {
    expect(panelUnitsRule.check(smallDashboard([{ title: 'A', unit: 'percentunit', exprs: ['up'] }]), context)).toEqual([]);
  });

  it('reports a panel without a unit and one with a blank unit', () => {
    const problems = panelUnitsRule.check(
      smallDashboard([
        { title: 'No unit', exprs: ['up'] },
        { title: 'Blank unit', unit: ' ', exprs: ['up'] },
        { title: 'Fine', unit: 's', exprs: ['up'] },
      ]),
      context,
    );
    expect(problems.map((problem) => problem.panel)).toEqual(['No unit', 'Blank unit']);
    expect(problems[0]!.message).toBe('no unit set (fieldConfig.defaults.unit)');
  });
});
