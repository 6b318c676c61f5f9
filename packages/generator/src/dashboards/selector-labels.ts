/**
 * The spec's `selectorLabels` applied to a built dashboard in one pass: every panel query (rows'
 * collapsed panels too) and every query variable is scoped with promql/scope.ts, so a
 * dashboard shows only its own environment's series even when one Prometheus holds several.
 */
import type { Dashboard, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import { scopeExpression, SelectorScopeError } from '../promql/scope.js';

type Labels = Readonly<Record<string, string>>;

interface QueryTarget {
  readonly expr?: unknown;
}

interface PanelLike {
  readonly targets?: readonly QueryTarget[];
  readonly panels?: readonly PanelLike[];
}

const functionCall = (name: string, query: string): string | undefined => {
  const prefix = `${name}(`;
  return query.startsWith(prefix) && query.endsWith(')') ? query.slice(prefix.length, -1) : undefined;
};

/**
 * A Grafana Prometheus variable query scoped: `label_values(<expr>, <label>)` and
 * `query_result(<expr>)` get their expression scoped. Other forms (`label_values(<label>)`,
 * `metrics(...)`) would list every environment's values, so they are refused.
 */
export function scopeVariableQuery(query: string, labels: Labels): string {
  const labelValues = functionCall('label_values', query);
  const comma = labelValues?.lastIndexOf(',') ?? -1;
  if (labelValues !== undefined && comma > 0) {
    return `label_values(${scopeExpression(labelValues.slice(0, comma), labels)}${labelValues.slice(comma)})`;
  }
  const queryResult = functionCall('query_result', query);
  if (queryResult !== undefined) return `query_result(${scopeExpression(queryResult, labels)})`;
  throw new SelectorScopeError(`cannot scope the variable query "${query}": expected label_values(<selector>, <label>) or query_result(<expr>)`);
}

function scopePanel<Panel extends PanelLike>(panel: Panel, labels: Labels): Panel {
  return {
    ...panel,
    ...(panel.targets === undefined
      ? {}
      : { targets: panel.targets.map((target) => (typeof target.expr === 'string' ? { ...target, expr: scopeExpression(target.expr, labels) } : target)) }),
    ...(panel.panels === undefined ? {} : { panels: panel.panels.map((child) => scopePanel(child, labels)) }),
  };
}

function scopeVariable(variable: VariableModel, labels: Labels): VariableModel {
  if (variable.type !== 'query' || typeof variable.query !== 'string') return variable;
  return { ...variable, query: scopeVariableQuery(variable.query, labels) };
}

/** The dashboard with every query scoped to `labels`; the same object when there are none. */
export function scopeDashboard(dashboard: Dashboard, labels: Labels): Dashboard {
  if (Object.keys(labels).length === 0) return dashboard;
  return {
    ...dashboard,
    panels: (dashboard.panels ?? []).map((panel) => scopePanel(panel as PanelLike, labels) as typeof panel),
    templating: { ...dashboard.templating, list: (dashboard.templating.list ?? []).map((variable) => scopeVariable(variable, labels)) },
  };
}
