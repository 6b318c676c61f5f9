import type { ExporterDependencyModel, Model } from '../model/types.js';

/**
 * Metrics of the exporters a spec can declare, that rules and dashboards may read. Kept short
 * on purpose: only what Vigil's rules and dashboards use or an operator commonly adds. Names
 * are those the pinned exporter images expose (postgres_exporter 0.15, redis_exporter 1.62,
 * node_exporter 1.8). A name ending in `_` is a prefix: node_exporter has hundreds of
 * `node_*` series and listing them would add nothing.
 */
export const exporterMetrics: Readonly<Record<ExporterDependencyModel['kind'], readonly string[]>> = {
  postgres: [
    'pg_up',
    'pg_exporter_last_scrape_error',
    'pg_stat_database_numbackends',
    'pg_settings_max_connections',
    'pg_stat_database_deadlocks',
    'pg_stat_database_xact_commit',
    'pg_stat_database_xact_rollback',
    'pg_stat_activity_count',
    'pg_database_size_bytes',
    'pg_replication_lag_seconds',
    // postgres_exporter 0.11 (Debian bookworm, the test binaries) names the lag without the unit.
    'pg_replication_lag',
  ],
  redis: [
    'redis_up',
    'redis_connected_clients',
    'redis_blocked_clients',
    'redis_memory_used_bytes',
    'redis_memory_max_bytes',
    'redis_rejected_connections_total',
    'redis_evicted_keys_total',
    'redis_commands_processed_total',
    'redis_keyspace_hits_total',
    'redis_keyspace_misses_total',
    'redis_uptime_in_seconds',
  ],
  node: ['node_'],
};

/** Exporter metric names (and `_`-suffixed prefixes) of the exporters the model declares. */
export function declaredExporterMetrics(model: Model): string[] {
  const kinds = new Set<ExporterDependencyModel['kind']>();
  for (const dependency of model.dependencies) if (dependency.kind !== 'healthCheck') kinds.add(dependency.kind);
  return [...kinds].sort().flatMap((kind) => exporterMetrics[kind]);
}
