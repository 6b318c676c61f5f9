/**
 * The backtest suite's short set: the repo's spec rendered through the real model and rules
 * generator, scenarios simulated and run through the real `promtool test rules`, alerts read
 * back and judged. The full set runs with `pnpm backtest` (see packages/generator/README.md).
 */
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { judge, episodesOf } from '../src/backtest/evaluate.js';
import { parsePromtoolOutput } from '../src/backtest/promtool.js';
import type { Scenario } from '../src/backtest/scenario.js';
import { scenarios } from '../src/backtest/scenarios/index.js';
import { World } from '../src/backtest/simulation.js';
import { backtestCommand, loadModel, runBacktest, selectScenarios, type BacktestResult, type Model } from '../src/index.js';

const promtool = '/usr/bin/promtool';
const hour = 3600;

let model: Model;

beforeAll(async () => {
  if (!existsSync(promtool)) throw new Error(`${promtool} not found: the backtest runs the real promtool; install it with: apt-get install -y prometheus`);
  model = await loadModel();
});

describe('scenario library', () => {
  it('has at least 25 scenarios, every class, unique names and seeds', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(25);
    expect(new Set(scenarios.map((scenario) => scenario.kind))).toEqual(new Set(['normal', 'noise', 'incident', 'slo']));
    expect(new Set(scenarios.map((scenario) => scenario.name)).size).toBe(scenarios.length);
    expect(new Set(scenarios.map((scenario) => scenario.seed)).size).toBe(scenarios.length);
    expect(scenarios.filter((scenario) => scenario.hours >= 168).length).toBeGreaterThanOrEqual(2);
  });

  it('renders the same series from the same seed, and other series from another', () => {
    const render = (seed: number) => new World(model, { fromHour: 0, hours: 2, stepSeconds: 60, seed }).render();
    const first = render(7);
    expect([...render(7)]).toEqual([...first]);
    expect([...render(8)]).not.toEqual([...first]);
    expect([...first.keys()]).toContain('items_created_total{job="ingest", instance="ingest:9464", pipeline="orders", item_type="item", source="default"}');
    expect([...first.keys()].some((key) => key.startsWith('http_request_duration_seconds_bucket{job="api"') && key.includes('le="+Inf"'))).toBe(true);
  });

  it('resets counters on a deploy, and the new process reports no last item until its own first, as @vigil/metrics does', () => {
    const world = new World(model, { fromHour: 0, hours: 3, stepSeconds: 60, seed: 1 });
    const orders = world.pipeline('orders');
    const profile = orders.itemRate;
    orders.itemRate = (t) => (t >= hour ? 0 : profile(t) + 1);
    world.service('ingest').restart(2 * hour + 25, 20);
    const series = world.render();
    const created = series.get('items_created_total{job="ingest", instance="ingest:9464", pipeline="orders", item_type="item", source="default"}')!;
    const last = series.get('pipeline_last_item_created_timestamp_seconds{job="ingest", instance="ingest:9464", pipeline="orders"}')!;
    const at = (seconds: number) => seconds / 60;
    expect(created[at(hour)] as number).toBeGreaterThan(50);
    expect(created[at(2 * hour + 60)]).toBe(0);
    expect(last[at(2 * hour) - 1] as number).toBeLessThanOrEqual(hour);
    // No item since the stop: the new process has created none, so it reports 0 (not its start).
    expect(last[at(2 * hour + 60)]).toBe(0);
  });

  it('marks a vanished target stale and leaves a Prometheus restart as a plain gap', () => {
    const world = new World(model, { fromHour: 0, hours: 1, stepSeconds: 60, seed: 2 });
    world.service('api').failScrapes(10 * 60, 120);
    world.restartPrometheus(30 * 60, 240);
    const series = world.render();
    const up = series.get('up{job="api", instance="api:9464"}')!;
    const memory = series.get('process_resident_memory_bytes{job="api", instance="api:9464"}')!;
    expect(up.slice(9, 13)).toEqual([1, 0, 0, 1]);
    expect(memory.slice(10, 12)).toEqual(['stale', null]);
    expect(up.slice(30, 34)).toEqual([null, null, null, null]);
  });
});

describe('backtest command', () => {
  it('refuses bad arguments with exit code 2 and a usage line, before running anything', async () => {
    for (const [argv, message] of [
      [['--set', 'bogus'], 'backtest: --set: expected "short" or "full", got "bogus"'],
      [['--only', 'normal-week,nope'], 'backtest: unknown scenario "nope"'],
      [['--concurrency', '4'], 'backtest: --concurrency: expected 1 or 2, got "4"'],
      [['--timeout', '0'], 'backtest: --timeout: expected a whole number of seconds per scenario, got "0"'],
    ] as const) {
      const printed: string[] = [];
      expect(await backtestCommand(argv, (line) => printed.push(line))).toBe(2);
      expect(printed.join('\n')).toContain(message);
      expect(printed.join('\n')).toContain('usage: backtest');
    }
  });
});

