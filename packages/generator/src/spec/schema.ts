/**
 * The spec schema (zod 4). Objects are strict so a misspelt field is an error, not a silently
 * ignored setting. Defaults are not applied here: the model (src/model/build.ts) resolves them,
 * because some depend on other entries (a pipeline's team is its service's team).
 */
import { z } from 'zod';
import { isIP } from 'node:net';
import { parseDuration } from './duration.js';
import { isAllowedSecretFile, isPort, plainUrlProblem, runbookTemplateProblem } from './values.js';
import { extraRulesSchema } from './extra-rules-schema.js';

/** Type-level error: says "required" when the field is missing, else what was expected. */
function typeError(message: string) {
  return { error: (issue: { readonly input?: unknown }) => (issue.input === undefined ? `required: ${message}` : message) };
}

const durationMessage = 'expected a duration like "6h"';
/**
 * The longest duration any field accepts. Longer look-backs and `for`s are beyond Prometheus'
 * default 15d retention anyway, and they make the generated promtool tests grow without bound.
 */
export const maxDuration = '30d';
const maxDurationMs = parseDuration(maxDuration)!;
export const durationSchema = z.string(typeError(durationMessage)).superRefine((text, context) => {
  const ms = text.length <= 32 ? parseDuration(text) : undefined;
  if (ms === undefined) context.addIssue({ code: 'custom', message: durationMessage, input: text });
  else if (ms > maxDurationMs) context.addIssue({ code: 'custom', message: `expected a duration of at most ${maxDuration}`, input: text });
});

/**
 * Scrape and evaluation intervals. Below 1s Prometheus' own overhead dominates and every
 * window and test grows by orders of magnitude; above 5m (Prometheus' lookback delta) series
 * go stale between two samples, so instant queries see gaps and alerts flap.
 */
export const intervalBounds = { min: '1s', max: '5m' } as const;
const intervalMessage = `expected an interval from ${intervalBounds.min} to ${intervalBounds.max}`;
const intervalSchema = z.string(typeError(intervalMessage)).refine(
  (text) => {
    const ms = text.length <= 32 ? parseDuration(text) : undefined;
    return ms !== undefined && ms >= parseDuration(intervalBounds.min)! && ms <= parseDuration(intervalBounds.max)!;
  },
  { error: intervalMessage },
);

/**
 * Names become Prometheus job and label values, file names and Alertmanager receiver names;
 * 63 characters (a DNS label) keeps every one of them readable and valid.
 */
export const maxNameLength = 63;
const nameMessage = `expected a name of lower-case letters, digits, "-" or "_", starting with a letter, at most ${maxNameLength} characters`;
const namePattern = new RegExp(`^[a-z][a-z0-9_-]{0,${maxNameLength - 1}}$`);
export const nameSchema = z.string(typeError(nameMessage)).regex(namePattern, { error: nameMessage });

const ratioMessage = 'expected a ratio greater than 0 and at most 1';
const ratioSchema = z.number(typeError(ratioMessage)).gt(0, { error: ratioMessage }).lte(1, { error: ratioMessage });

const positiveMessage = 'expected a number greater than 0';
const positiveSchema = z.number(typeError(positiveMessage)).gt(0, { error: positiveMessage });

const countMessage = 'expected a whole number greater than 0';
const countSchema = z.number(typeError(countMessage)).int({ error: countMessage }).gt(0, { error: countMessage });

/** A DNS name is at most 253 characters. */
const hostPattern = '(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]{2,45}\\])';
const hostPortPattern = new RegExp(`^${hostPattern}:(\\d{1,5})$`);
/** host:port with a port from 1 to 65535. */
function hostPortSchema(message: string) {
  return z.string(typeError(message)).refine((text) => {
    const port = hostPortPattern.exec(text)?.[1];
    return port !== undefined && isPort(Number(port));
  }, { error: message });
}

const targetMessage = 'expected a scrape target like "api:9464" (port 1-65535)';
const targetSchema = hostPortSchema(targetMessage);
const targetsSchema = z.array(targetSchema, typeError('expected a list of scrape targets like ["api:9464"]')).min(1, {
  error: 'expected at least one scrape target',
});

const fieldMessage = 'expected a field name of letters, digits, "_", "." or "-"';
const fieldNameSchema = z.string(typeError(fieldMessage)).regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/, { error: `${fieldMessage}, at most 128 characters` });

const metricsPathMessage = 'expected a URL path starting with "/"';
const metricsPathSchema = z.string(typeError(metricsPathMessage)).regex(/^\/[A-Za-z0-9._~\/-]{0,254}$/, { error: metricsPathMessage });

