import type { ExporterDependencyModel, Model } from '../model/types.js';
import { containerUsers, requiredEnvironment } from './layout.js';
import { healthcheck, hardening } from './service-defaults.js';

/** Port each exporter listens on by default. */
const defaultPorts: Record<ExporterDependencyModel['kind'], number> = { postgres: 9187, redis: 9121, node: 9100 };

const hostnamePattern = /^[a-z][a-z0-9-]*$/;

/**
 * The compose service name and port of an exporter. Prometheus scrapes the spec's target
 * (`postgres-exporter:9187`), so the compose service is named after the target's host when it
 * is a plain service name, and listens on the target's port.
 */
export function exporterEndpoint(dependency: ExporterDependencyModel): { name: string; port: number } {
  const [target] = dependency.targets;
  const match = target ? /^([^:]+):(\d+)$/.exec(target) : null;
  const host = match?.[1];
  const port = match?.[2] ? Number(match[2]) : defaultPorts[dependency.kind];
  return { name: host && hostnamePattern.test(host) ? host : `${dependency.name}-exporter`, port };
}

function exporterService(model: Model, dependency: ExporterDependencyModel, port: number): Record<string, unknown> {
  const base = {
    restart: 'unless-stopped',
    user: containerUsers.prometheusFamily,
    ...hardening,
    healthcheck: healthcheck(`http://127.0.0.1:${port}/metrics`),
  };
  switch (dependency.kind) {
    case 'node':
      return {
        image: model.stack.images.nodeExporter,
        ...base,
        command: [`--web.listen-address=:${port}`, '--path.procfs=/host/proc', '--path.sysfs=/host/sys', '--path.rootfs=/host/root'],
        pid: 'host',
        volumes: ['/proc:/host/proc:ro', '/sys:/host/sys:ro', '/:/host/root:ro,rslave'],
      };
    case 'postgres':
      return {
        image: model.stack.images.postgresExporter,
        ...base,
        command: [`--web.listen-address=:${port}`],
        environment: {
          DATA_SOURCE_URI: `${dependency.address ?? 'postgres:5432'}/postgres?sslmode=disable`,
          DATA_SOURCE_USER: '${POSTGRES_EXPORTER_USER:-postgres_exporter}',
          DATA_SOURCE_PASS_FILE: '/run/secrets/postgres_exporter_password',
        },
        secrets: ['postgres_exporter_password'],
      };
    case 'redis':
      return {
        image: model.stack.images.redisExporter,
        ...base,
        command: [`--web.listen-address=:${port}`],
        environment: { REDIS_ADDR: `redis://${dependency.address ?? 'redis:6379'}` },
      };
  }
}

/** Compose services for the spec's exporter dependencies, keyed by service name. */
export function exporterServices(model: Model): Record<string, Record<string, unknown>> {
  const services: Record<string, Record<string, unknown>> = {};
  for (const dependency of model.dependencies) {
    if (dependency.kind === 'healthCheck') continue;
    const { name, port } = exporterEndpoint(dependency);
    services[name] = exporterService(model, dependency, port);
  }
  return services;
}

/** Whether the stack needs the postgres exporter's password secret. */
export function needsPostgresSecret(model: Model): boolean {
  return model.dependencies.some((dependency) => dependency.kind === 'postgres');
}

export const postgresSecret = {
  postgres_exporter_password: {
    file: `\${${requiredEnvironment.postgresExporterPasswordFile}:?set ${requiredEnvironment.postgresExporterPasswordFile} to a file holding the postgres exporter's password}`,
  },
};
