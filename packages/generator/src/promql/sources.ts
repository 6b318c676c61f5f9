import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { GeneratedFile } from '../model/types.js';
import { dashboardPanels, panelExpressions } from '../lint/walk.js';
import type { ExpressionSource } from './check.js';

/** Grafana's `label_values(<series selector>, <label>)` variable query. */
const labelValuesQuery = /^\s*label_values\((.+),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/s;

/**
 * Every target expression of every panel (rows included) of a dashboard, and the series
 * selector of every `label_values` query variable (a misspelt metric there empties the variable).
 */
export function dashboardExpressions(dashboard: Dashboard): ExpressionSource[] {
  const document = `dashboard "${dashboard.title}"`;
  const panels = dashboardPanels(dashboard).flatMap((panel) =>
    panelExpressions(panel).map((expr) => ({ document, item: `panel "${panel.title ?? '(untitled)'}"`, expr })),
  );
  const variables = (dashboard.templating.list ?? []).flatMap((variable) => {
    const match = variable.type === 'query' && typeof variable.query === 'string' ? labelValuesQuery.exec(variable.query) : null;
    return match ? [{ document, item: `variable "${variable.name}"`, expr: match[1]! }] : [];
  });
  return [...panels, ...variables];
}

interface RuleLike {
  readonly alert?: unknown;
  readonly record?: unknown;
  readonly expr?: unknown;
}

function ruleGroups(data: unknown): { name?: unknown; rules?: unknown }[] {
  if (typeof data !== 'object' || data === null || !('groups' in data)) return [];
  const groups = (data as { groups: unknown }).groups;
  return Array.isArray(groups) ? (groups as { name?: unknown; rules?: unknown }[]) : [];
}

/** Expressions of the Prometheus rule files among generated files (any file with `groups[].rules[]`). */
export function ruleExpressions(files: readonly GeneratedFile[]): ExpressionSource[] {
  const sources: ExpressionSource[] = [];
  for (const file of files) {
    if (file.format !== 'yaml') continue;
    for (const group of ruleGroups(file.data)) {
      if (!Array.isArray(group.rules)) continue;
      for (const rule of group.rules as RuleLike[]) {
        if (typeof rule.expr !== 'string') continue;
        const name = typeof rule.alert === 'string' ? `alert ${rule.alert}` : `record ${String(rule.record)}`;
        sources.push({ document: `rule file ${file.path} (group ${String(group.name)})`, item: name, expr: rule.expr });
      }
    }
  }
  return sources;
}

/** Names of the recording rules the generated rule files define. */
export function recordedNames(files: readonly GeneratedFile[]): string[] {
  const names: string[] = [];
  for (const file of files) {
    if (file.format !== 'yaml') continue;
    for (const group of ruleGroups(file.data)) {
      if (!Array.isArray(group.rules)) continue;
      for (const rule of group.rules as RuleLike[]) if (typeof rule.record === 'string') names.push(rule.record);
    }
  }
  return names;
}
