import { analysePromQL } from '../../promql/parse.js';
import { dashboardPanels, mentionsVariable, panelExpressions } from '../walk.js';
import { dashboardLabel, type DashboardLintRule, type LintProblem } from '../types.js';

const name = 'no-hardcoded-job-instance';
const scopedLabels = ['job', 'instance'] as const;

/**
 * When a dashboard offers a `job` or `instance` variable, a query that pins `job="api"` ignores
 * the user's selection and silently shows the wrong service.
 */
export const noHardcodedJobInstanceRule: DashboardLintRule = {
  name,
  description: 'Where a job or instance variable exists, every job/instance matcher in a query uses that variable.',
  check(dashboard) {
    const variables = new Set((dashboard.templating.list ?? []).map((variable) => variable.name));
    const labels = scopedLabels.filter((label) => variables.has(label));
    const problems: LintProblem[] = [];
    if (labels.length === 0) return problems;
    for (const panel of dashboardPanels(dashboard)) {
      for (const expr of panelExpressions(panel)) {
        for (const selector of analysePromQL(expr).selectors) {
          for (const matcher of selector.matchers) {
            const label = labels.find((candidate) => candidate === matcher.label);
            if (label === undefined || mentionsVariable(matcher.value, label)) continue;
            problems.push({
              rule: name,
              dashboard: dashboardLabel(dashboard),
              panel: panel.title ?? '(untitled)',
              message: `${label}${matcher.op}"${matcher.value}" is hard-coded although the dashboard has a $${label} variable, in: ${expr}`,
            });
          }
        }
      }
    }
    return problems;
  },
};
