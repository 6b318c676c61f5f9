import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchExampleService, type LaunchedExampleService } from '@vigil/example-service';
import { startPrometheus, waitUntil, type PrometheusInstance } from '@vigil/testkit';
import { catalog } from '@vigil/metrics/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards, dashboardUids } from '../src/dashboards/index.js';
import { dashboardPanels, panelExpressions } from '../src/lint/walk.js';
import type { Model } from '../src/model/types.js';
import { rulesGenerator } from '../src/rules/generator.js';
import { recordingRuleNames } from '../src/rules/recording.js';
import { renderFile } from '../src/writer.js';
import { loadModel } from '../src/generate.js';
import { createCgroupRoot, type CgroupRoot } from '../../testkit/test/e2e/cgroup.js';
import { asGrafanaWouldSend, rateIntervalFor } from '../src/testing.js';

/**
 * The dashboards against a real Prometheus scraping the real example service: every panel
 * query must return data, as Grafana would send it with every variable on "All". The service
 * reads its container limits from a temp cgroup root, so the limit panels are checked too.
 */

const scrapeSeconds = 1;
const rateInterval = rateIntervalFor(scrapeSeconds);

const exporterDashboardUids = new Set<string>([dashboardUids.hosts, dashboardUids.dependencies]);

let model: Model;
let service: LaunchedExampleService | undefined;
let prometheus: PrometheusInstance | undefined;
let rulesDir: string | undefined;
let cgroupRoot: CgroupRoot | undefined;
let trafficStopped = false;
let traffic: Promise<void> | undefined;

