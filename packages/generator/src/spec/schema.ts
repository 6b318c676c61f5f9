/**
 * The spec schema (zod 4). Objects are strict so a misspelt field is an error, not a silently
 * ignored setting. Defaults are not applied here: the model (src/model/build.ts) resolves them,
 * because some depend on other entries (a pipeline's team is its service's team).
 */
import { z } from 'zod';
import { isDuration } from './duration.js';

/** Type-level error: says "required" when the field is missing, else what was expected. */
function typeError(message: string) {
  return { error: (issue: { readonly input?: unknown }) => (issue.input === undefined ? `required: ${message}` : message) };
}

const durationMessage = 'expected a duration like "6h"';
export const durationSchema = z.string(typeError(durationMessage)).refine(isDuration, { error: durationMessage });

const nameMessage = 'expected a name of lower-case letters, digits, "-" or "_", starting with a letter';
const namePattern = /^[a-z][a-z0-9_-]*$/;
export const nameSchema = z.string(typeError(nameMessage)).regex(namePattern, { error: nameMessage });

const ratioMessage = 'expected a ratio greater than 0 and at most 1';
const ratioSchema = z.number(typeError(ratioMessage)).gt(0, { error: ratioMessage }).lte(1, { error: ratioMessage });

const positiveMessage = 'expected a number greater than 0';
const positiveSchema = z.number(typeError(positiveMessage)).gt(0, { error: positiveMessage });

const countMessage = 'expected a whole number greater than 0';
const countSchema = z.number(typeError(countMessage)).int({ error: countMessage }).gt(0, { error: countMessage });

const targetMessage = 'expected a scrape target like "api:9464"';
const targetSchema = z
  .string(typeError(targetMessage))
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/, { error: targetMessage });
const targetsSchema = z.array(targetSchema, typeError('expected a list of scrape targets like ["api:9464"]')).min(1, {
  error: 'expected at least one scrape target',
});

const fieldMessage = 'expected a field name of letters, digits, "_", "." or "-"';
const fieldNameSchema = z.string(typeError(fieldMessage)).regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, { error: fieldMessage });

const metricsPathMessage = 'expected a URL path starting with "/"';
const metricsPathSchema = z.string(typeError(metricsPathMessage)).regex(/^\/\S*$/, { error: metricsPathMessage });

const fileMessage = 'expected an absolute file path (secrets are read from files)';
const secretFileSchema = z.string(typeError(fileMessage)).regex(/^\/\S+$/, { error: fileMessage });

const urlMessage = 'expected an http(s) URL';
const urlSchema = z.string(typeError(urlMessage)).regex(/^https?:\/\/[^\s/]+\S*$/, { error: urlMessage });

const runbookUrlMessage = 'expected an http(s) URL template containing "{alert}" exactly once, e.g. "https://example.com/runbooks/{alert}.md"';
/** `{alert}` is replaced by the alert name (model/runbook.ts); exactly once so links can be parsed back. */
const runbookUrlSchema = z
  .string(typeError(runbookUrlMessage))
  .refine((template) => /^https?:\/\/[^\s/]+\S*$/.test(template) && template.split('{alert}').length === 2, { error: runbookUrlMessage });

const labelsMessage = 'expected a map of label name to string value';
const labelMapSchema = z.record(
  z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'expected a Prometheus label name' }),
  z.string(typeError(labelsMessage)),
  typeError(labelsMessage),
);

const forOnly = z.strictObject({ for: durationSchema.optional() });

export const serviceAlertsSchema = z.strictObject({
  serviceDown: forOnly.optional(),
  highErrorRate: z.strictObject({ ratio: ratioSchema.optional(), for: durationSchema.optional() }).optional(),
  highLatencyP95: z.strictObject({ seconds: positiveSchema.optional(), for: durationSchema.optional() }).optional(),
  unhandledErrorsBurst: z
    .strictObject({ count: countSchema.optional(), window: durationSchema.optional(), for: durationSchema.optional() })
    .optional(),
  memoryHigh: z.strictObject({ ratio: ratioSchema.optional(), for: durationSchema.optional() }).optional(),
  cpuHigh: z.strictObject({ ratio: ratioSchema.optional(), for: durationSchema.optional() }).optional(),
  eventLoopLagHigh: z.strictObject({ seconds: positiveSchema.optional(), for: durationSchema.optional() }).optional(),
  dependencyDown: forOnly.optional(),
});

