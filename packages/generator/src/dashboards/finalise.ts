import type { Dashboard, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';

/** Properties that only interval variables have. */
const intervalOnlyKeys = ['auto', 'auto_min', 'auto_count'] as const;

/**
 * The SDK starts every variable from one default object that includes the interval-variable
 * fields; @grafana/schema's `VariableModel` has no such fields, so they are removed from
 * variables of other types. Nothing else is changed.
 */
export function finaliseDashboard(dashboard: Dashboard): Dashboard {
  const list = (dashboard.templating.list ?? []).map((variable): VariableModel => {
    if (variable.type === 'interval') return variable;
    const copy: Partial<VariableModel> & Record<string, unknown> = { ...variable };
    for (const key of intervalOnlyKeys) delete copy[key];
    return copy as VariableModel;
  });
  return { ...dashboard, templating: { ...dashboard.templating, list } };
}
