import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboardPanels, isVariableReference } from '../walk.js';
import { dashboardLabel, type DashboardLintRule, type LintProblem } from '../types.js';

const name = 'datasource-variable';

/** The fields every datasource query shares (the SDK types targets as an opaque variant). */
interface QueryTarget {
  readonly refId?: string;
  readonly datasource?: { readonly uid?: string };
}

function datasourceVariableName(dashboard: Dashboard): string | undefined {
  const variable = (dashboard.templating.list ?? []).find((candidate) => candidate.type === 'datasource' && candidate.query === 'prometheus');
  return variable?.name;
}

/**
 * A Prometheus datasource variable, read by every panel, target and query variable, lets one
 * dashboard serve any Prometheus (staging, production) without editing uids.
 */
export const datasourceVariableRule: DashboardLintRule = {
  name,
  description: 'The dashboard has a Prometheus datasource variable and every panel, target and query variable uses it.',
  check(dashboard) {
    const label = dashboardLabel(dashboard);
    const variable = datasourceVariableName(dashboard);
    if (variable === undefined) {
      return [{ rule: name, dashboard: label, message: 'no datasource variable of type prometheus in templating.list' }];
    }
    const problems: LintProblem[] = [];
    const expected = `\${${variable}}`;
    for (const panel of dashboardPanels(dashboard)) {
      const panelTitle = panel.title ?? '(untitled)';
      if (!isVariableReference(panel.datasource?.uid, variable)) {
        problems.push({ rule: name, dashboard: label, panel: panelTitle, message: `panel datasource uid is ${JSON.stringify(panel.datasource?.uid)}, expected "${expected}"` });
      }
      for (const target of (panel.targets ?? []) as QueryTarget[]) {
        const uid = target.datasource?.uid;
        if (target.datasource !== undefined && !isVariableReference(uid, variable)) {
          problems.push({ rule: name, dashboard: label, panel: panelTitle, message: `target ${target.refId ?? '?'} datasource uid is ${JSON.stringify(uid)}, expected "${expected}"` });
        }
      }
    }
    for (const templateVariable of dashboard.templating.list ?? []) {
      if (templateVariable.type !== 'query') continue;
      if (!isVariableReference(templateVariable.datasource?.uid, variable)) {
        problems.push({
          rule: name,
          dashboard: label,
          panel: `variable ${templateVariable.name}`,
          message: `query variable datasource uid is ${JSON.stringify(templateVariable.datasource?.uid)}, expected "${expected}"`,
        });
      }
    }
    return problems;
  },
};
