/**
 * Alerts on the monitoring stack itself, the hosts and the exporter dependencies (issue 13),
 * P1 first. Names are those Prometheus operators know from kube-prometheus and the mixins.
 */
import type { AlertDefinition } from '../types.js';
import { alertmanagerConfigReloadFailedAlert } from './alertmanager-config-reload-failed.js';
import { alertmanagerFailedToSendAlertsAlert } from './alertmanager-failed-to-send-alerts.js';
import { nodeClockSkewDetectedAlert } from './node-clock-skew-detected.js';
import { nodeCPUHighUsageAlert } from './node-cpu-high-usage.js';
import { nodeFilesystemAlmostOutOfSpaceAlert } from './node-filesystem-almost-out-of-space.js';
import { nodeFilesystemReadOnlyAlert } from './node-filesystem-read-only.js';
import { nodeFilesystemSpaceFillingUpAlert } from './node-filesystem-space-filling-up.js';
import { nodeMemoryHighUtilizationAlert } from './node-memory-high-utilization.js';
import { postgresqlDownAlert } from './postgresql-down.js';
import { postgresqlDeadlocksAlert } from './postgresql-deadlocks.js';
import { postgresqlReplicationLagAlert } from './postgresql-replication-lag.js';
import { postgresqlTooManyConnectionsAlert } from './postgresql-too-many-connections.js';
import { prometheusConfigReloadFailedAlert } from './prometheus-config-reload-failed.js';
import { prometheusDuplicateTimestampsAlert } from './prometheus-duplicate-timestamps.js';
import { prometheusErrorSendingAlertsToAnyAlertmanagerAlert } from './prometheus-error-sending-alerts-to-any-alertmanager.js';
import { prometheusErrorSendingAlertsToSomeAlertmanagersAlert } from './prometheus-error-sending-alerts-to-some-alertmanagers.js';
import { prometheusMissingRuleEvaluationsAlert } from './prometheus-missing-rule-evaluations.js';
import { prometheusNotConnectedToAlertmanagersAlert } from './prometheus-not-connected-to-alertmanagers.js';
import { prometheusNotificationQueueRunningFullAlert } from './prometheus-notification-queue-running-full.js';
import { prometheusOutOfOrderTimestampsAlert } from './prometheus-out-of-order-timestamps.js';
import { prometheusRuleFailuresAlert } from './prometheus-rule-failures.js';
import { prometheusScrapeSampleLimitHitAlert } from './prometheus-scrape-sample-limit-hit.js';
import { prometheusTargetScrapeTimeoutAlert } from './prometheus-target-scrape-timeout.js';
import { prometheusTargetSyncFailureAlert } from './prometheus-target-sync-failure.js';
import { prometheusTSDBCompactionsFailingAlert } from './prometheus-tsdb-compactions-failing.js';
import { prometheusTSDBWALCorruptionsAlert } from './prometheus-tsdb-wal-corruptions.js';
import { redisDownAlert } from './redis-down.js';
import { redisOutOfMemoryAlert } from './redis-out-of-memory.js';
import { redisRejectedConnectionsAlert } from './redis-rejected-connections.js';
import { watchdogAlert } from './watchdog.js';

export const metaAlertDefinitions: readonly AlertDefinition[] = [
  prometheusRuleFailuresAlert,
  prometheusErrorSendingAlertsToAnyAlertmanagerAlert,
  prometheusNotConnectedToAlertmanagersAlert,
  alertmanagerFailedToSendAlertsAlert,
  postgresqlDownAlert,
  redisDownAlert,
  nodeFilesystemSpaceFillingUpAlert,
  nodeFilesystemReadOnlyAlert,
  prometheusMissingRuleEvaluationsAlert,
  prometheusErrorSendingAlertsToSomeAlertmanagersAlert,
  prometheusNotificationQueueRunningFullAlert,
  prometheusConfigReloadFailedAlert,
  alertmanagerConfigReloadFailedAlert,
  prometheusTSDBCompactionsFailingAlert,
  prometheusTSDBWALCorruptionsAlert,
  prometheusTargetSyncFailureAlert,
  prometheusDuplicateTimestampsAlert,
  prometheusOutOfOrderTimestampsAlert,
  prometheusScrapeSampleLimitHitAlert,
  prometheusTargetScrapeTimeoutAlert,
  nodeFilesystemAlmostOutOfSpaceAlert,
  nodeMemoryHighUtilizationAlert,
  nodeCPUHighUsageAlert,
  nodeClockSkewDetectedAlert,
  postgresqlTooManyConnectionsAlert,
  postgresqlDeadlocksAlert,
  postgresqlReplicationLagAlert,
  redisOutOfMemoryAlert,
  redisRejectedConnectionsAlert,
  watchdogAlert,
];
