export { startPrometheus } from './prometheus.js';
export type { PrometheusConfig, PrometheusInstance, PromAlert, PromRuleGroup, PromSample, PromTarget, RuleGroupsOptions, StartPrometheusOptions } from './prometheus.js';
export { startAlertmanager } from './alertmanager.js';
export type {
  AlertmanagerConfig,
  AlertmanagerInstance,
  AmAlert,
  AmClusterStatus,
  AmPostableAlert,
  AmPostableSilence,
  AmSilence,
  StartAlertmanagerOptions,
} from './alertmanager.js';
export { startAlertmanagerCluster } from './alertmanager-cluster.js';
export type { AlertmanagerCluster, StartAlertmanagerClusterOptions } from './alertmanager-cluster.js';
export { isFiring, startWebhookReceiver } from './webhook.js';
export type { Notification, WebhookPayload, WebhookReceiver } from './webhook.js';
export { defaultProbes, noLauncherMessage, selectLauncher } from './launcher.js';
export type { LauncherChoice, LauncherKind, LauncherProbes } from './launcher.js';
export type { LaunchOptions } from './component.js';
export { freePort } from './ports.js';
export { waitUntil, waitForReady } from './wait.js';
export type { WaitOptions } from './wait.js';
export { watchHeartbeats } from './heartbeat.js';
export type { HeartbeatChecker } from './heartbeat.js';
export { nodeExporterDefaultMountPointsExclude, startNodeExporter, startPostgresExporter, startRedisExporter } from './exporters.js';
export type { ExporterInstance, StartNodeExporterOptions, StartPostgresExporterOptions, StartRedisExporterOptions } from './exporters.js';
export type { Exporter } from './executables.js';
