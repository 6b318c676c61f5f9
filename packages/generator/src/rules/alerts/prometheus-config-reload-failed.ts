import { defineReloadFailedAlert, prometheusScopes } from '../meta-alert.js';

export const prometheusConfigReloadFailedAlert = defineReloadFailedAlert({
  name: 'PrometheusConfigReloadFailed',
  title: 'Prometheus runs an old configuration after a failed reload',
  component: 'Prometheus',
  metric: 'prometheus_config_last_reload_successful',
  instance: 'localhost:9090',
  scopes: prometheusScopes,
  runbook: {
    meaning: 'The last configuration reload of Prometheus failed. It keeps running the previous configuration and rules, so the changes you deployed (new targets, new alerts) are not active; a restart would fail to start.',
    causes: ['A generated file edited by hand, or a rule file missing from the mounted alerts/ directory.', 'A configuration field the running Prometheus version does not know.', 'A rule file with a syntax error.'],
    firstChecks: ['Read the Prometheus log for "Error reloading config".', 'Run `pnpm generate --check` and `promtool check config` on the deployed files.', 'Compare the Prometheus version with stack.images.prometheus.'],
  },
});