async function sendTraffic(url: string): Promise<void> {
  // Bounded: at most 3 minutes of requests, stopped by afterAll long before.
  for (let i = 0; i < 3600 && !trafficStopped; i++) {
    await fetch(`${url}/api/items/${i % 7}`).then((response) => response.arrayBuffer()).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function hasData(expr: string): Promise<boolean> {
  const samples = await prometheus!.query(expr);
  return samples.some((sample) => Number.isFinite(Number(sample.value[1])));
}

beforeAll(async () => {
  // The e2e profile: rules rendered for the Prometheus below, which scrapes and evaluates every
  // second (the slow recording group's interval follows the evaluation interval).
  model = await loadModel('monitoring/vigil.config.ts', { profile: 'e2e' });
  cgroupRoot = createCgroupRoot();
  service = launchExampleService(
    { VIGIL_SERVICE: 'api', PIPELINES: 'orders,events', ITEM_INTERVAL_MS: '50', VIGIL_CGROUP_ROOT: cgroupRoot.path },
    { startTimeoutMs: 20_000 },
  );
  const url = await service.listening;
  traffic = sendTraffic(url);
  rulesDir = mkdtempSync(join(tmpdir(), 'vigil-dashboard-rules-'));
  const ruleFiles = rulesGenerator(model)
    .filter((file) => !file.path.startsWith('alerts/tests/'))
    .map((file) => {
      const path = join(rulesDir!, file.path.replaceAll('/', '_'));
      writeFileSync(path, renderFile(file, model.source));
      return path;
    });
  prometheus = await startPrometheus({
    config: {
      global: { scrape_interval: `${scrapeSeconds}s`, evaluation_interval: `${scrapeSeconds}s` },
      // The spec's pipelines belong to `ingest`; the one example service plays both jobs, so
      // joins on (job, pipeline) with the pipelines' info and threshold series are exercised.
      scrape_configs: ['api', 'ingest'].map((job) => ({ job_name: job, static_configs: [{ targets: [new URL(url).host] }] })),
    },
    rulesFiles: ruleFiles,
  });
  // Ready once rates, quantiles and a garbage collection have been recorded.
  await waitUntil(
    async () =>
      (await hasData(recordingRuleNames.jobRequestDurationP95)) &&
      (await hasData(recordingRuleNames.pipelineItemsCreatedRate5m)) &&
      // The slow group (hour-long windows) first runs within its own, longer interval.
      (await hasData(recordingRuleNames.pipelineItemsCreatedRate1h)) &&
      (await hasData(recordingRuleNames.jobOperationDurationP95)) &&
      (await hasData(`rate(nodejs_gc_duration_seconds_count[${rateInterval}])`)) &&
      (await hasData(recordingRuleNames.instanceMemoryLimitRatio)) &&
      // The budget group reads what the SLI and window groups record, so it fills a cycle or two later.
      (await hasData('vigil:slo_error_budget_remaining:ratio')) &&
      // The SLO windows of 6h to 3d are a slow group of their own: its first run comes at its own
      // offset within the slow interval, whatever the budget group has done.
      (await hasData('vigil:slo_burn_rate:rate6h')) &&
      (await hasData('vigil:slo_burn_rate:rate3d'))
        ? true
        : undefined,
    { timeoutMs: 60_000, intervalMs: 500, description: 'recorded series from the example service' },
  );
}, 120_000);

afterAll(async () => {
  trafficStopped = true;
  await traffic;
  await prometheus?.stop();
  await service?.stop();
  if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
  cgroupRoot?.remove();
});

describe('dashboards against a real Prometheus scraping the example service', () => {
  it('exports the container limits of the cgroup root it was given', async () => {
    const values = async (metric: string) => (await prometheus!.query(`${metric}{job="api"}`)).map((sample) => Number(sample.value[1]));
    expect(await values(catalog.containerMemoryLimit.name)).toEqual([cgroupRoot!.memoryLimitBytes]);
    expect(await values(catalog.containerCpuLimit.name)).toEqual([cgroupRoot!.cpuLimitCores]);
  });

  it('records the SLIs of every SLO of the scraped service (availability and latency from the histogram buckets)', async () => {
    const scraped = model.slos.filter((slo) => slo.job === 'api');
    expect(scraped.map((slo) => slo.sli).sort()).toEqual(['availability', 'latency']);
    for (const slo of scraped) {
      await waitUntil(async () => ((await hasData(`vigil:slo_error_ratio:rate5m{slo="${slo.name}"}`)) ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 500,
        description: `SLI series of ${slo.name}`,
      });
      await waitUntil(async () => ((await hasData(`vigil:slo_error_budget_remaining:ratio{slo="${slo.name}"}`)) ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 500,
        description: `error budget remaining of ${slo.name}`,
      });
    }
  });

  it('every panel query returns data, with no exemptions (memory and CPU limit panels included)', async () => {
    const empty: string[] = [];
    const queried: string[] = [];
    // The hosts and dependencies dashboards read exporters, not the service: packages/testkit/test/e2e-exporters.test.ts
    // proves every one of their panels against the real node, postgres and redis exporters.
    for (const { dashboard } of buildDashboards(model).filter(({ dashboard }) => !exporterDashboardUids.has(dashboard.uid ?? ''))) {
      for (const panel of dashboardPanels(dashboard)) {
        for (const expr of panelExpressions(panel)) {
          queried.push(expr);
          if (!(await hasData(asGrafanaWouldSend(expr, { scrapeSeconds })))) empty.push(`${dashboard.title} › ${panel.title}: ${expr}`);
        }
      }
    }
    expect(queried.length).toBeGreaterThan(25);
    const readsLimit = (expr: string, names: readonly string[]) => names.some((name) => expr.includes(name));
    expect(queried.filter((expr) => readsLimit(expr, [catalog.containerMemoryLimit.name, recordingRuleNames.instanceMemoryLimitRatio])).length).toBeGreaterThanOrEqual(2);
    expect(queried.filter((expr) => readsLimit(expr, [catalog.containerCpuLimit.name, recordingRuleNames.instanceCpuLimitRatio])).length).toBeGreaterThanOrEqual(1);
    expect(empty).toEqual([]);
  });
});
