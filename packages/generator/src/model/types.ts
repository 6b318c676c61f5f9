/**
 * The model: a validated spec with every default resolved and every cross-reference checked.
 *
 * Flow is one way (as in Sloth): spec (parse, validate) -> model (this) -> pure generators
 * (model -> plain objects) -> one writer. Generators read only this type; they never see
 * the raw spec and never touch the file system.
 *
 * All lists are sorted by name so that output is deterministic whatever order the spec uses.
 * Durations are normalised Prometheus durations ("90s", "6h", "1d").
 */

/** A Prometheus duration string such as "5m" or "6h", already validated. */
export type Duration = string;

export type ServiceKind = 'api' | 'pipeline' | 'worker';
export type Priority = 'P1' | 'P2';
export type Severity = 'critical' | 'warning';

export interface Model {
  /** Spec file the model came from, relative to the repository root (for headers and errors). */
  readonly source: string;
  /**
   * The spec's `runbookUrl`: a URL template with exactly one `{alert}` placeholder. Fill it with
   * `runbookUrl(model, alertName)` from `model/runbook.ts`, never by string concatenation.
   */
  readonly runbookUrlTemplate: string;
  /** Team that owns anything the spec does not assign to a team. */
  readonly defaultTeam: string;
  readonly services: readonly ServiceModel[];
  readonly pipelines: readonly PipelineModel[];
  readonly dependencies: readonly DependencyModel[];
  readonly teams: readonly TeamModel[];
  readonly receivers: readonly ReceiverModel[];
  readonly prometheus: PrometheusModel;
  readonly alertmanager: AlertmanagerModel;
  readonly grafana: GrafanaModel;
  readonly stack: StackModel;
  /** Prometheus, Alertmanager and Grafana watched by the stack itself. */
  readonly selfMonitoring: SelfMonitoringModel;
  /** Hosts watched through node-exporter; absent when the spec has no `hosts`. */
  readonly hosts?: HostsModel;
  /** The dead man's switch; absent when the spec has no `watchdog`. */
  readonly watchdog?: WatchdogModel;
}

export interface SelfMonitoringModel {
  readonly team: string;
  /** Scrape targets of the jobs `prometheus`, `alertmanager` (every peer) and `grafana` (may be empty). */
  readonly prometheusTargets: readonly string[];
  readonly alertmanagerTargets: readonly string[];
  readonly grafanaTargets: readonly string[];
  /** `for` of every meta-alert when a profile sets `durations.for`; otherwise each alert's own default. */
  readonly forOverride?: Duration;
}

export interface HostsModel {
  readonly job: string;
  readonly team: string;
  readonly targets: readonly string[];
  readonly alerts: {
    readonly diskFreeRatio: number;
    readonly diskFullWithin: Duration;
    readonly memoryRatio: number;
    readonly cpuRatio: number;
    readonly clockSkewSeconds: number;
    /** How long disk, memory and read-only conditions must hold. */
    readonly for: Duration;
    /** How long CPU and clock-skew conditions must hold (they flap more). */
    readonly slowFor: Duration;
  };
}

export interface WatchdogModel {
  readonly receiver: string;
  readonly url?: string;
  readonly urlFile?: string;
  readonly credentialsFile?: string;
  readonly repeatInterval: Duration;
  readonly team: string;
}

export interface ServiceModel {
  readonly name: string;
  readonly kind: ServiceKind;
  readonly team: string;
  /** Prometheus job name for this service's scrape config (the service name). */
  readonly job: string;
  /** host:port scrape targets. */
  readonly targets: readonly string[];
  readonly metricsPath: string;
  readonly scrapeInterval: Duration;
  /** Names of critical health checks this service runs (fed into health_check_status). */
  readonly healthChecks: readonly string[];
  readonly alerts: ServiceAlertParameters;
}

/** Every threshold of every service alert: named, documented, resolved from spec or defaults. */
export interface ServiceAlertParameters {
  /** ServiceDown: a scrape target is down for this long. Default 1m. */
  readonly serviceDown: { readonly for: Duration };
  /** HighErrorRate: share of requests answered 5xx above `ratio` (default 0.1) for `for` (default 5m). */
  readonly highErrorRate: { readonly ratio: number; readonly for: Duration };
  /** HighLatencyP95: p95 of requests or operations above `seconds` (default 1) for `for` (default 10m). */
  readonly highLatencyP95: { readonly seconds: number; readonly for: Duration };
  /**
   * UnhandledErrorsBurst: more than `count` unhandled rejections or uncaught exceptions
   * within `window` (default: more than 3 in 5m), sustained for `for` (default 30m).
   */
  readonly unhandledErrorsBurst: { readonly count: number; readonly window: Duration; readonly for: Duration };
  /** MemoryHigh: resident memory above `ratio` (default 0.9) of the container limit, for `for` (default 15m). */
  readonly memoryHigh: { readonly ratio: number; readonly for: Duration };
  /** CPUHigh: CPU use above `ratio` (default 0.8) of the CPU quota (one core when none), for `for` (default 15m). */
  readonly cpuHigh: { readonly ratio: number; readonly for: Duration };
  /** EventLoopLagHigh: event-loop lag p99 above `seconds` (default 0.5) for `for` (default 10m). */
  readonly eventLoopLagHigh: { readonly seconds: number; readonly for: Duration };
  /** DependencyDown: a critical health check failing for this long. Default 2m. */
  readonly dependencyDown: { readonly for: Duration };
}

