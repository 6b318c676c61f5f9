import { Gauge, Histogram, register as globalRegistry, type Registry } from 'prom-client';
import { catalog } from '@vigil/metrics/catalog';

/**
 * The health metrics, created from the catalog on a registry. Creation is get-or-create:
 * several monitors (or @vigil/metrics itself) may share one registry, and prom-client throws
 * on a second registration of the same name.
 */
export interface HealthMetrics {
  readonly checkStatus: Gauge<'check' | 'criticality'>;
  readonly checkDuration: Histogram<'check'>;
  readonly startupPhaseDuration: Histogram<'phase'>;
}

const cache = new WeakMap<Registry, HealthMetrics>();

export function healthMetrics(registry: Registry = globalRegistry): HealthMetrics {
  const cached = cache.get(registry);
  if (cached) return cached;
  const metrics: HealthMetrics = {
    checkStatus: existing(registry, catalog.healthCheckStatus.name, Gauge) ??
      new Gauge({
        name: catalog.healthCheckStatus.name,
        help: catalog.healthCheckStatus.help,
        labelNames: [...catalog.healthCheckStatus.labelNames],
        registers: [registry],
      }),
    checkDuration: existing(registry, catalog.healthCheckDuration.name, Histogram) ??
      new Histogram({
        name: catalog.healthCheckDuration.name,
        help: catalog.healthCheckDuration.help,
        labelNames: [...catalog.healthCheckDuration.labelNames],
        buckets: [...catalog.healthCheckDuration.buckets],
        registers: [registry],
      }),
    startupPhaseDuration: existing(registry, catalog.startupPhaseDuration.name, Histogram) ??
      new Histogram({
        name: catalog.startupPhaseDuration.name,
        help: catalog.startupPhaseDuration.help,
        labelNames: [...catalog.startupPhaseDuration.labelNames],
        buckets: [...catalog.startupPhaseDuration.buckets],
        registers: [registry],
      }),
  };
  cache.set(registry, metrics);
  return metrics;
}

function existing<M>(
  registry: Registry,
  name: string,
  kind: abstract new (...args: never[]) => M,
): M | undefined {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return undefined;
  if (!(metric instanceof kind)) {
    throw new Error(`@vigil/health: metric "${name}" is already registered with a different type than the catalog's`);
  }
  return metric;
}