const fileMessage = 'expected an absolute file path (secrets are read from files), normalised, without "..", outside /proc, /sys and /dev';
const secretFileSchema = z.string(typeError(fileMessage)).refine(isAllowedSecretFile, { error: fileMessage });

const urlMessage = 'expected an http(s) URL';
/** An http(s) URL that carries no secret (the rendered file is committed). */
const urlSchema = z.string(typeError(urlMessage)).superRefine((url, context) => {
  const problem = plainUrlProblem(url);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem, input: url });
});

/** `{alert}` is replaced by the alert name (model/runbook.ts); exactly once so links can be parsed back. */
const runbookUrlSchema = z.string(typeError('expected an http(s) URL template containing "{alert}" exactly once, e.g. "https://example.com/runbooks/{alert}.md"')).superRefine((template, context) => {
  const problem = runbookTemplateProblem(template);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem, input: template });
});

const labelsMessage = 'expected a map of label name to string value';
const labelMapSchema = z.record(
  z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/, { error: 'expected a Prometheus label name' }),
  z.string(typeError(labelsMessage)).regex(/^[^\u0000-\u001f\u007f{}]{0,256}$/, { error: 'expected a label value of at most 256 printable characters without "{" or "}"' }),
  typeError(labelsMessage),
);

const forOnly = z.strictObject({ for: durationSchema.optional() });

/** `alerts.<name>: false` switches one alert off for one service or pipeline. */
const orOff = <T extends z.ZodType>(settings: T) => z.union([settings, z.literal(false)], typeError('expected the alert\'s settings, or false to disable it'));

const minEventsMessage = 'expected a whole number of events (at least 1)';
/** Evidence minimum: a ratio alert fires only with at least this many events in its window. */
const minEventsSchema = z.number(typeError(minEventsMessage)).int({ error: minEventsMessage }).min(1, { error: minEventsMessage });

export const serviceAlertsSchema = z.strictObject({
  serviceDown: orOff(forOnly).optional(),
  highErrorRate: orOff(
    z.strictObject({ ratio: ratioSchema.optional(), minEvents: minEventsSchema.optional(), for: durationSchema.optional() }),
  ).optional(),
  highLatencyP95: orOff(z.strictObject({ seconds: positiveSchema.optional(), for: durationSchema.optional() })).optional(),
  unhandledErrorsBurst: orOff(
    z.strictObject({ count: countSchema.optional(), window: durationSchema.optional(), for: durationSchema.optional() }),
  ).optional(),
  memoryHigh: orOff(z.strictObject({ ratio: ratioSchema.optional(), for: durationSchema.optional() })).optional(),
  cpuHigh: orOff(z.strictObject({ ratio: ratioSchema.optional(), for: durationSchema.optional() })).optional(),
  eventLoopLagHigh: orOff(z.strictObject({ seconds: positiveSchema.optional(), for: durationSchema.optional() })).optional(),
  dependencyDown: orOff(forOnly).optional(),
  serviceRestarting: orOff(
    z.strictObject({ restarts: countSchema.optional(), persistentRestarts: countSchema.optional(), for: durationSchema.optional() }),
  ).optional(),
});

const serviceKindMessage = 'expected one of "api", "pipeline", "worker"';
export const serviceSchema = z.strictObject({
  name: nameSchema,
  targets: targetsSchema,
  /** The Prometheus job that scrapes this service, when it is not the service name. */
  job: z.string(typeError('expected a job name')).regex(/^[A-Za-z_][A-Za-z0-9_.:-]*$/, { error: 'expected a job name' }).optional(),
  kind: z.enum(['api', 'pipeline', 'worker'], typeError(serviceKindMessage)).optional(),
  team: nameSchema.optional(),
  metricsPath: metricsPathSchema.optional(),
  scrapeInterval: intervalSchema.optional(),
  /**
   * How the service's processes run. `cluster: true`: each target is a node:cluster primary that
   * keeps workers (`superviseWorkers`) and serves their aggregated metrics
   * (`createClusterAggregator`, `@vigil/metrics/cluster`); the runtime dashboard then shows the
   * cluster worker panels. Default: one process per target.
   */
  runtime: z
    .strictObject({ cluster: z.boolean(typeError('expected true or false')).optional() }, typeError('expected an object such as { cluster: true }'))
    .optional(),
  alerts: serviceAlertsSchema.optional(),
});

