/**
 * Every default the model resolves, in one place. Each is a named, documented parameter;
 * the spec overrides any of them per service or pipeline.
 */
export const serviceDefaults = {
  kind: 'api',
  metricsPath: '/metrics',
  alerts: {
    /**
     * ServiceDown: the scrape target has been down this long (3m), and never for fewer than
     * `toleratedFailedScrapes` + 1 failed scrapes in a row: a network blip of up to two minutes
     * or a supervisor restart (about 75 s) does not page; a real outage pages 3m after the first
     * failed scrape (it paged after 1m before the backtest showed those blips paging).
     */
    serviceDown: { for: '3m', toleratedFailedScrapes: 2 },
    /** HighErrorRate: more than 10% of requests answered 5xx, for 5m; only with at least 20 requests in the 5m window (evidence). */
    highErrorRate: { ratio: 0.1, minEvents: 20, for: '5m' },
    /** HighLatencyP95: p95 of requests or operations over 1 s, for 10m. */
    highLatencyP95: { seconds: 1, for: '10m' },
    /** UnhandledErrorsBurst: more than 3 unhandled errors per 5m, kept up for 30m. */
    unhandledErrorsBurst: { count: 3, window: '5m', for: '30m' },
    /** MemoryHigh: resident memory over 90% of the container limit, for 15m. */
    memoryHigh: { ratio: 0.9, for: '15m' },
    /** CPUHigh: CPU over 80% of the quota (one core without one), for 15m. */
    cpuHigh: { ratio: 0.8, for: '15m' },
    /** EventLoopLagHigh: event-loop lag p99 over 0.5 s, for 10m. */
    eventLoopLagHigh: { seconds: 0.5, for: '10m' },
    /** DependencyDown: a critical health check failing for 2m. */
    dependencyDown: { for: '2m' },
    /**
     * ServiceRestarting: an instance started 3 or more new processes within 1h (P2), and
     * ServiceRestartingPersistently when restarts keep coming: 6 or more within 3h (P1).
     * Counted per instance (a rolling deploy restarts each instance once), from changes of
     * process_start_time_seconds. The windows are fleet-wide (a range is a literal in PromQL);
     * the counts are per-service parameters.
     */
    serviceRestarting: { for: '1m', restarts: 3, window: '1h', persistentRestarts: 6, persistentWindow: '3h' },
  },
} as const;

/**
 * Circuit-breaker alerts, for every service (`circuit_breaker_state` from @vigil/metrics'
 * opossum adapter). A breaker counts as open while it is open or half-open: a half-open probe
 * that fails reopens it at once, so only a return to closed ends the episode.
 */
export const circuitBreakerDefaults = {
  /** CircuitBreakerOpen (P2): a breaker has not closed for 5m; the service runs degraded. */
  openFor: '5m',
  /** CircuitBreakerOpenLong (P1): still not closed after 30m; the fallback is no longer a stopgap. */
  openLongFor: '30m',
} as const;

export const pipelineDefaults = {
  /** PipelineNoItemsCreated: no item for 6h. */
  zeroItemsWindow: '6h',
  /**
   * PipelineItemRateLow: the last hour under half the rate of the same hours a week earlier
   * (or a day earlier, discounted: see dayBasisShare), for 1h. The baseline is averaged over
   * two hours, so its noise no longer resets the pending state, and an hour of `for` after the
   * hour-long rate has taken in the drop files a 70% drop within two hours.
   */
  rateFloorRatio: 0.5,
  itemRateLowFor: '1h',
  /**
   * Without a week of history the baseline is the day before, counted at this share: a
   * weekday carries nearly twice a weekend day's traffic, so a Saturday compared with a Friday
   * must not read as a drop, while a 70% drop (0.3 of yesterday, 0.43 of the discounted
   * baseline) still files a ticket in the first week.
   */
  dayBasisShare: 0.7,
  /** PipelineFieldCoverageDrop: under 95% of items carry a required field, for 1h. */
  coverageFloor: 0.95,
  fieldCoverageDropFor: '1h',
  /** PipelineValidationErrorsHigh: more than 5 validation errors per 100 created items, for 5m. */
  validationErrorCeiling: 0.05,
  validationErrorsHighFor: '5m',
  /** PipelineValidationErrorsHigh fires only with at least 20 events (created items + errors) in its 5m window. */
  validationErrorsMinEvents: 20,
  /**
   * PipelineNoItemsCreated pages when no item came for 14 mean inter-arrival times at the
   * normal rate for this hour (a Poisson stop with probability under 1e-6), never sooner than
   * `minSilence` and at the latest after `zeroItemsWindow`.
   */
  silenceInterArrivals: 14,
  minSilence: '10m',
  /**
   * Without a day of history, the normal rate is the spec's expectedItemsPerDay at this share:
   * a night lull of people-driven traffic falls to about a tenth of the daily mean.
   */
  quietHourShare: 0.1,
  /** PipelineItemRateLow: the baseline (items an hour a week or a day earlier) must hold at least this many items (volume guard). */
  rateFloorMinItems: 50,
} as const;

