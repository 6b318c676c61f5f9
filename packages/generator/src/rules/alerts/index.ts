import type { AlertDefinition } from '../types.js';
import { circuitBreakerOpenAlert, circuitBreakerOpenLongAlert } from './circuit-breaker-open.js';
import { cpuHighAlert } from './cpu-high.js';
import { dependencyDownAlert } from './dependency-down.js';
import { eventLoopLagHighAlert } from './event-loop-lag-high.js';
import { highErrorRateAlert } from './high-error-rate.js';
import { highLatencyP95Alert } from './high-latency-p95.js';
import { memoryHighAlert } from './memory-high.js';
import { pipelineFieldCoverageDropAlert } from './pipeline-field-coverage-drop.js';
import { pipelineItemRateLowAlert } from './pipeline-item-rate-low.js';
import { pipelineNoItemsCreatedAlert } from './pipeline-no-items-created.js';
import { pipelineValidationErrorsHighAlert } from './pipeline-validation-errors-high.js';
import { serviceDownAlert } from './service-down.js';
import { serviceRestartingAlert } from './service-restarting.js';
import { serviceRestartingPersistentlyAlert } from './service-restarting-persistently.js';
import { unhandledErrorsBurstAlert } from './unhandled-errors-burst.js';
import { metaAlertDefinitions } from './meta.js';

/** Every alert Vigil renders, P1 first. Alert names are a contract (see alerts/README.md). */
export const alertDefinitions: readonly AlertDefinition[] = [
  serviceDownAlert,
  serviceRestartingPersistentlyAlert,
  pipelineNoItemsCreatedAlert,
  pipelineValidationErrorsHighAlert,
  highErrorRateAlert,
  unhandledErrorsBurstAlert,
  dependencyDownAlert,
  pipelineItemRateLowAlert,
  serviceRestartingAlert,
  pipelineFieldCoverageDropAlert,
  highLatencyP95Alert,
  memoryHighAlert,
  cpuHighAlert,
  eventLoopLagHighAlert,
  circuitBreakerOpenLongAlert,
  circuitBreakerOpenAlert,
  ...metaAlertDefinitions,
];

export const alertNames = alertDefinitions.map((definition) => definition.name);
