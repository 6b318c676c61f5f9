import { defineMetaAlert, gaugeCase, metaFor, prometheusScopes } from '../meta-alert.js';
import { SeriesBuilder, seriesName } from '../series.js';

/** Share of the scrape timeout a scrape may take before it counts as timing out. */
const timeoutShare = 0.9;
const step = 60;
const defaultFor = '5m';
const target = { job: 'api', instance: 'api:9464' };

export const prometheusTargetScrapeTimeoutAlert = defineMetaAlert({
  name: 'PrometheusTargetScrapeTimeout',
  priority: 'P2',
  title: 'A target answers /metrics slower than its scrape timeout',
  templates: {
    summary: ['Scrapes of ', { label: 'job' }, ' target ', { label: 'instance' }, ' time out'],
    description: ['Scraping ', { label: 'instance' }, ' (job ', { label: 'job' }, ') takes ', { value: 'humanizeDuration' }, `, at least ${timeoutShare * 100}% of its scrape timeout: its samples are missing or late.`],
  },
  scopes: prometheusScopes,
  // scrape_timeout_seconds exists with --enable-feature=extra-scrape-metrics (see prometheusFeatureFlags).
  expr: () => `scrape_duration_seconds >= ${timeoutShare} * scrape_timeout_seconds`,
  forDuration: (_scope, model) => metaFor(model, defaultFor),
  firing: (_scope, model) =>
    gaugeCase({
      series: seriesName('scrape_duration_seconds', target),
      healthy: 0.2,
      faulty: 10,
      step,
      windowSteps: 0,
      forDuration: metaFor(model, defaultFor),
      outputLabels: target,
      value: 10,
      extraSeries: [{ name: seriesName('scrape_timeout_seconds', target), values: new SeriesBuilder().constant(10, 60).encode() }],
    }),
  healthy: () => ({
    series: [
      { name: seriesName('scrape_duration_seconds', target), values: new SeriesBuilder().constant(0.2, 10).constant(9.5, 1).constant(0.3, 10).gap(3).padTo(40).encode() },
      { name: seriesName('scrape_timeout_seconds', target), values: new SeriesBuilder().constant(10, 40).encode() },
    ],
    length: 40,
    step,
  }),
  runbook: {
    meaning: 'A target takes (nearly) its whole scrape timeout to answer /metrics. Scrapes that time out leave gaps and make the target look down.',
    causes: ['The service blocks its event loop or its /metrics handler does slow work (collect callbacks doing I/O).', 'Too many series on the target.', 'Network latency or an overloaded host.'],
    firstChecks: ['Time `curl -s -o /dev/null -w %{time_total} http://<instance>/metrics`.', 'Check scrape_samples_scraped of the target for growth.', 'Check EventLoopLagHigh and CPU of the service.'],
  },
});
