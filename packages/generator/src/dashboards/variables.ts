import { DatasourceVariableBuilder, QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { grafanaDatasourceName } from '../grafana/provisioning.js';
import type { Model } from '../model/types.js';

export const datasourceVariableName = 'datasource';

/** Every panel and query reads the dashboard's `datasource` variable, never a fixed uid. */
export const datasourceRef = { type: 'prometheus', uid: `\${${datasourceVariableName}}` } as const;

export function datasourceVariable(model: Model): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder(datasourceVariableName)
    .label('Data source')
    .type('prometheus')
    .current({ selected: true, text: grafanaDatasourceName, value: model.grafana.datasourceUid });
}

/**
 * A multi-value query variable over a label. `values` (the names the spec declares) limits the
 * options to those, so a `job` variable does not offer exporter jobs on a services dashboard.
 */
export function labelVariable(name: string, label: string, query: string, values: readonly string[]): QueryVariableBuilder {
  const builder = new QueryVariableBuilder(name)
    .label(label)
    .datasource(datasourceRef)
    .query(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: 'All', value: '$__all' });
  return values.length > 0 ? builder.regex(`/^(${values.map(escapeRegex).join('|')})$/`) : builder;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

