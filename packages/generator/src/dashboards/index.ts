import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { oncePerModel } from '../generators/once-per-model.js';
import type { GeneratedFile, Generator, Model } from '../model/types.js';
import { dependenciesDashboard, hasDependencyPanels } from './dependencies.js';
import { finaliseDashboard } from './finalise.js';
import { scopeDashboard } from './selector-labels.js';
import { hostsDashboard } from './hosts.js';
import { overviewDashboard } from './overview.js';
import { pipelineDashboard } from './pipeline.js';
import { runtimeDashboard } from './runtime.js';
import { serviceDashboard } from './service.js';
import { sloDashboard } from './slo.js';

export { alertNames, type AlertName } from './alerts.js';
export { runbookUrl } from '../model/runbook.js';
export { dashboardUids } from './scope.js';

export interface RenderedDashboard {
  /** Repository-relative path of the JSON file, under `dashboards/`. */
  readonly path: string;
  readonly dashboard: Dashboard;
}

/** Every dashboard the spec renders, in a fixed order. */
export function buildDashboards(model: Model): RenderedDashboard[] {
  const dashboards = [
    { path: 'dashboards/overview.json', dashboard: overviewDashboard(model) },
    { path: 'dashboards/pipelines.json', dashboard: pipelineDashboard(model) },
    { path: 'dashboards/services.json', dashboard: serviceDashboard(model) },
    { path: 'dashboards/runtime.json', dashboard: runtimeDashboard(model) },
    ...(model.slos.length === 0 ? [] : [{ path: 'dashboards/slos.json', dashboard: sloDashboard(model) }]),
    ...(model.hosts === undefined ? [] : [{ path: 'dashboards/hosts.json', dashboard: hostsDashboard(model, model.hosts) }]),
    ...(hasDependencyPanels(model) ? [{ path: 'dashboards/dependencies.json', dashboard: dependenciesDashboard(model) }] : []),
  ];
  return dashboards.map(({ path, dashboard }) => ({ path, dashboard: finaliseDashboard(scopeDashboard(dashboard, model.selectorLabels ?? {})) }));
}

// Once per model: the Kubernetes output wraps the same dashboards in ConfigMaps.
export const dashboardsGenerator: Generator = oncePerModel((model): GeneratedFile[] =>
  buildDashboards(model).map(({ path, dashboard }) => ({ path, format: 'json', data: dashboard })),
);