const serviceKindMessage = 'expected one of "api", "pipeline", "worker"';
export const serviceSchema = z.strictObject({
  name: nameSchema,
  targets: targetsSchema,
  kind: z.enum(['api', 'pipeline', 'worker'], typeError(serviceKindMessage)).optional(),
  team: nameSchema.optional(),
  metricsPath: metricsPathSchema.optional(),
  scrapeInterval: durationSchema.optional(),
  alerts: serviceAlertsSchema.optional(),
});

export const pipelineAlertsSchema = z.strictObject({
  itemRateLow: forOnly.optional(),
  fieldCoverageDrop: forOnly.optional(),
  validationErrorsHigh: forOnly.optional(),
});

export const pipelineSchema = z.strictObject({
  name: nameSchema,
  /** The service that runs the pipeline. */
  service: nameSchema,
  team: nameSchema.optional(),
  /** Expected items per day; leave out for bursty pipelines (no rate-floor alert then). */
  expectedItemsPerDay: positiveSchema.optional(),
  /** Share of the expected rate under which PipelineItemRateLow fires. Default 0.5. */
  rateFloorRatio: ratioSchema.optional(),
  /** No item created for this long fires PipelineNoItemsCreated. Default 6h. */
  zeroItemsWindow: durationSchema.optional(),
  requiredFields: z.array(fieldNameSchema, typeError('expected a list of field names')).optional(),
  /** Share of items carrying each required field under which PipelineFieldCoverageDrop fires. Default 0.95. */
  coverageFloor: ratioSchema.optional(),
  /** Validation errors per created item above which PipelineValidationErrorsHigh fires. Default 0.05. */
  validationErrorCeiling: ratioSchema.optional(),
  alerts: pipelineAlertsSchema.optional(),
});

/** Thresholds of the exporter-based dependency alerts (postgres and redis); each documented in its runbook. */
export const exporterAlertsSchema = z.strictObject({
  /** PostgresqlTooManyConnections: share of max_connections in use. Default 0.8. */
  connectionsRatio: ratioSchema.optional(),
  /** PostgresqlDeadlocks: more than this many deadlocks in 5m. Default 0 (any deadlock). */
  deadlocks: z.number(typeError('expected a whole number of at least 0')).int().min(0).optional(),
  /** PostgresqlReplicationLag: replica lag in seconds (needs `replicas`). Default 30. */
  replicationLagSeconds: positiveSchema.optional(),
  /** RedisOutOfMemory: share of maxmemory in use. Default 0.9. */
  memoryRatio: ratioSchema.optional(),
  /** How long a condition must hold. Default 5m. */
  for: durationSchema.optional(),
});

const exporterDependencySchema = z.strictObject({
  name: nameSchema,
  kind: z.enum(['postgres', 'redis', 'node']),
  team: nameSchema.optional(),
  /** Exporter scrape targets. */
  targets: targetsSchema,
  /** Address the exporter connects to (postgres/redis); credentials only ever come from files. */
  address: z.string(typeError('expected host:port')).regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, { error: 'expected host:port' }).optional(),
  /** postgres: exporter targets of replicas; their replication lag is alerted on. */
  replicas: targetsSchema.optional(),
  alerts: exporterAlertsSchema.optional(),
});

const healthCheckDependencySchema = z.strictObject({
  name: nameSchema,
  kind: z.literal('healthCheck'),
  team: nameSchema.optional(),
  /** Services that run the check (each must exist). */
  services: z.array(nameSchema, typeError('expected a list of service names')).min(1, {
    error: 'expected at least one service',
  }),
  /** Value of the `check` label; defaults to the dependency name. */
  check: z.string(typeError('expected a check name')).min(1, { error: 'expected a check name' }).optional(),
  /** Critical checks fire DependencyDown (P1). Default true. */
  critical: z.boolean(typeError('expected true or false')).optional(),
});

const dependencyKindMessage = 'expected kind "postgres", "redis", "node" or "healthCheck"';
export const dependencySchema = z.discriminatedUnion('kind', [exporterDependencySchema, healthCheckDependencySchema], {
  error: dependencyKindMessage,
});

export const receiverSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      name: nameSchema,
      type: z.literal('slack'),
      apiUrlFile: secretFileSchema,
      channel: z.string(typeError('expected a channel like "#alerts"')).regex(/^[#@]?\S+$/, {
        error: 'expected a channel like "#alerts"',
      }),
    }),
    z.strictObject({ name: nameSchema, type: z.literal('pagerduty'), routingKeyFile: secretFileSchema }),
    z.strictObject({
      name: nameSchema,
      type: z.literal('email'),
      to: z.string(typeError('expected an e-mail address')).regex(/^[^\s@]+@[^\s@]+$/, { error: 'expected an e-mail address' }),
      from: z.string(typeError('expected an e-mail address')).regex(/^[^\s@]+@[^\s@]+$/, { error: 'expected an e-mail address' }),
      smarthost: z.string(typeError('expected host:port')).regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, { error: 'expected host:port' }),
      authUsername: z.string().min(1).optional(),
      authPasswordFile: secretFileSchema.optional(),
    }),
    z.strictObject({ name: nameSchema, type: z.literal('webhook'), url: urlSchema }),
  ],
  { error: 'expected type "slack", "pagerduty", "email" or "webhook"' },
);

