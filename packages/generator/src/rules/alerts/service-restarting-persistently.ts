import { restartAlert, restartDefaults } from '../restarts.js';

/**
 * The page: 6 restarts within 3h of one process slot, i.e. restarts at two an hour or more that
 * no one has stopped. A loop of one restart every 20 minutes pages 1h40m in (the ticket came an
 * hour earlier); a team deploying every half hour all day would reach it and should raise
 * `persistentRestarts`.
 */
export const serviceRestartingPersistentlyAlert = restartAlert({
  name: 'ServiceRestartingPersistently',
  priority: 'P1',
  window: restartDefaults.persistentWindow,
  parameter: 'persistent_restarts',
  specField: 'persistentRestarts',
  title: 'An instance or a cluster worker has kept restarting for hours',
  stakes: 'The crash loop that ServiceRestarting ticketed is still going: it usually ends in an outage, or in data lost at every restart.',
});
