import { DatasourceVariableBuilder, QueryVariableBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import { grafanaDatasourceName } from '../grafana/provisioning.js';
import type { Model } from '../model/types.js';
import { parameterSeries, targetKinds } from '../rules/parameters.js';

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
 * A multi-value query variable over a label. Options come from the query alone (e.g. over the
 * info series the rules record), never from a list of the spec's targets, so the dashboard does
 * not grow with the fleet.
 */
export function labelVariable(name: string, label: string, query: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(datasourceRef)
    .query(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: 'All', value: '$__all' });
}

/** The spec's services (exporter jobs excluded), from the info series the rules record. */
export function serviceVariable(): QueryVariableBuilder {
  return labelVariable('job', 'Service', `label_values(${parameterSeries.serviceInfo}{target_kind="${targetKinds.service}"}, job)`);
}

/** The spec's pipelines, from the info series the rules record. */
export function pipelineVariable(): QueryVariableBuilder {
  return labelVariable('pipeline', 'Pipeline', `label_values(${parameterSeries.pipelineInfo}, pipeline)`);
}

