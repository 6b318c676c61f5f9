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
    checkStatus: gaugeFor(registry, catalog.healthCheckStatus),
    checkDuration: histogramFor(registry, catalog.healthCheckDuration),
    startupPhaseDuration: histogramFor(registry, catalog.startupPhaseDuration),
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

/** The registry's metric of this name, or a new one built from the catalog entry. */
function gaugeFor<L extends string>(registry: Registry, definition: { name: string; help: string; labelNames: readonly L[] }): Gauge<L> {
  return (
    existing(registry, definition.name, Gauge<L>) ??
    new Gauge<L>({ name: definition.name, help: definition.help, labelNames: [...definition.labelNames], registers: [registry] })
  );
}

function histogramFor<L extends string>(
  registry: Registry,
  definition: { name: string; help: string; labelNames: readonly L[]; buckets: readonly number[] },
): Histogram<L> {
  return (
    existing(registry, definition.name, Histogram<L>) ??
    new Histogram<L>({
      name: definition.name,
      help: definition.help,
      labelNames: [...definition.labelNames],
      buckets: [...definition.buckets],
      registers: [registry],
    })
  );
}
