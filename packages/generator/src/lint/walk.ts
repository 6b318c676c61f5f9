import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';

function isRow(panel: Panel | RowPanel): panel is RowPanel {
  return panel.type === 'row';
}

/** Every non-row panel, including those nested in collapsed rows, in dashboard order. */
export function dashboardPanels(dashboard: Dashboard): Panel[] {
  const panels: Panel[] = [];
  for (const panel of dashboard.panels ?? []) {
    if (isRow(panel)) panels.push(...(panel.panels ?? []));
    else panels.push(panel);
  }
  return panels;
}

export function dashboardRows(dashboard: Dashboard): RowPanel[] {
  return (dashboard.panels ?? []).filter(isRow);
}

/** The PromQL of a panel's targets (targets of other datasource kinds have no `expr`). */
export function panelExpressions(panel: Panel): string[] {
  const expressions: string[] = [];
  for (const target of panel.targets ?? []) {
    const expr = (target as { expr?: unknown }).expr;
    if (typeof expr === 'string') expressions.push(expr);
  }
  return expressions;
}

/** True when `text` is a reference to the dashboard variable `name` (`$name` or `${name}`). */
export function isVariableReference(text: string | undefined, name: string): boolean {
  return text === `$${name}` || text === `\${${name}}`;
}

/** True when `text` mentions the variable `name` anywhere (e.g. `"$job"` inside a regex). */
export function mentionsVariable(text: string, name: string): boolean {
  return new RegExp(`\\$(?:\\{${name}(?::[a-z]+)?\\}|${name}\\b)`).test(text);
}
