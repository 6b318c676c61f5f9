/**
 * Where the stack finds the generated files: each generated file or directory is bind-mounted
 * read-only at the path its component expects. The Prometheus config names its rule files
 * relative to itself (`../../alerts/p1-page.yml`), so it is mounted with the output's layout:
 * /etc/prometheus/monitoring/prometheus/prometheus.yml and /etc/prometheus/alerts.
 * Single files are mounted as files: after `pnpm generate` (which replaces files), restart the
 * container to pick the new file up.
 */
import { grafanaDashboardsMountPath } from '../grafana/provisioning.js';

export const composeFilePath = 'docker-compose.monitoring.yml';

/** A repository path (file or directory) and where a container sees it. */
export interface Mount {
  readonly host: string;
  readonly container: string;
}

export const stackMounts = {
  prometheus: [
    { host: 'monitoring/prometheus/prometheus.yml', container: '/etc/prometheus/monitoring/prometheus/prometheus.yml' },
    { host: 'alerts', container: '/etc/prometheus/alerts' },
  ],
  alertmanager: [{ host: 'monitoring/alertmanager/alertmanager.yml', container: '/etc/alertmanager/alertmanager.yml' }],
  grafana: [
    { host: 'monitoring/grafana/provisioning', container: '/etc/grafana/provisioning' },
    { host: 'dashboards', container: grafanaDashboardsMountPath },
  ],
} as const satisfies Record<string, readonly Mount[]>;

/**
 * The repository path a container path comes from through `mounts`, or undefined when no
 * mount covers it. Tests use it to find the files a generated config names.
 */
export function hostPathFor(containerPath: string, mounts: readonly Mount[]): string | undefined {
  for (const mount of mounts) {
    if (containerPath === mount.container) return mount.host;
    if (containerPath.startsWith(`${mount.container}/`)) return `${mount.host}${containerPath.slice(mount.container.length)}`;
  }
  return undefined;
}

/**
 * Alertmanager receiver secrets: a receiver's `*_file` under `/etc/alertmanager/secrets/` is
 * read from this host directory (keep it out of git). A file elsewhere, say `/run/keys/pd`, is
 * read from the same path below it: `monitoring/secrets/alertmanager/run/keys/pd`.
 */
export const alertmanagerSecretsContainerDir = '/etc/alertmanager/secrets';
export const alertmanagerSecretsHostDir = 'monitoring/secrets/alertmanager';

/** Environment variables the stack requires; `docker compose` refuses to start without them. */
export const requiredEnvironment = {
  grafanaAdminPasswordFile: 'GRAFANA_ADMIN_PASSWORD_FILE',
  postgresExporterPasswordFile: 'POSTGRES_EXPORTER_PASSWORD_FILE',
} as const;

/** Users the containers run as: the images' own unprivileged users, never root. */
export const containerUsers = {
  /** `nobody`, as the prom/* images run by default. */
  prometheusFamily: '65534:65534',
  /** The grafana image's `grafana` user. */
  grafana: '472:0',
} as const;
