import { dashboardPanels, dashboardRows } from '../walk.js';
import { dashboardLabel, type DashboardLintRule, type LintProblem } from '../types.js';

const name = 'titles';

export const titlesRule: DashboardLintRule = {
  name,
  description: 'The dashboard, every row and every panel has a non-empty title.',
  check(dashboard) {
    const label = dashboardLabel(dashboard);
    const problems: LintProblem[] = [];
    if ((dashboard.title ?? '').trim() === '') problems.push({ rule: name, dashboard: label, message: 'dashboard has no title' });
    for (const row of dashboardRows(dashboard)) {
      if (row.title === undefined || row.title.trim() === '') problems.push({ rule: name, dashboard: label, panel: `row ${row.id}`, message: 'row has no title' });
    }
    for (const panel of dashboardPanels(dashboard)) {
      if (panel.title === undefined || panel.title.trim() === '') {
        problems.push({ rule: name, dashboard: label, panel: `panel ${panel.id ?? '?'} (${panel.type})`, message: 'panel has no title' });
      }
    }
    return problems;
  },
};