/** Mimir's default ruler limits. */
/** Ruler output (spec `ruler`): namespaces are `<prefix>-<rule file>`. */
export const rulerOutputDefaults = { namespacePrefix: 'vigil' } as const;

export const rulerLimitDefaults = { rulesPerGroup: 20, groupsPerTenant: 70 } as const;

export const prometheusDefaults = {
  scrapeInterval: '15s',
  evaluationInterval: '15s',
  alertmanagers: ['alertmanager:9093'],
  externalLabels: { monitor: 'vigil' },
} as const;

export const alertmanagerDefaults = {
  page: { groupWait: '30s', groupInterval: '5m', repeatInterval: '1h' },
  ticket: { groupWait: '5m', groupInterval: '30m', repeatInterval: '12h' },
} as const;

export const grafanaDefaults = { datasourceUid: 'prometheus' } as const;

export const stackDefaults = {
  bindAddress: '127.0.0.1',
  ports: { prometheus: 9090, alertmanager: 9093, grafana: 3000 },
  // Prometheus and Alertmanager match Debian bookworm's packages, so the test kit's local
  // binaries and its containers run the same versions. Grafana 12.2 reads schemaVersion 42,
  // which the foundation SDK writes. The redis exporter's default image is built from scratch
  // and has no wget for the health check; the alpine build of the same release has.
  images: {
    prometheus: 'prom/prometheus:v2.42.0',
    alertmanager: 'prom/alertmanager:v0.25.0',
    grafana: 'grafana/grafana:12.2.1',
    nodeExporter: 'prom/node-exporter:v1.8.1',
    postgresExporter: 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0',
    redisExporter: 'oliver006/redis_exporter:v1.62.0-alpine',
  },
} as const;

export const kubernetesDefaults = {
  metricsPort: 'metrics',
  serviceSelectorLabel: 'app.kubernetes.io/name',
  secretName: 'vigil-alertmanager',
  dashboardLabel: { name: 'grafana_dashboard', value: '1' },
} as const;

export const sloDefaults = {
  /** Rolling period of an objective and its error budget. */
  period: '30d',
  /**
   * Evidence floor of the burn-rate alerts: each window of a pair must hold at least this many
   * events (requests), so two errors out of five requests do not page. Override per SLO.
   */
  minEvents: 20,
  /**
   * The long window of a burn-rate pair must show the burn beyond this many standard
   * deviations of its bad-event count (Poisson: the count k less sigmas * sqrt(k) must still
   * exceed the factor). A true 5x burn reads above 6x over 6h every few hours on a quiet
   * night's 60 errors; it must not page for a pair meant for 6x. Counts in the hundreds lose
   * only a few percent, so a real fast burn pages about as soon.
   */
  longWindowSigmas: 1,
} as const;

export const selfMonitoringDefaults = {
  prometheusTargets: ['localhost:9090'],
  grafanaTargets: ['grafana:3000'],
} as const;

export const hostDefaults = {
  job: 'node',
  /** NodeFilesystemAlmostOutOfSpace: under 10% free. */
  diskFreeRatio: 0.1,
  /** NodeFilesystemSpaceFillingUp: predicted full within 4h. */
  diskFullWithin: '4h',
  /** NodeMemoryHighUtilization: over 90% of memory in use. */
  memoryRatio: 0.9,
  /** NodeCPUHighUsage: over 90% of all cores busy. */
  cpuRatio: 0.9,
  /** NodeClockSkewDetected: clock off by more than 50 ms. */
  clockSkewSeconds: 0.05,
  for: '5m',
  slowFor: '15m',
} as const;

export const exporterAlertDefaults = {
  /** PostgresqlTooManyConnections: over 80% of max_connections. */
  connectionsRatio: 0.8,
  /** PostgresqlDeadlocks: any deadlock in 5m. */
  deadlocks: 0,
  /** PostgresqlReplicationLag: a replica over 30 s behind. */
  replicationLagSeconds: 30,
  /** RedisOutOfMemory: over 90% of maxmemory. */
  memoryRatio: 0.9,
  for: '5m',
  /** PostgresqlDown / RedisDown: the exporter reports the server unreachable for 1m (like ServiceDown). */
  downFor: '1m',
} as const;

export const watchdogDefaults = {
  receiver: 'watchdog-heartbeat',
  repeatInterval: '1m',
} as const;
