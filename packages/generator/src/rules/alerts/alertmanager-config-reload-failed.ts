import { alertmanagerScopes, defineReloadFailedAlert } from '../meta-alert.js';

export const alertmanagerConfigReloadFailedAlert = defineReloadFailedAlert({
  name: 'AlertmanagerConfigReloadFailed',
  title: 'Alertmanager runs an old configuration after a failed reload',
  component: 'Alertmanager',
  metric: 'alertmanager_config_last_reload_successful',
  instance: 'alertmanager:9093',
  scopes: alertmanagerScopes,
  runbook: {
    meaning: 'The last configuration reload of Alertmanager failed. It keeps routing with the previous configuration: new teams, receivers or routes are not active, and a restart would fail.',
    causes: ['A receiver secret file (routing key, webhook URL) missing at the path the config names.', 'A field the running Alertmanager version does not know (url_file before 0.26).', 'The config edited by hand.'],
    firstChecks: ['Read the Alertmanager log for "Loading configuration file failed".', 'Run `amtool check-config` on the deployed alertmanager.yml.', 'Check that every *_file the config names exists and is readable by the container user.'],
  },
});
