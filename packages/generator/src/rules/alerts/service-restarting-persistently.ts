import type { Model } from '../../model/types.js';
import { settingsParameters } from '../parameters.js';
import { restartDefaults, restartRules, restartSettings, restartTests, restartThreshold, type RestartAlertShape } from '../restarts.js';
import type { AlertDefinition } from '../types.js';

/**
 * The page: 6 new processes within 3h on one instance, i.e. restarts at two an hour or more
 * that no one has stopped. A loop of one restart every 20 minutes pages 1h40m in (the ticket
 * came an hour earlier); a team deploying every half hour all day would reach it and should
 * raise `persistentRestarts`.
 */
const shape: RestartAlertShape = {
  name: 'ServiceRestartingPersistently',
  priority: 'P1',
  window: restartDefaults.persistentWindow,
  parameter: 'persistent_restarts',
  defaultRestarts: restartDefaults.persistentRestarts,
  restartsOf: (service) => service.alerts.serviceRestarting.persistentRestarts,
};

export const serviceRestartingPersistentlyAlert: AlertDefinition = {
  name: shape.name,
  priority: shape.priority,
  severity: 'critical',
  title: 'An instance has kept restarting for hours',
  runbook: {
    meaning:
      'An instance of the service started at least `persistentRestarts` (default 6) new processes within the last 3 hours, counted from changes of its process_start_time_seconds: the crash loop that ServiceRestarting ticketed is still going. Each restart drops in-flight work, and a loop usually ends in an outage or in data lost at every restart.',
    causes: [
      'A crash at start-up or under load that no one has fixed or rolled back (exception, failed dependency at boot, poison message).',
      'Memory growth to the container limit, killed and restarted over and over (MemoryHigh fires before each kill).',
      'A liveness probe that fails under normal load, or an orchestrator and a deploy job fighting over the instance.',
    ],
    firstChecks: [
      'Read the exit reason of the last processes: container status and exit code (137 is an OOM kill), the log lines just before each restart.',
      'Roll back the last deploy or configuration change if the restarts began after it.',
      'Graph process_start_time_seconds, process_resident_memory_bytes and the error rate of the instance to see what precedes each restart.',
    ],
  },
  rules: (model: Model) => restartRules(model, shape),
  tests: (model: Model) => restartTests(model, shape),
  parameters: (model: Model) => [restartThreshold(model, shape), ...settingsParameters(shape.name, 'service', restartSettings(model))],
};
