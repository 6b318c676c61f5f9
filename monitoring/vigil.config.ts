/**
 * The monitoring spec of the example stack: `pnpm generate` renders alerts/, dashboards/ and
 * monitoring/{prometheus,alertmanager,grafana} from this file. Targets use compose-network
 * names (`api:9464`); the `e2e` profile retargets and shortens everything for tests.
 */
import { defineMonitoring } from '@vigil/generator';

export default defineMonitoring({
  runbookUrl: 'https://github.com/vigil-dev/vigil/blob/main/alerts/runbooks/{alert}.md',
  defaultTeam: 'platform',

  services: [
    {
      name: 'api',
      kind: 'api',
      team: 'platform',
      targets: ['api:9464'],
      alerts: {
        highLatencyP95: { seconds: 0.75 },
      },
    },
    { name: 'ingest', kind: 'pipeline', team: 'data', targets: ['ingest:9464'] },
    // Only name and target: every alert threshold comes from the defaults.
    { name: 'worker', kind: 'worker', targets: ['worker:9464'] },
  ],

  pipelines: [
    {
      name: 'orders',
      service: 'ingest',
      // Steady: about 15,000 orders a day, i.e. ~0.17 per second.
      expectedItemsPerDay: 15_000,
      zeroItemsWindow: '6h',
      requiredFields: ['id', 'price', 'currency'],
      coverageFloor: 0.95,
      validationErrorCeiling: 0.05,
    },
    {
      // Bursty: no expected rate, so only the zero-items window guards it.
      name: 'events',
      service: 'ingest',
      zeroItemsWindow: '12h',
      validationErrorCeiling: 0.1,
    },
  ],

  dependencies: [
    { name: 'postgres', kind: 'postgres', team: 'platform', targets: ['postgres-exporter:9187'], address: 'postgres:5432' },
    { name: 'redis', kind: 'redis', team: 'platform', targets: ['redis-exporter:9121'], address: 'redis:6379' },
    { name: 'primary-db', kind: 'healthCheck', check: 'postgres', services: ['api', 'ingest'] },
    { name: 'cache', kind: 'healthCheck', check: 'redis', services: ['api'] },
  ],

  // Service level objectives: each renders SLI recording rules and the burn-rate alerts
  // ErrorBudgetBurnFast (page) and ErrorBudgetBurnSlow (ticket). Period defaults to 30d.
  slos: [
    { name: 'api-availability', sli: 'availability', service: 'api', objective: 0.999 },
    // A request is good when answered within 500 ms (a bucket bound of the latency histogram).
    { name: 'api-latency', sli: 'latency', service: 'api', thresholdSeconds: 0.5, objective: 0.99 },
    // Orders are fresh while the newest is at most 15 minutes old (about ten orders arrive a minute).
    { name: 'orders-freshness', sli: 'freshness', pipeline: 'orders', maxAge: '15m', objective: 0.99 },
    // A back-office service with a couple of requests a minute: its windows are short of
    // evidence most of the time, which the burn-rate alerts must ride out without paging.
    { name: 'worker-availability', sli: 'availability', service: 'worker', objective: 0.99 },
  ],

  teams: [
    { name: 'platform', pageReceivers: ['platform-pagerduty'], ticketReceivers: ['platform-slack', 'platform-email'] },
    { name: 'data', pageReceivers: ['data-pagerduty'], ticketReceivers: ['data-slack', 'data-webhook'] },
  ],

  receivers: [
    { name: 'platform-pagerduty', type: 'pagerduty', routingKeyFile: '/etc/alertmanager/secrets/pagerduty-platform' },
    { name: 'data-pagerduty', type: 'pagerduty', routingKeyFile: '/etc/alertmanager/secrets/pagerduty-data' },
    {
      name: 'platform-slack',
      type: 'slack',
      apiUrlFile: '/etc/alertmanager/secrets/slack-platform-webhook-url',
      channel: '#platform-alerts',
    },
    { name: 'data-slack', type: 'slack', apiUrlFile: '/etc/alertmanager/secrets/slack-data-webhook-url', channel: '#data-alerts' },
    {
      name: 'platform-email',
      type: 'email',
      to: 'platform-oncall@example.com',
      from: 'alertmanager@example.com',
      smarthost: 'smtp.example.com:587',
      authUsername: 'alertmanager@example.com',
      authPasswordFile: '/etc/alertmanager/secrets/smtp-password',
    },
    { name: 'data-webhook', type: 'webhook', url: 'http://ticket-bridge:8080/alerts' },
  ],

  // node-exporter on the hosts the services and databases run on (disk, memory, CPU, clock).
  hosts: { targets: ['node-exporter:9100'], team: 'platform' },

  // The dead man's switch: the always-firing Watchdog reaches this heartbeat endpoint every
  // minute; the outside end alarms when it stops (see alerts/runbooks/Watchdog.md).
  watchdog: {
    url: 'http://heartbeat-relay:8080/ping/vigil',
    credentialsFile: '/etc/alertmanager/secrets/heartbeat-token',
    repeatInterval: '1m',
  },

  prometheus: {
    scrapeInterval: '15s',
    evaluationInterval: '15s',
    alertmanagers: ['alertmanager:9093'],
    externalLabels: { environment: 'example', monitor: 'vigil' },
  },

  // Also render prometheus-operator resources, dashboard ConfigMaps and Argo Rollouts gates
  // (kubernetes/), for clusters that run the operator.
  kubernetes: { namespace: 'monitoring', labels: { release: 'kube-prometheus-stack' } },

  profiles: {
    // End-to-end tests: alerts fire within seconds. Tests layer the real (random) scrape
    // targets on top with buildModel(spec, source, { profile: 'e2e', overrides: { services: { ... } } }).
    e2e: {
      prometheus: { scrapeInterval: '1s', evaluationInterval: '1s' },
      alertmanager: {
        page: { groupWait: '1s', groupInterval: '1s', repeatInterval: '1m' },
        ticket: { groupWait: '1s', groupInterval: '1s', repeatInterval: '1m' },
      },
      durations: { for: '5s', window: '20s' },
      watchdog: { url: 'http://127.0.0.1:9/heartbeat', repeatInterval: '4s' },
    },
  },
});