export const pipelineAlertsSchema = z.strictObject({
  noItemsCreated: z.literal(false, typeError('expected false to disable it (the window is zeroItemsWindow)')).optional(),
  itemRateLow: orOff(forOnly).optional(),
  fieldCoverageDrop: orOff(forOnly).optional(),
  validationErrorsHigh: orOff(z.strictObject({ minEvents: minEventsSchema.optional(), for: durationSchema.optional() })).optional(),
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

const objectiveMessage = 'expected an objective of at least 0.9 and below 1, e.g. 0.999 (burn-rate alerts need an error budget of at most 10%)';
const objectiveSchema = z
  .number(typeError(objectiveMessage))
  .gte(0.9, { error: objectiveMessage })
  .lt(1, { error: objectiveMessage });

/** Fields every SLO has; `sli` picks what counts as a good event (src/model/slo.ts resolves them). */
const sloCommon = {
  /** The `slo` label of its series and alerts; unique in the spec. */
  name: nameSchema,
  /** Share of good events over the period, e.g. 0.999. */
  objective: objectiveSchema,
  /** Rolling period the objective and the error budget are measured over. Default 30d. */
  period: durationSchema.optional(),
  /** Burn-rate alerts need at least this many events in each window they read. Default 20. */
  minEvents: countSchema.optional(),
};

export const sloSchema = z.discriminatedUnion(
  'sli',
  [
    /** Requests of a service not answered 5xx. */
    z.strictObject({ ...sloCommon, sli: z.literal('availability'), service: nameSchema }),
    /** Requests of a service answered within `thresholdSeconds`, one of the latency histogram's bucket bounds. */
    z.strictObject({ ...sloCommon, sli: z.literal('latency'), service: nameSchema, thresholdSeconds: positiveSchema }),
    /** Time during which the pipeline's newest item is at most `maxAge` old. */
    z.strictObject({ ...sloCommon, sli: z.literal('freshness'), pipeline: nameSchema, maxAge: durationSchema }),
  ],
  { error: 'expected sli "availability", "latency" or "freshness"' },
);
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
  /** PostgresqlDown / RedisDown: how long the exporter must report the server unreachable. Default 1m. */
  downFor: durationSchema.optional(),
});

const exporterDependencySchema = z.strictObject({
  name: nameSchema,
  kind: z.enum(['postgres', 'redis', 'node']),
  team: nameSchema.optional(),
  /** Exporter scrape targets. */
  targets: targetsSchema,
  /** Address the exporter connects to (postgres/redis); credentials only ever come from files. */
  address: hostPortSchema('expected host:port (port 1-65535)').optional(),
  /** postgres: exporter targets of replicas; their replication lag is alerted on. */
  replicas: targetsSchema.optional(),
  alerts: exporterAlertsSchema.optional(),
});

const checkNameMessage = 'expected a check name of letters, digits, "_", ".", ":" or "-", at most 63 characters';
const healthCheckDependencySchema = z.strictObject({
  name: nameSchema,
  kind: z.literal('healthCheck'),
  team: nameSchema.optional(),
  /** Services that run the check (each must exist). */
  services: z.array(nameSchema, typeError('expected a list of service names')).min(1, {
    error: 'expected at least one service',
  }),
  /** Value of the `check` label; defaults to the dependency name. Plain characters only: it is put inside selectors and tests. */
  check: z
    .string(typeError(checkNameMessage))
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/, { error: checkNameMessage })
    .optional(),
  /** Critical checks fire DependencyDown (P1). Default true. */
  critical: z.boolean(typeError('expected true or false')).optional(),
});

const dependencyKindMessage = 'expected kind "postgres", "redis", "node" or "healthCheck"';
export const dependencySchema = z.discriminatedUnion('kind', [exporterDependencySchema, healthCheckDependencySchema], {
  error: dependencyKindMessage,
});

const emailSchema = z.string(typeError('expected an e-mail address')).regex(/^[^\s@{}]{1,64}@[^\s@{}]{1,253}$/, { error: 'expected an e-mail address' });