describe('judging', () => {
  const scenario: Scenario = { name: 'judged', kind: 'incident', summary: '', hours: 2, seed: 1, needs: [], setup: () => ({ mustFire: [], mayFire: [] }) };
  const firing = (alertname: string, priority: string, minutes: readonly number[]) =>
    minutes.map((minute) => ({ at: minute * 60, labels: { alertname, priority, service: 'api' } }));
  const options = { stepSeconds: 60, start: 0, horizon: 2 * hour, promtoolSeconds: 0 };

  it('counts episodes, detection time, late and missed alerts, and false pages and tickets', () => {
    expect(episodesOf([60, 120, 180, 600, 660], 60)).toEqual([{ from: 60, to: 180 }, { from: 600, to: 660 }]);
    const result = judge(
      scenario,
      {
        faultAt: 600,
        faultEnd: 3600,
        mustFire: [
          { alert: 'ServiceDown', labels: { service: 'api' }, withinSeconds: 300 },
          { alert: 'HighErrorRate', labels: { service: 'api' }, withinSeconds: 300 },
          { alert: 'DependencyDown', withinSeconds: 300 },
        ],
        mayFire: [],
      },
      [...firing('ServiceDown', 'P1', [12, 13, 14]), ...firing('HighErrorRate', 'P1', [40, 41]), ...firing('CPUHigh', 'P2', [50]), ...firing('MemoryHigh', 'P1', [70])],
      options,
    );
    expect(result.required.map((required) => [required.alert, required.verdict, required.detectedAfter])).toEqual([
      ['ServiceDown', 'detected', 120],
      ['HighErrorRate', 'late', 1800],
      ['DependencyDown', 'missed', undefined],
    ]);
    expect([result.falsePages, result.falseTickets, result.passed]).toEqual([1, 1, false]);
  });

  it('fails a required alert that stops firing while the fault lasts', () => {
    const result = judge(
      scenario,
      { faultAt: 600, faultEnd: 3600, mustFire: [{ alert: 'ServiceDown', withinSeconds: 300, sustained: true }], mayFire: [] },
      firing('ServiceDown', 'P1', [11, 12, 13]),
      options,
    );
    expect(result.required[0]!.verdict).toBe('not sustained');
  });

  it('reads the firing alerts out of promtool failure output', () => {
    const output = [
      '  FAILED:',
      '    expr: "ALERTS{alertstate=\\"firing\\"}", time: 1d2h5m,',
      '        exp: nil',
      '        got: {__name__="ALERTS", alertname="X", alertstate="firing", job="a", priority="P1"} 1E+00, {__name__="ALERTS", alertname="Y", alertstate="firing", summary="a, b"} 1E+00',
      '    expr: "ALERTS{alertstate=\\"firing\\",priority!=\\"\\"}", time: 0s,',
      '        got: {__name__="ALERTS", alertname="Z", alertstate="firing", priority="P2"} 1E+00',
    ].join('\n');
    expect(parsePromtoolOutput(output)).toEqual([
      { at: 86_400 + 2 * hour + 300, labels: { alertname: 'X', job: 'a', priority: 'P1' } },
      { at: 86_400 + 2 * hour + 300, labels: { alertname: 'Y', summary: 'a, b' } },
      { at: 0, labels: { alertname: 'Z', priority: 'P2' } },
    ]);
  });
});

describe('short set on the real promtool', () => {
  // A fault the expectation does not allow: the suite must report it as a false page and fail.
  const unexpectedStop: Scenario = {
    name: 'referee-self-check',
    kind: 'noise',
    summary: 'the API stops for 30 minutes, but the expectation (wrongly) allows nothing to fire',
    fromHour: 9,
    hours: 2,
    seed: 9001,
    needs: ['main'],
    setup: (_world, roles) => {
      roles.main.stop(10 * hour, 10.5 * hour);
      return { mustFire: [], mayFire: [] };
    },
  };
  let backtest: BacktestResult;

  beforeAll(async () => {
    backtest = await runBacktest({ model, promtool, scenarios: [...selectScenarios({ set: 'short' }), unexpectedStop], concurrency: 2 });
  }, 1_200_000);

  it('passes every short-set scenario on the generated rules', () => {
    const short = backtest.results.filter((result) => result.scenario.name !== unexpectedStop.name);
    expect(short.map((result) => result.scenario.name).sort()).toEqual(['crash-loop', 'dependency-down', 'error-burst', 'normal-daytime', 'scrape-gaps', 'service-total-stop']);
    expect(short.flatMap((result) => result.problems)).toEqual([]);
    const detection = Object.fromEntries(backtest.totals.detection.map((stats) => [stats.alert, stats.worstSeconds]));
    // ServiceDown waits out a two-minute blip (scrape-gaps pages nothing) and still pages within 5m.
    expect(detection.ServiceDown).toBeGreaterThan(120);
    expect(detection.ServiceDown).toBeLessThanOrEqual(300);
    // A restart every 20 minutes: the ticket by the third restart, the page by the sixth.
    expect(detection.ServiceRestarting).toBeLessThanOrEqual(hour);
    expect(detection.ServiceRestartingPersistently).toBeLessThanOrEqual(2 * hour);
    expect(detection.HighErrorRate).toBeLessThanOrEqual(600);
    expect(detection.DependencyDown).toBeLessThanOrEqual(300);
  });

  it('fails when a scenario sees an alert its expectation does not allow', () => {
    const checked = backtest.results.find((result) => result.scenario.name === unexpectedStop.name)!;
    expect(checked.passed).toBe(false);
    expect(checked.falsePages).toBe(1);
    expect(checked.problems[0]).toMatch(/^false page: ServiceDown \{service=api\} fired 1x, first at Thu 10:03/);
    expect(backtest.passed).toBe(false);
    expect(backtest.markdown).toContain('| referee-self-check | noise |');
    expect(backtest.markdown).toContain('ServiceDown P1 service=api ✗');
  });
});
