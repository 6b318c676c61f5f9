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

import type { KubernetesSettings } from '../kubernetes/settings.js';

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
  /** Service level objectives (src/model/slo.ts), sorted by name. */
  readonly slos: readonly SloModel[];
  readonly teams: readonly TeamModel[];
  readonly receivers: readonly ReceiverModel[];
  readonly prometheus: PrometheusModel;
  readonly alertmanager: AlertmanagerModel;
  readonly grafana: GrafanaModel;
  readonly stack: StackModel;
  /** Agent-mode sites, sorted by name; empty when every service is scraped centrally. */
  readonly sites: readonly SiteModel[];
  /** Kubernetes outputs' settings; absent when the spec asks for none. */
  readonly kubernetes?: KubernetesSettings;
  /** The spec's `extraRules`, checked (rules/extra-rules.ts); absent when the spec has none. */
  readonly extraRules?: ExtraRulesModel;
  /** Labels added to every generated selector (environment, cluster...); empty by default. */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** Ruler limits that shape the rule groups; `enforced` when the spec sets them (generation fails past them). */
  readonly rulerLimits?: { readonly rulesPerGroup: number; readonly groupsPerTenant: number; readonly enforced: boolean };
  /** Ruler output settings (spec `ruler`); absent when the spec asks for none. */
  readonly ruler?: import('../ruler/index.js').RulerSettings;
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

/** The team's own rules as the spec gives them (validated; rendered by rules/extra-rules.ts). */
export type ExtraRulesModel = import('zod').output<typeof import('../spec/extra-rules-schema.js').extraRulesSchema>;

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
  /** `cluster`: each target is a node:cluster primary aggregating its workers (spec `runtime.cluster`, default false). */
  readonly runtime: { readonly cluster: boolean };
  readonly alerts: ServiceAlertParameters;
  /** Spec keys of the alerts switched off for this service (`alerts.<name>: false`). */
  readonly disabledAlerts?: readonly string[];
}

/** Every threshold of every service alert: named, documented, resolved from spec or defaults. */
export interface ServiceAlertParameters {
  /** ServiceDown: a scrape target is down for this long. Default 3m, at least 3 scrape intervals (rules/alerts/service-down.ts). */
  readonly serviceDown: { readonly for: Duration };
  /** HighErrorRate: share of requests answered 5xx above `ratio` (default 0.1) for `for` (default 5m). */
  readonly highErrorRate: { readonly ratio: number; readonly minEvents?: number; readonly for: Duration };
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
  /**
   * ServiceRestarting (P2): an instance restarted at least `restarts` times (default 3) within 1h;
   * ServiceRestartingPersistently (P1): at least `persistentRestarts` (default 6) within 3h.
   * `for` (default 1m) applies to both: restarts are already counted over a window.
   */
  readonly serviceRestarting: { readonly for: Duration; readonly restarts: number; readonly persistentRestarts: number };
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
  /** Spec keys of the alerts switched off for this pipeline (`alerts.<name>: false`). */
  readonly disabledAlerts?: readonly string[];
}

export interface PipelineAlertParameters {
  /** PipelineNoItemsCreated: no item created for `window` (default 6h). */
  readonly noItemsCreated: { readonly window: Duration; readonly minSilence?: Duration };
  /**
   * PipelineItemRateLow: rate under `floorRatio` (default 0.5) of the expected rate over
   * `for` (default 2h). Absent when the pipeline declares no expected rate.
   */
  readonly itemRateLow?: { readonly floorRatio: number; readonly floorPerSecond: number; readonly for: Duration };
  /** PipelineFieldCoverageDrop: share of items with each required field under `floor` (default 0.95) for `for` (default 1h). */
  readonly fieldCoverageDrop?: { readonly requiredFields: readonly string[]; readonly floor: number; readonly for: Duration };
  /** PipelineValidationErrorsHigh: validation errors per created item above `ratio` (default 0.05) for `for` (default 5m). */
  readonly validationErrorsHigh: { readonly ratio: number; readonly minEvents?: number; readonly for: Duration };
}

/** What an SLO counts as a good event. */
export type SliKind = 'availability' | 'latency' | 'freshness';

interface SloModelBase {
  /** Unique in the spec; the `slo` label of every series and alert of this SLO. */
  readonly name: string;
  /** Share of good events over `period` (0.9 <= objective < 1). */
  readonly objective: number;
  /** Rolling period of the objective and the error budget. Default 30d. */
  readonly period: Duration;
  /**
   * Burn-rate alerts fire only with at least this many events in both windows of a pair, so
   * a handful of requests cannot spend a budget on paper. Default 20.
   */
  readonly minEvents: number;
  readonly team: string;
  /** Prometheus job whose series the SLI reads. */
  readonly job: string;
  /** The service (for a pipeline SLO, the service that runs the pipeline). */
  readonly service: string;
}

/** Requests not answered 5xx. */
export interface AvailabilitySloModel extends SloModelBase {
  readonly sli: 'availability';
}

/** Requests answered within `thresholdSeconds`, read from the latency histogram's bucket `le`. */
export interface LatencySloModel extends SloModelBase {
  readonly sli: 'latency';
  /** One of the latency histogram's bucket bounds. */
  readonly thresholdSeconds: number;
  /** The `le` label value of that bucket as the metrics library exposes it. */
  readonly le: string;
}

/** Time during which the pipeline's newest item is at most `maxAgeSeconds` old. */
export interface FreshnessSloModel extends SloModelBase {
  readonly sli: 'freshness';
  readonly pipeline: string;
  readonly maxAgeSeconds: number;
}

export type SloModel = AvailabilitySloModel | LatencySloModel | FreshnessSloModel;

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
  /** How long PostgresqlDown / RedisDown wait before firing. */
  readonly downFor: Duration;
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

/** A site whose services a Prometheus agent scrapes and remote-writes to the central Prometheus. */
export interface SiteModel {
  readonly name: string;
  /** Jobs of the services scraped at this site, sorted. */
  readonly services: readonly string[];
  readonly remoteWrite: {
    readonly url: string;
    readonly bearerTokenFile?: string;
    readonly basicAuth?: { readonly username: string; readonly passwordFile: string };
  };
  /** The agent's external labels: the central ones, the site's own, and `site`. */
  readonly externalLabels: Readonly<Record<string, string>>;
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