export const receiverSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      name: nameSchema,
      type: z.literal('slack'),
      apiUrlFile: secretFileSchema,
      channel: z.string(typeError('expected a channel like "#alerts"')).regex(/^[#@]?[^\s#@{}]{1,80}$/, {
        error: 'expected a channel like "#alerts"',
      }),
    }),
    z.strictObject({ name: nameSchema, type: z.literal('pagerduty'), routingKeyFile: secretFileSchema }),
    z.strictObject({
      name: nameSchema,
      type: z.literal('email'),
      to: emailSchema,
      from: emailSchema,
      smarthost: hostPortSchema('expected host:port (port 1-65535)'),
      authUsername: z.string().regex(/^[^\s:]{1,254}$/, { error: 'expected a user name without spaces or ":"' }).optional(),
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

/** Limits of the ruler that loads the rules (Mimir's defaults); they shape the rule groups. */
export const rulerLimitsSchema = z.strictObject({
  rulesPerGroup: countSchema.optional(),
  groupsPerTenant: countSchema.optional(),
});

/** Rule files for a Mimir, Cortex or Thanos ruler (src/ruler/). */
export const rulerOutputSchema = z.strictObject({
  /** Prefix of the rule namespaces' names (default "vigil"): `<prefix>-recording-rules`, `<prefix>-p1-page`, `<prefix>-p2-ticket`. */
  namespacePrefix: nameSchema.optional(),
});

export const prometheusSettingsSchema = z.strictObject({
  scrapeInterval: intervalSchema.optional(),
  evaluationInterval: intervalSchema.optional(),
  alertmanagers: z.array(targetSchema, typeError('expected a list of host:port')).optional(),
  externalLabels: labelMapSchema.optional(),
});

export const alertmanagerSettingsSchema = z.strictObject({
  page: timingSchema.optional(),
  ticket: timingSchema.optional(),
  defaultReceiver: nameSchema.optional(),
  /**
   * Alertmanager replicas clustered by gossip (1, 2 or 3), each a compose service that Prometheus
   * sends to directly. Two survive one failure and three survive two; more only add gossip and
   * delay (peer n waits n peer timeouts, 15 s each, before notifying in its place). Default 1.
   */
  replicas: z.union([z.literal(1), z.literal(2), z.literal(3)], typeError('expected 1, 2 or 3 peers of one gossip cluster')).optional(),
});

export const grafanaSettingsSchema = z.strictObject({
  datasourceUid: z.string(typeError('expected a uid')).regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'expected a uid' }).optional(),
});

const imageMessage = 'expected an image pinned to a version tag or digest like "prom/prometheus:v2.42.0" (not "latest", not untagged)';
/** Moving tags change what runs without a change in the repository. */
const movingTags = new Set(['latest', 'main', 'master', 'edge', 'nightly', 'stable']);
const imageSchema = z.string(typeError(imageMessage)).refine(
  (image) => {
    if (/^[a-z0-9][a-z0-9._\/:-]{0,254}@sha256:[0-9a-f]{64}$/.test(image)) return true;
    const match = /^[a-z0-9][a-z0-9._\/:-]{0,254}:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(image);
    return match !== null && !match[1]!.includes('/') && !movingTags.has(match[1]!.toLowerCase());
  },
  { error: imageMessage },
);

