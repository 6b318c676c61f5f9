import type { Model } from '../../model/types.js';
import { settingsParameters } from '../parameters.js';
import { restartDefaults, restartRules, restartSettings, restartTests, restartThreshold, type RestartAlertShape } from '../restarts.js';
import type { AlertDefinition } from '../types.js';

/**
 * The ticket: 3 new processes within 1h on one instance. A crash loop of one restart every
 * 20 minutes (a slow leak, a poison message retried at start-up) is seen 40 minutes in; one or
 * two deploys an hour, each restarting every instance once, stay under it.
 */
const shape: RestartAlertShape = {
  name: 'ServiceRestarting',
  priority: 'P2',
  window: restartDefaults.window,
  parameter: 'restarts',
  defaultRestarts: restartDefaults.restarts,
  restartsOf: (service) => service.alerts.serviceRestarting.restarts,
};

export const serviceRestartingAlert: AlertDefinition = {
  name: shape.name,
  priority: shape.priority,
  severity: 'warning',
  title: 'An instance keeps restarting',
  runbook: {
    meaning:
      'An instance of the service started at least `restarts` (default 3) new processes within the last hour, counted from changes of its process_start_time_seconds. Each restart drops in-flight requests and items, and a process that dies before its first scrape is not counted (that shows as ServiceDown). Deploys restart each instance once, so they stay under the threshold; the alert stays on until the restarts leave the one-hour window.',
    causes: [
      'The process crashes: an uncaught exception or unhandled rejection that exits, a failed start-up check, a poison message retried at start-up.',
      'The process is OOM-killed when it reaches its memory limit (look at MemoryHigh and the container\'s last exit code, 137).',
      'A liveness probe or supervisor kills it (probe timeout under load, event loop blocked), or a deploy job redeploys in a loop.',
    ],
    firstChecks: [
      'Read the exit reason of the last processes: container status and exit code, the last log lines before each restart.',
      'Graph process_start_time_seconds and process_resident_memory_bytes of the instance: memory climbing to the limit before each restart means OOM.',
      'Check for a deploy or a configuration change just before the first restart, and roll it back if the restarts began with it.',
    ],
  },
  rules: (model: Model) => restartRules(model, shape),
  tests: (model: Model) => restartTests(model, shape),
  parameters: (model: Model) => [restartThreshold(model, shape), ...settingsParameters(shape.name, 'service', restartSettings(model))],
};