export const teamSchema = z.strictObject({
  name: nameSchema,
  /** Receivers P1 alerts page. */
  pageReceivers: z.array(nameSchema, typeError('expected a list of receiver names')).min(1, {
    error: 'expected at least one receiver',
  }),
  /** Receivers P2 alerts open tickets in. */
  ticketReceivers: z.array(nameSchema, typeError('expected a list of receiver names')).min(1, {
    error: 'expected at least one receiver',
  }),
});

const portSchema = z
  .number(typeError("expected a port number"))
  .int({ error: 'expected a port number' })
  .min(1, { error: 'expected a port number' })
  .max(65535, { error: 'expected a port number' });

const timingSchema = z.strictObject({
  groupWait: durationSchema.optional(),
  groupInterval: durationSchema.optional(),
  repeatInterval: durationSchema.optional(),
});

export const prometheusSettingsSchema = z.strictObject({
  scrapeInterval: durationSchema.optional(),
  evaluationInterval: durationSchema.optional(),
  alertmanagers: z.array(targetSchema, typeError('expected a list of host:port')).optional(),
  externalLabels: labelMapSchema.optional(),
});

export const alertmanagerSettingsSchema = z.strictObject({
  page: timingSchema.optional(),
  ticket: timingSchema.optional(),
  defaultReceiver: nameSchema.optional(),
  /** Alertmanager replicas clustered by gossip (1, 2 or 3). Default 1. */
  replicas: z.union([z.literal(1), z.literal(2), z.literal(3)], typeError('expected 1, 2 or 3')).optional(),
});

export const grafanaSettingsSchema = z.strictObject({
  datasourceUid: z.string(typeError('expected a uid')).regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'expected a uid' }).optional(),
});

const imageSchema = z
  .string(typeError('expected a pinned image like "prom/prometheus:v2.42.0"'))
  .regex(/^\S+:[A-Za-z0-9_.-]+$|^\S+@sha256:[0-9a-f]{64}$/, { error: 'expected a pinned image like "prom/prometheus:v2.42.0"' });

export const stackSettingsSchema = z.strictObject({
  bindAddress: z.string(typeError('expected an IP address')).regex(/^[0-9a-fA-F:.]+$/, { error: 'expected an IP address' }).optional(),
  ports: z
    .strictObject({ prometheus: portSchema.optional(), alertmanager: portSchema.optional(), grafana: portSchema.optional() })
    .optional(),
  images: z
    .strictObject({
      prometheus: imageSchema.optional(),
      alertmanager: imageSchema.optional(),
      grafana: imageSchema.optional(),
      nodeExporter: imageSchema.optional(),
      postgresExporter: imageSchema.optional(),
      redisExporter: imageSchema.optional(),
    })
    .optional(),
});

/** Prometheus, Alertmanager and Grafana watched by the stack itself (meta-monitoring). */
export const selfMonitoringSchema = z.strictObject({
  /** Owner of the meta-alerts. Default: defaultTeam. */
  team: nameSchema.optional(),
  /** Where Prometheus scrapes itself. Default ["localhost:9090"]. */
  prometheusTargets: targetsSchema.optional(),
  /** Grafana's /metrics. Default ["grafana:3000"]; an empty list turns the job off. */
  grafanaTargets: z.array(targetSchema, typeError('expected a list of host:port')).optional(),
});

/** Host alerts from node-exporter: every threshold a named parameter. */
export const hostsSchema = z.strictObject({
  /** node-exporter scrape targets. */
  targets: targetsSchema,
  team: nameSchema.optional(),
  /** Prometheus job name. Default "node". */
  job: nameSchema.optional(),
  /** NodeFilesystemAlmostOutOfSpace: free share of a filesystem under this. Default 0.1. */
  diskFreeRatio: ratioSchema.optional(),
  /** NodeFilesystemSpaceFillingUp: predicted full within this (predict_linear over 6x it, at most 6h). Default 4h. */
  diskFullWithin: durationSchema.optional(),
  /** NodeMemoryHighUtilization: share of memory in use above this. Default 0.9. */
  memoryRatio: ratioSchema.optional(),
  /** NodeCPUHighUsage: share of all cores busy above this. Default 0.9. */
  cpuRatio: ratioSchema.optional(),
  /** NodeClockSkewDetected: clock offset in seconds above this. Default 0.05. */
  clockSkewSeconds: positiveSchema.optional(),
  /** How long each host condition must hold. Default 5m (clock skew and CPU 15m). */
  for: durationSchema.optional(),
});

