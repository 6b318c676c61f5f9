import { dirname, posix } from 'node:path';
import type { Model } from '../model/types.js';
import { exporterServices, needsPostgresSecret, postgresSecret } from './exporters.js';
import {
  alertmanagerSecretsContainerDir,
  alertmanagerSecretsHostDir,
  containerUsers,
  requiredEnvironment,
  stackMounts,
  type Mount,
} from './layout.js';
import { hardening, healthcheck } from './service-defaults.js';
import { prometheusFeatureFlags } from '../prometheus/config.js';
import { watchdogSecretFiles } from '../alertmanager/watchdog.js';
import { alertmanagerClusterPort, alertmanagerPeerName } from '../model/meta.js';

/** Ports inside the containers; the host side comes from model.stack.ports. */
const containerPorts = { prometheus: 9090, alertmanager: 9093, grafana: 3000 } as const;

const readOnly = (mounts: readonly Mount[]): string[] => mounts.map((mount) => `./${mount.host}:${mount.container}:ro`);

const containerPath = (mounts: readonly Mount[], host: string): string => {
  const mount = mounts.find((candidate) => candidate.host === host);
  if (!mount) throw new Error(`compose layout: no mount for ${host}`);
  return mount.container;
};

/** Every directory holding a receiver's secret file, mounted read-only (see layout.ts). */
function alertmanagerSecretMounts(model: Model): string[] {
  const files = model.receivers.flatMap((receiver) => {
    switch (receiver.type) {
      case 'slack':
        return [receiver.apiUrlFile];
      case 'pagerduty':
        return [receiver.routingKeyFile];
      case 'email':
        return receiver.authPasswordFile ? [receiver.authPasswordFile] : [];
      case 'webhook':
        return [];
    }
  });
  const directories = [...new Set([...files, ...watchdogSecretFiles(model)].map((file) => dirname(file)))].sort();
  return directories.map((directory) => {
    const host =
      directory === alertmanagerSecretsContainerDir ? alertmanagerSecretsHostDir : posix.join(alertmanagerSecretsHostDir, directory);
    return `./${host}:${directory}:ro`;
  });
}

function published(model: Model, hostPort: number, containerPort: number): string {
  return `${model.stack.bindAddress}:${hostPort}:${containerPort}`;
}

/** The Alertmanager peers' compose service names, in order: alertmanager, alertmanager-2, ... */
const alertmanagerPeers = (model: Model): string[] => Array.from({ length: model.alertmanager.replicas }, (_, index) => alertmanagerPeerName(index));
const alertmanagerDataVolume = (peer: string): string => `${peer}-data`;

/** Gossip flags: none for one replica; otherwise every peer joins all the others on the cluster port. */
function clusterFlags(model: Model, self: string): string[] {
  const peers = alertmanagerPeers(model);
  // One replica: no gossip cluster, so no extra port and no wait for peers.
  if (peers.length === 1) return ['--cluster.listen-address='];
  return [
    `--cluster.listen-address=0.0.0.0:${alertmanagerClusterPort}`,
    ...peers.filter((peer) => peer !== self).map((peer) => `--cluster.peer=${peer}:${alertmanagerClusterPort}`),
  ];
}

/**
 * One service per Alertmanager replica, each with its own storage (notification log, silences)
 * shared with the others by gossip. Only the first publishes its web port on the host: the UI of
 * any peer shows the cluster's silences and alerts, and Prometheus reaches every peer by its
 * service name on the compose network, never through a load balancer.
 */
function alertmanagerServices(model: Model): Record<string, unknown> {
  return Object.fromEntries(
    alertmanagerPeers(model).map((peer, index) => [
      peer,
      {
        image: model.stack.images.alertmanager,
        restart: 'unless-stopped',
        user: containerUsers.prometheusFamily,
        ...hardening,
        command: [
          `--config.file=${containerPath(stackMounts.alertmanager, 'monitoring/alertmanager/alertmanager.yml')}`,
          '--storage.path=/alertmanager',
          `--web.listen-address=0.0.0.0:${containerPorts.alertmanager}`,
          ...clusterFlags(model, peer),
        ],
        volumes: [...readOnly(stackMounts.alertmanager), ...alertmanagerSecretMounts(model), `${alertmanagerDataVolume(peer)}:/alertmanager`],
        ...(index === 0 ? { ports: [published(model, model.stack.ports.alertmanager, containerPorts.alertmanager)] } : {}),
        healthcheck: healthcheck(`http://127.0.0.1:${containerPorts.alertmanager}/-/ready`),
      },
    ]),
  );
}

/** docker-compose.monitoring.yml as a plain object. */
export function renderComposeFile(model: Model): Record<string, unknown> {
  const grafanaPasswordVariable = requiredEnvironment.grafanaAdminPasswordFile;
  const services: Record<string, unknown> = {
    prometheus: {
      image: model.stack.images.prometheus,
      restart: 'unless-stopped',
      user: containerUsers.prometheusFamily,
      ...hardening,
      command: [
        `--config.file=${containerPath(stackMounts.prometheus, 'monitoring/prometheus/prometheus.yml')}`,
        '--storage.tsdb.path=/prometheus',
        '--storage.tsdb.retention.time=15d',
        `--web.listen-address=0.0.0.0:${containerPorts.prometheus}`,
        ...prometheusFeatureFlags,
      ],
      volumes: [...readOnly(stackMounts.prometheus), 'prometheus-data:/prometheus'],
      ports: [published(model, model.stack.ports.prometheus, containerPorts.prometheus)],
      healthcheck: healthcheck(`http://127.0.0.1:${containerPorts.prometheus}/-/ready`),
      depends_on: { alertmanager: { condition: 'service_healthy' } },
    },
    ...alertmanagerServices(model),
    grafana: {
      image: model.stack.images.grafana,
      restart: 'unless-stopped',
      user: containerUsers.grafana,
      ...hardening,
      environment: {
        // Read from the secret; the stack does not start without one (see `secrets` below), so no admin/admin.
        GF_SECURITY_ADMIN_PASSWORD__FILE: '/run/secrets/grafana_admin_password',
        GF_AUTH_ANONYMOUS_ENABLED: 'false',
        GF_AUTH_BASIC_ENABLED: 'true',
        GF_USERS_ALLOW_SIGN_UP: 'false',
        GF_SECURITY_DISABLE_GRAVATAR: 'true',
        GF_SECURITY_COOKIE_SAMESITE: 'strict',
        GF_ANALYTICS_REPORTING_ENABLED: 'false',
        GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      },
      secrets: ['grafana_admin_password'],
      volumes: [...readOnly(stackMounts.grafana), 'grafana-data:/var/lib/grafana'],
      ports: [published(model, model.stack.ports.grafana, containerPorts.grafana)],
      healthcheck: healthcheck(`http://127.0.0.1:${containerPorts.grafana}/api/health`),
      depends_on: { prometheus: { condition: 'service_healthy' } },
    },
    ...exporterServices(model),
  };

  return {
    services,
    volumes: {
      'prometheus-data': {},
      ...Object.fromEntries(alertmanagerPeers(model).map((peer) => [alertmanagerDataVolume(peer), {}])),
      'grafana-data': {},
    },
    secrets: {
      grafana_admin_password: {
        file: `\${${grafanaPasswordVariable}:?set ${grafanaPasswordVariable} to a file holding the Grafana admin password}`,
      },
      ...(needsPostgresSecret(model) ? postgresSecret : {}),
    },
  };
}