export const stackSettingsSchema = z.strictObject({
  bindAddress: z.string(typeError('expected an IP address')).refine((text) => isIP(text) !== 0, { error: 'expected an IP address like "127.0.0.1"' }).optional(),
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

const remoteWriteMessage = 'expected remoteWrite with a url and at most one of bearerTokenFile or basicAuth';
/**
 * Where an agent sends its samples. Credentials only ever come from files (as everywhere in the
 * spec), so nothing secret is written into the rendered agent config.
 */
export const remoteWriteSchema = z
  .strictObject({
    url: urlSchema,
    bearerTokenFile: secretFileSchema.optional(),
    basicAuth: z.strictObject({ username: z.string(typeError('expected a user name')).min(1), passwordFile: secretFileSchema }).optional(),
  }, typeError(remoteWriteMessage))
  .refine((value) => value.bearerTokenFile === undefined || value.basicAuth === undefined, { error: remoteWriteMessage });

/**
 * A site (cluster, region, data centre) whose services a Prometheus in agent mode scrapes and
 * remote-writes to the central Prometheus (or a Mimir/Cortex/Thanos receiver). Its name becomes
 * the `site` external label that keeps sites apart centrally.
 */
export const siteSchema = z.strictObject({
  name: nameSchema,
  /** Services scraped at this site (each must exist; a service belongs to one site at most). */
  services: z.array(nameSchema, typeError('expected a list of service names')).min(1, { error: 'expected at least one service' }),
  remoteWrite: remoteWriteSchema,
  /** Extra external labels of this site's agent (e.g. region); `site` is always set. */
  externalLabels: labelMapSchema.optional(),
});

const k8sNameMessage = 'expected a Kubernetes name: lower-case letters, digits and "-", at most 63 characters';
const k8sNameSchema = z
  .string(typeError(k8sNameMessage))
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, { error: k8sNameMessage });
const k8sLabelKeyMessage = 'expected a Kubernetes label key like "release" or "app.kubernetes.io/name"';
const k8sLabelKeySchema = z
  .string(typeError(k8sLabelKeyMessage))
  .regex(/^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/, { error: k8sLabelKeyMessage });
const k8sLabelValueMessage = 'expected a Kubernetes label value: at most 63 letters, digits, "-", "_" or "."';
const k8sLabelValueSchema = z
  .string(typeError(k8sLabelValueMessage))
  .regex(/^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$/, { error: k8sLabelValueMessage });

/** Kubernetes outputs (prometheus-operator CRDs, dashboard ConfigMaps, Argo AnalysisTemplates). */
export const kubernetesSettingsSchema = z.strictObject({
  namespace: k8sNameSchema,
  /** Labels on every resource, e.g. what the operator's ruleSelector matches (`release: ...`). */
  labels: z.record(k8sLabelKeySchema, k8sLabelValueSchema, typeError('expected a map of label key to value')).optional(),
  /** Named port of the services' Kubernetes Services that serves metrics. Default "metrics". */
  metricsPort: k8sNameSchema.optional(),
  /** Label whose value (the service name) selects a service's Kubernetes Service. Default "app.kubernetes.io/name". */
  serviceSelectorLabel: k8sLabelKeySchema.optional(),
  /** Secret holding every receiver credential, keyed by the credential file's name. Default "vigil-alertmanager". */
  secretName: k8sNameSchema.optional(),
  /** Label the Grafana sidecar watches for dashboards. Default grafana_dashboard: "1". */
  dashboardLabel: z.strictObject({ name: k8sLabelKeySchema, value: k8sLabelValueSchema }).optional(),
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
  /** Replaces the spec's sites (e.g. a remote-write URL known only at run time). */
  sites: z.array(siteSchema, typeError('expected a list of sites')).optional(),
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
  /** Service level objectives with multi-window, multi-burn-rate alerts (src/slo/). */
  slos: z.array(sloSchema, typeError('expected a list of SLOs')).optional(),
  prometheus: prometheusSettingsSchema.optional(),
  alertmanager: alertmanagerSettingsSchema.optional(),
  grafana: grafanaSettingsSchema.optional(),
  stack: stackSettingsSchema.optional(),
  /** Agent-mode sites that remote-write to this (central) Prometheus. */
  sites: z.array(siteSchema, typeError('expected a list of sites')).optional(),
  /** Render Kubernetes resources too (under kubernetes/). */
  kubernetes: kubernetesSettingsSchema.optional(),
  /**
   * Labels every selector of the generated rules and dashboards matches, and every generated
   * rule and scrape target carries (environment, cluster): one spec per environment can share a
   * Prometheus or ruler tenant. Not applied to extraRules. Names Vigil uses itself (job, instance...) are refused.
   */
  selectorLabels: labelMapSchema.optional(),
  /** Ruler limits the rule groups must fit (defaults: Mimir's 20 rules per group, 70 groups per tenant). */
  rulerLimits: rulerLimitsSchema.optional(),
  /** Render rule namespaces for a Mimir, Cortex or Thanos ruler too (under ruler/), within rulerLimits. */
  ruler: rulerOutputSchema.optional(),
  selfMonitoring: selfMonitoringSchema.optional(),
  hosts: hostsSchema.optional(),
  watchdog: watchdogSchema.optional(),
  /** Named overrides selected with `--profile NAME` / `buildModel(..., { profile })`. */
  profiles: z.record(nameSchema, overridesSchema, typeError('expected a map of profile name to overrides')).optional(),
  /** The team's own alerting and recording rules, through the same pipeline as Vigil's. */
  extraRules: extraRulesSchema.optional(),
});

/** The spec as written (all defaults optional). */
export type MonitoringSpec = z.input<typeof monitoringSpecSchema>;
export type ServiceSpec = z.input<typeof serviceSchema>;
export type PipelineSpec = z.input<typeof pipelineSchema>;
export type DependencySpec = z.input<typeof dependencySchema>;
export type ReceiverSpec = z.input<typeof receiverSchema>;
export type TeamSpec = z.input<typeof teamSchema>;
export type SpecOverrides = z.input<typeof overridesSchema>;
export type SiteSpec = z.input<typeof siteSchema>;
export type SloSpec = z.input<typeof sloSchema>;
