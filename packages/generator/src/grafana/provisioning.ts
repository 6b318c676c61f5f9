import type { GeneratedFile, Generator, Model } from '../model/types.js';

/**
 * Where the Grafana container finds the rendered dashboards. The compose stack mounts the
 * repository's `dashboards/` directory here read-only.
 */
export const grafanaDashboardsMountPath = '/var/lib/grafana/dashboards';

/** Prometheus as the compose network names it; Grafana queries it server-side. */
export const grafanaPrometheusUrl = 'http://prometheus:9090';

/** Name of the provisioned datasource, as Grafana lists it. */
export const grafanaDatasourceName = 'Prometheus';

export const grafanaProvisioningPaths = {
  datasource: 'monitoring/grafana/provisioning/datasources/prometheus.yml',
  dashboards: 'monitoring/grafana/provisioning/dashboards/vigil.yml',
} as const;

/** The Prometheus datasource, with the fixed uid dashboards default their `datasource` variable to. */
export function datasourceProvisioning(model: Model): GeneratedFile {
  return {
    path: grafanaProvisioningPaths.datasource,
    format: 'yaml',
    data: {
      apiVersion: 1,
      // Removing first makes a changed uid or url take effect on restart instead of clashing.
      deleteDatasources: [{ name: grafanaDatasourceName, orgId: 1 }],
      datasources: [
        {
          name: grafanaDatasourceName,
          type: 'prometheus',
          uid: model.grafana.datasourceUid,
          access: 'proxy',
          orgId: 1,
          url: grafanaPrometheusUrl,
          isDefault: true,
          editable: false,
          jsonData: {
            httpMethod: 'POST',
            // Matches the scrape interval so $__rate_interval spans at least four scrapes.
            timeInterval: model.prometheus.scrapeInterval,
          },
        },
      ],
    },
  };
}

/** A file provider that loads every dashboard JSON from the mounted `dashboards/` directory. */
export function dashboardProvisioning(): GeneratedFile {
  return {
    path: grafanaProvisioningPaths.dashboards,
    format: 'yaml',
    data: {
      apiVersion: 1,
      providers: [
        {
          name: 'vigil',
          orgId: 1,
          folder: 'Vigil',
          folderUid: 'vigil',
          type: 'file',
          // Dashboards are generated: edits in the UI would be lost at the next `pnpm generate`.
          disableDeletion: true,
          allowUiUpdates: false,
          updateIntervalSeconds: 30,
          options: { path: grafanaDashboardsMountPath, foldersFromFilesStructure: false },
        },
      ],
    },
  };
}

export const grafanaProvisioningGenerator: Generator = (model) => [datasourceProvisioning(model), dashboardProvisioning()];
