import { DashboardBuilder, DatasourceVariableBuilder, QueryVariableBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';

export const variableDatasource = { type: 'prometheus', uid: '${datasource}' } as const;

export interface SmallPanel {
  readonly title?: string;
  readonly unit?: string;
  readonly exprs: readonly string[];
  readonly datasourceUid?: string;
}

/**
 * A small dashboard built with the same SDK as the generator: a datasource variable, a `job`
 * query variable, and the given panels. Each lint rule's tests start from one that is clean.
 */
export function smallDashboard(panels: readonly SmallPanel[], options: { readonly withJobVariable?: boolean } = {}): Dashboard {
  const builder = new DashboardBuilder('Lint fixture').uid('lint-fixture').withVariable(new DatasourceVariableBuilder('datasource').type('prometheus'));
  if (options.withJobVariable ?? true) {
    builder.withVariable(new QueryVariableBuilder('job').datasource(variableDatasource).query('label_values(up, job)'));
  }
  panels.forEach((panel, index) => {
    const datasource = { type: 'prometheus', uid: panel.datasourceUid ?? '${datasource}' };
    const timeseries = new TimeseriesPanelBuilder()
      .id(index + 1)
      .datasource(datasource)
      .targets(panel.exprs.map((expr, refIndex) => new DataqueryBuilder().datasource(datasource).refId(String.fromCharCode(65 + refIndex)).expr(expr)));
    if (panel.title !== undefined) timeseries.title(panel.title);
    if (panel.unit !== undefined) timeseries.unit(panel.unit);
    builder.withPanel(timeseries);
  });
  return JSON.parse(JSON.stringify(builder.build())) as Dashboard;
}
