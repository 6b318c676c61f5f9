import type { Duration, Model } from '../../model/types.js';
import { serviceDefaults } from '../../model/defaults.js';
import { durationSeconds, formatDuration } from '../../spec/duration.js';
import { exporterFor, kindAlertRules, promtoolTest, serviceLabels, serviceSettings, testClock, testInterval, type AlertTemplates } from '../common.js';
import { settingsParameters, type TargetSettings } from '../parameters.js';
import { SeriesBuilder, seriesName } from '../series.js';
import type { AlertDefinition, AlertingRule, PromtoolTest } from '../types.js';

const name = 'ServiceDown';

const templates = (): AlertTemplates => ({
  summary: ['Scrape target ', { label: 'instance' }, ' of ', { label: 'service' }, ' is down'],
  description: [
    'Prometheus cannot scrape ',
    { label: 'instance' },
    ' (job ',
    { label: 'job' },
    '): up is ',
    { value: 'g4' },
    '. The process is down, unreachable, or not serving /metrics.',
  ],
});

const { toleratedFailedScrapes } = serviceDefaults.alerts.serviceDown;

/** Evenly spaced no-fire checks in the healthy test, besides the end of each phase. */
const maxSpacedChecks = 200;

/**
 * How long a target must stay down before it pages: the spec's `for`, and never less than
 * `toleratedFailedScrapes` scrape intervals. `up == 0` holds from one failed scrape until the
 * next good one, so a `for` of N intervals fires at the (N+1)th failed scrape in a row at the
 * earliest: with a slow scrape interval (1m, 5m) a short `for` would otherwise page on one or
 * two failed scrapes. The trade: a real outage pages this long after its first failed scrape.
 */
export function downWindow(forDuration: Duration, scrapeInterval: Duration): Duration {
  const floorSeconds = toleratedFailedScrapes * durationSeconds(scrapeInterval);
  return durationSeconds(forDuration) >= floorSeconds ? forDuration : formatDuration(floorSeconds * 1000);
}

/** Scrape jobs this alert covers: every service and every exporter dependency (with the shortest service `for`). */
function settings(model: Model): TargetSettings[] {
  const exporterForDuration = downWindow(
    exporterFor(model, (service) => service.alerts.serviceDown.for, serviceDefaults.alerts.serviceDown.for),
    model.prometheus.scrapeInterval,
  );
  const exporters = model.dependencies.flatMap((dependency): TargetSettings[] =>
    dependency.kind === 'healthCheck' ? [] : [{ target: { job: dependency.job }, for: exporterForDuration, disabled: false }],
  );
  return [...serviceSettings(model, 'serviceDown', (service) => downWindow(service.alerts.serviceDown.for, service.scrapeInterval)), ...exporters];
}

export function serviceDownRules(model: Model): AlertingRule[] {
  return kindAlertRules(model, { name, kind: 'service', priority: 'P1', condition: 'up == 0', settings: settings(model), templates: templates() });
}

export function serviceDownTests(model: Model): PromtoolTest[] {
  const service = model.services[0];
  if (service === undefined) return [];
  const window = downWindow(service.alerts.serviceDown.for, service.scrapeInterval);
  const clock = testClock(testInterval(model, service), window);
  const instance = service.targets[0]!;
  const up = seriesName('up', { job: service.job, instance });
  const labels = { ...serviceLabels(service, 'P1'), instance, job: service.job };
  const downAt = 10;
  const length = downAt + clock.forSteps + 10;
  const firing = promtoolTest(
    model,
    `${name}: the target stops answering at step ${downAt}; fires once down for ${window}`,
    clock,
    name,
    templates(),
    [{ name: up, values: new SeriesBuilder().constant(1, downAt).constant(0, length - downAt).encode() }],
    [
      { at: (downAt - 1) * clock.step, alerts: [] },
      { at: (downAt + clock.forSteps - 1) * clock.step, alerts: [] },
      { at: (downAt + clock.forSteps) * clock.step, alerts: [{ labels, value: 0 }] },
    ],
  );
  // Healthy: a restart caught by one failed scrape, a network blip as long as the window
  // tolerates (one failed scrape short of firing) and a gap in scraping never fire.
  const restartAt = 10;
  const blipAt = restartAt + 10;
  const blipScrapes = clock.forSteps;
  const gapAt = blipAt + blipScrapes + 10;
  const gapScrapes = clock.forSteps + 5;
  const healthySeries = new SeriesBuilder()
    .constant(1, restartAt)
    .constant(0, 1)
    .constant(1, blipAt - restartAt - 1)
    .constant(0, blipScrapes)
    .constant(1, gapAt - blipAt - blipScrapes)
    .gap(gapScrapes)
    .constant(1, 10);
  // promtool evaluates the rules at every step whatever is checked; checks only read the alert
  // state. The alert can fire only while up == 0 holds, and once firing it stays so until that
  // stops, so the last step of the restart, of the blip and of the gap shows whether it fired
  // anywhere in them. Around those, every second step is checked, or evenly spaced steps, at
  // most maxSpacedChecks (a window at the bounds is 172,800 scrapes: one check each step made
  // a 14 MB test file).
  const stride = 2 * Math.ceil(healthySeries.length / 2 / maxSpacedChecks);
  const phaseEnds = [restartAt, blipAt + blipScrapes - 1, gapAt + gapScrapes - 1];
  const checkSteps = [...new Set([...Array.from({ length: Math.ceil(healthySeries.length / stride) }, (_, i) => i * stride), ...phaseEnds])].sort((a, b) => a - b);
  const healthy = promtoolTest(
    model,
    `${name}: a restart (one failed scrape), a blip of ${blipScrapes} failed scrapes and a scrape gap do not fire`,
    clock,
    name,
    templates(),
    [{ name: up, values: healthySeries.encode() }],
    checkSteps.map((step) => ({ at: step * clock.step, alerts: [] })),
  );
  return [firing, healthy];
}

export const serviceDownAlert: AlertDefinition = {
  name,
  priority: 'P1',
  severity: 'critical',
  title: 'A scrape target is down',
  runbook: {
    meaning:
      'Prometheus has failed every scrape of a target of the service (or of an exporter) for the whole `for` duration (default 3m, and at least two scrape intervals). While a target is down none of its other alerts can see data, which is why this one pages. Shorter holes (a network blip of a minute or two, a process restarted by its supervisor) do not page; a process that keeps restarting raises ServiceRestarting instead.',
    causes: [
      'The process crashed or is restarting in a loop (out of memory, failed start-up, bad deploy).',
      'The container or host is gone, or the network/DNS between Prometheus and the target is broken.',
      'The metrics endpoint moved or now fails (wrong port or path, TLS change, handler throwing).',
    ],
    firstChecks: [
      'Open Prometheus → Status → Targets and read the scrape error for the instance.',
      'Check the process: container status, restarts and the last lines of its logs.',
      'From the Prometheus host, curl the target\'s metrics URL to separate network problems from application problems.',
    ],
  },
  rules: serviceDownRules,
  tests: serviceDownTests,
  parameters: (model) => settingsParameters(name, 'service', settings(model)),
};