export interface PipelineModel {
  readonly name: string;
  /** The service that runs this pipeline (must exist in `services`). */
  readonly service: string;
  readonly team: string;
  /** Prometheus job that exposes the pipeline's metrics (the owning service's job). */
  readonly job: string;
  /** Expected volume; absent for bursty pipelines, which then get no rate-floor alert. */
  readonly expectedItemsPerDay?: number;
  readonly alerts: PipelineAlertParameters;
}

export interface PipelineAlertParameters {
  /** PipelineNoItemsCreated: no item created for `window` (default 6h). */
  readonly noItemsCreated: { readonly window: Duration };
  /**
   * PipelineItemRateLow: rate under `floorRatio` (default 0.5) of the expected rate over
   * `for` (default 2h). Absent when the pipeline declares no expected rate.
   */
  readonly itemRateLow?: { readonly floorRatio: number; readonly floorPerSecond: number; readonly for: Duration };
  /** PipelineFieldCoverageDrop: share of items with each required field under `floor` (default 0.95) for `for` (default 1h). */
  readonly fieldCoverageDrop?: { readonly requiredFields: readonly string[]; readonly floor: number; readonly for: Duration };
  /** PipelineValidationErrorsHigh: validation errors per created item above `ratio` (default 0.05) for `for` (default 5m). */
  readonly validationErrorsHigh: { readonly ratio: number; readonly for: Duration };
}

export type DependencyModel = ExporterDependencyModel | HealthCheckDependencyModel;

/** A dependency watched through a Prometheus exporter that the stack runs and scrapes. */
export interface ExporterDependencyModel {
  readonly name: string;
  readonly kind: 'postgres' | 'redis' | 'node';
  readonly team: string;
  /** Prometheus job of the exporter. */
  readonly job: string;
  /** Exporter scrape targets (host:port). */
  readonly targets: readonly string[];
  /** For postgres/redis: the address the exporter connects to (no credentials; those come from files). */
  readonly address?: string;
  /** postgres: exporter targets of replicas (scraped in the same job with `role="replica"`). */
  readonly replicas?: readonly string[];
  /** Thresholds of the exporter-based alerts (defaults resolved). */
  readonly alerts?: ExporterAlertParameters;
}

export interface ExporterAlertParameters {
  readonly connectionsRatio: number;
  readonly deadlocks: number;
  readonly replicationLagSeconds: number;
  readonly memoryRatio: number;
  readonly for: Duration;
}

/** A dependency watched through a service's own health check (health_check_status{check}). */
export interface HealthCheckDependencyModel {
  readonly name: string;
  readonly kind: 'healthCheck';
  readonly team: string;
  /** Services that run the check. */
  readonly services: readonly string[];
  /** Value of the `check` label. */
  readonly check: string;
  readonly critical: boolean;
}

export interface TeamModel {
  readonly name: string;
  /** Receivers P1 (page) alerts of this team go to. */
  readonly pageReceivers: readonly string[];
  /** Receivers P2 (ticket) alerts of this team go to. */
  readonly ticketReceivers: readonly string[];
}

export type ReceiverModel =
  | { readonly name: string; readonly type: 'slack'; readonly apiUrlFile: string; readonly channel: string }
  | { readonly name: string; readonly type: 'pagerduty'; readonly routingKeyFile: string }
  | {
      readonly name: string;
      readonly type: 'email';
      readonly to: string;
      readonly from: string;
      readonly smarthost: string;
      readonly authUsername?: string;
      readonly authPasswordFile?: string;
    }
  | { readonly name: string; readonly type: 'webhook'; readonly url: string };

export interface PrometheusModel {
  readonly scrapeInterval: Duration;
  readonly evaluationInterval: Duration;
  /** Alertmanager addresses Prometheus sends to (host:port). */
  readonly alertmanagers: readonly string[];
  readonly externalLabels: Readonly<Record<string, string>>;
}

export interface AlertmanagerModel {
  /** P1: page quickly, repeat about hourly. */
  readonly page: { readonly groupWait: Duration; readonly groupInterval: Duration; readonly repeatInterval: Duration };
  /** P2: ticket/chat, longer waits, repeat about twice a day. */
  readonly ticket: { readonly groupWait: Duration; readonly groupInterval: Duration; readonly repeatInterval: Duration };
  /** Receiver for anything no team route matches. */
  readonly defaultReceiver: string;
  /** Replicas clustered by gossip (1: no cluster). */
  readonly replicas: number;
}

export interface GrafanaModel {
  /** Fixed uid of the provisioned Prometheus datasource; dashboards default to it. */
  readonly datasourceUid: string;
}

export interface StackModel {
  /** Address published ports bind to; 127.0.0.1 unless the spec says otherwise. */
  readonly bindAddress: string;
  readonly ports: { readonly prometheus: number; readonly alertmanager: number; readonly grafana: number };
  /** Pinned images (exact versions), also used by @vigil/testkit's container launcher. */
  readonly images: {
    readonly prometheus: string;
    readonly alertmanager: string;
    readonly grafana: string;
    readonly nodeExporter: string;
    readonly postgresExporter: string;
    readonly redisExporter: string;
  };
}

/** A file a generator renders: a repository-relative path and a plain value the writer serialises. */
export type GeneratedFile =
  | { readonly path: string; readonly format: 'yaml' | 'json'; readonly data: unknown }
  | { readonly path: string; readonly format: 'text'; readonly data: string };

/** A generator: a pure function from the model to the files it renders. */
export type Generator = (model: Model) => readonly GeneratedFile[];
