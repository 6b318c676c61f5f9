/**
 * The primary's own metrics about its workers, registered once per Registry so the aggregator,
 * the supervisor and the worker-count helper can share one registry.
 */
import type { Metric, Registry } from 'prom-client';
import { catalog } from '../catalog.js';
import { CounterFamily, GaugeFamily, type CounterSeries } from '../families.js';

export interface ClusterFamilies {
  readonly workersExited: CounterSeries;
  readonly collectTimeouts: CounterSeries;
  /** By slot: one series per `worker` label, as the slot's per-worker gauges carry. */
  readonly workerRestarts: CounterFamily;
  readonly workersPlanned: GaugeFamily;
}

const registered = new WeakMap<Registry, ClusterFamilies>();

export function clusterFamiliesFor(registry: Registry): ClusterFamilies {
  let families = registered.get(registry);
  if (families === undefined) {
    const exited = new CounterFamily(catalog.clusterWorkersExited, null);
    const timeouts = new CounterFamily(catalog.clusterCollectTimeouts, null);
    const restarts = new CounterFamily(catalog.clusterWorkerRestarts, null);
    const planned = new GaugeFamily(catalog.clusterWorkersPlanned, null);
    for (const family of [exited, timeouts, restarts, planned]) registry.registerMetric(family as unknown as Metric);
    families = {
      workersExited: exited.seriesFor([]),
      collectTimeouts: timeouts.seriesFor([]),
      workerRestarts: restarts,
      workersPlanned: planned,
    };
    registered.set(registry, families);
  }
  return families;
}
