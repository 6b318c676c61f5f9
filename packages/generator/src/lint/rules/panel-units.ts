import { dashboardPanels } from '../walk.js';
import { dashboardLabel, type DashboardLintRule } from '../types.js';

const name = 'panel-units';

/** A number without a unit is ambiguous: seconds or milliseconds, a share or a percentage. */
export const panelUnitsRule: DashboardLintRule = {
  name,
  description: 'Every panel sets a unit in fieldConfig.defaults.unit.',
  check(dashboard) {
    return dashboardPanels(dashboard)
      .filter((panel) => (panel.fieldConfig?.defaults.unit ?? '').trim() === '')
      .map((panel) => ({ rule: name, dashboard: dashboardLabel(dashboard), panel: panel.title ?? '(untitled)', message: 'no unit set (fieldConfig.defaults.unit)' }));
  },
};
