import { restartAlert, restartDefaults } from '../restarts.js';

/**
 * The ticket: 3 restarts within 1h of one process slot (an instance, or a cluster worker slot).
 * A crash loop of one restart every 20 minutes (a slow leak, a poison message retried at
 * start-up) is seen 40 minutes in; one or two deploys an hour, each restarting every process
 * once, stay under it.
 */
export const serviceRestartingAlert = restartAlert({
  name: 'ServiceRestarting',
  priority: 'P2',
  window: restartDefaults.window,
  parameter: 'restarts',
  specField: 'restarts',
  title: 'An instance or a cluster worker keeps restarting',
  stakes: 'Each restart drops in-flight requests and items; the alert stays on until the restarts leave the window.',
});