/** The dead man's switch: an always-firing Watchdog sent to an outside heartbeat endpoint. */
export const watchdogSchema = z
  .strictObject({
    /** The heartbeat URL, when it holds no secret (your own relay, or authenticated by credentialsFile). */
    url: urlSchema.optional(),
    /** A file holding the heartbeat URL (Alertmanager `url_file`, needs Alertmanager 0.26 or later). */
    urlFile: secretFileSchema.optional(),
    /** A file holding a bearer token sent with each heartbeat. */
    credentialsFile: secretFileSchema.optional(),
    /** How often the heartbeat is sent (the Watchdog route's repeat_interval). Default 1m. */
    repeatInterval: durationSchema.optional(),
  })
  .refine((value) => (value.url === undefined) !== (value.urlFile === undefined), {
    error: 'expected exactly one of url and urlFile',
  });

/**
 * A profile (or `applyOverrides` argument): changes layered over the spec before defaults are
 * resolved. Services, pipelines and dependencies are keyed by name. `durations.for` replaces
 * every alert's `for`; `durations.window` replaces every look-back window (zero-items window,
 * unhandled-errors window) so end-to-end tests can see alerts fire in seconds.
 */
export const overridesSchema = z.strictObject({
  runbookUrl: runbookUrlSchema.optional(),
  prometheus: prometheusSettingsSchema.optional(),
  alertmanager: alertmanagerSettingsSchema.optional(),
  stack: stackSettingsSchema.optional(),
  services: z
    .record(nameSchema, serviceSchema.omit({ name: true }).partial(), typeError('expected a map of service name to changes'))
    .optional(),
  pipelines: z
    .record(nameSchema, pipelineSchema.omit({ name: true }).partial(), typeError('expected a map of pipeline name to changes'))
    .optional(),
  dependencies: z
    .record(
      nameSchema,
      z.strictObject({ targets: targetsSchema.optional(), address: exporterDependencySchema.shape.address }),
      typeError('expected a map of dependency name to changes'),
    )
    .optional(),
  durations: z.strictObject({ for: durationSchema.optional(), window: durationSchema.optional() }).optional(),
  selfMonitoring: selfMonitoringSchema.optional(),
  hosts: hostsSchema.partial().optional(),
  watchdog: watchdogSchema.optional(),
});

export const monitoringSpecSchema = z.strictObject({
  /** Runbook link of every alert: a URL template whose `{alert}` is replaced by the alert name. */
  runbookUrl: runbookUrlSchema,
  /** Owner of anything without a team; defaults to the first team. */
  defaultTeam: nameSchema.optional(),
  teams: z.array(teamSchema, typeError('expected a list of teams')).min(1, { error: 'expected at least one team' }),
  receivers: z.array(receiverSchema, typeError('expected a list of receivers')).min(1, {
    error: 'expected at least one receiver',
  }),
  services: z.array(serviceSchema, typeError('expected a list of services')).min(1, {
    error: 'expected at least one service',
  }),
  pipelines: z.array(pipelineSchema, typeError('expected a list of pipelines')).optional(),
  dependencies: z.array(dependencySchema, typeError('expected a list of dependencies')).optional(),
  prometheus: prometheusSettingsSchema.optional(),
  alertmanager: alertmanagerSettingsSchema.optional(),
  grafana: grafanaSettingsSchema.optional(),
  stack: stackSettingsSchema.optional(),
  selfMonitoring: selfMonitoringSchema.optional(),
  hosts: hostsSchema.optional(),
  watchdog: watchdogSchema.optional(),
  /** Named overrides selected with `--profile NAME` / `buildModel(..., { profile })`. */
  profiles: z.record(nameSchema, overridesSchema, typeError('expected a map of profile name to overrides')).optional(),
});

/** The spec as written (all defaults optional). */
export type MonitoringSpec = z.input<typeof monitoringSpecSchema>;
export type ServiceSpec = z.input<typeof serviceSchema>;
export type PipelineSpec = z.input<typeof pipelineSchema>;
export type DependencySpec = z.input<typeof dependencySchema>;
export type ReceiverSpec = z.input<typeof receiverSchema>;
export type TeamSpec = z.input<typeof teamSchema>;
export type SpecOverrides = z.input<typeof overridesSchema>;
