/**
 * @vigil/metrics against prom-client and @autometrics/autometrics, in one process and one run.
 * Every case is timed in several interleaved rounds and the MEDIAN ns/call is reported, because
 * the machine is shared and noisy. Targets are printed PASS/FAIL; the exit code stays 0.
 *
 *   pnpm exec tsx --conditions=vigil-source bench/metrics.ts     (also run by `pnpm bench`)
 */
import { channel } from 'node:diagnostics_channel';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { autometrics } from '@autometrics/autometrics';
import { Counter, Histogram, Registry } from 'prom-client';
import { createVigilMetrics, latencyBucketsSeconds } from '@vigil/metrics';
import { parseExposition, sampleValue } from '../packages/metrics/test/helpers/exposition.js';
import { clearYoungGeneration, collectGarbage } from './collector.js';
import { populate } from './histogram-series.js';
import { median, pairedRatio, printVerdicts, verdict, type RoundSamples } from './support.js';

const rounds = 15;
const syncCalls = 400_000;
const asyncCalls = 100_000;
let sink = 0;

type Case = { name: string; run: (calls: number) => void | Promise<void>; calls: number };

interface Measured {
  /** Median ns/call per case. */
  readonly medians: Map<string, number>;
  /** ns/call per case per round; rounds are aligned across cases. */
  readonly rounds: RoundSamples;
}

/** Runs each case once per round, interleaved, so drift hits every case alike. */
async function measure(cases: Case[]): Promise<Measured> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) await c.run(Math.min(c.calls, 50_000)); // warm-up: let V8 optimise
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      // What the previous case left (autometrics leaves plenty) is not collected on this case's clock.
      clearYoungGeneration();
      const start = performance.now();
      await c.run(c.calls);
      samples.get(c.name)!.push(((performance.now() - start) * 1e6) / c.calls);
    }
  }
  return { medians: new Map([...samples].map(([name, values]) => [name, median(values)])), rounds: samples };
}

/** The median over rounds of a ratio taken within each round (support.ts's `pairedRatio`). */
function roundRatio(measured: Measured, ratio: (get: (name: string) => number) => number): number {
  return pairedRatio(measured.rounds, rounds, ratio);
}

// --- subjects --------------------------------------------------------------------------------
const vigil = createVigilMetrics({ registry: new Registry(), collectDefaultMetrics: false, countUnhandledErrors: false });
const promRegistry = new Registry();
const promHistogram = new Histogram({
  name: 'operation_duration_seconds',
  help: 'prom-client reference',
  labelNames: ['operation', 'outcome'],
  buckets: [...latencyBucketsSeconds],
  registers: [promRegistry],
});
const promCounter = new Counter({
  name: 'items_created_total',
  help: 'prom-client reference',
  labelNames: ['pipeline', 'item_type', 'source'],
  registers: [promRegistry],
});

function noop(value: number): number {
  return value;
}
async function asyncNoop(value: number): Promise<number> {
  return value;
}

class Subject {
  @vigil.timedOperation('bench.sync')
  syncNoop(value: number): number {
    return value;
  }

  @vigil.timedOperation('bench.async')
  async asyncNoop(value: number): Promise<number> {
    return value;
  }
}
const subject = new Subject();
const timedNoop = vigil.timed('bench.timed', noop);
const timedAsyncNoop = vigil.timed('bench.timedAsync', asyncNoop);
const autometricsNoop = autometrics(noop);
const autometricsAsyncNoop = autometrics(asyncNoop);
const pipeline = vigil.pipeline('bench', { itemType: 'order', source: 'api' });
const promChild = promCounter.labels('bench', 'order', 'api');

// --- sync ------------------------------------------------------------------------------------
const syncCases: Case[] = [
  { name: 'bare call', calls: syncCalls, run: (n) => { for (let i = 0; i < n; i++) sink += noop(i); } },
  {
    name: 'two performance.now() (floor)',
    calls: syncCalls,
    run: (n) => {
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        sink += noop(i);
        sink += performance.now() - start;
      }
    },
  },
  {
    name: 'two hrtime.bigint()',
    calls: syncCalls,
    run: (n) => {
      for (let i = 0; i < n; i++) {
        const start = process.hrtime.bigint();
        sink += noop(i);
        sink += Number(process.hrtime.bigint() - start);
      }
    },
  },
  {
    name: 'prom-client labels().startTimer()',
    calls: syncCalls,
    run: (n) => {
      for (let i = 0; i < n; i++) {
        const end = promHistogram.labels('bench.prom', 'success').startTimer();
        sink += noop(i);
        end();
      }
    },
  },
  { name: '@autometrics/autometrics', calls: syncCalls / 20, run: (n) => { for (let i = 0; i < n; i++) sink += autometricsNoop(i); } },
  { name: '@timedOperation', calls: syncCalls, run: (n) => { for (let i = 0; i < n; i++) sink += subject.syncNoop(i); } },
  { name: 'timed()', calls: syncCalls, run: (n) => { for (let i = 0; i < n; i++) sink += timedNoop(i); } },
];

// --- async -----------------------------------------------------------------------------------
const asyncCases: Case[] = [
  { name: 'bare call', calls: asyncCalls, run: async (n) => { for (let i = 0; i < n; i++) sink += await asyncNoop(i); } },
  {
    name: 'two performance.now() (floor)',
    calls: asyncCalls,
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        sink += await asyncNoop(i);
        sink += performance.now() - start;
      }
    },
  },
  {
    // What any wrapper must add: it cannot resume inside its caller, so the second clock read
    // needs a continuation of its own. The async targets are judged against this floor.
    name: 'two clocks + then() (wrapper floor)',
    calls: asyncCalls,
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        sink += await asyncNoop(i).then((value) => {
          sink += performance.now() - start;
          return value;
        });
      }
    },
  },
  {
    name: 'prom-client labels().startTimer()',
    calls: asyncCalls,
    run: async (n) => {
      for (let i = 0; i < n; i++) {
        const end = promHistogram.labels('bench.promAsync', 'success').startTimer();
        sink += await asyncNoop(i);
        end();
      }
    },
  },
  { name: '@autometrics/autometrics', calls: asyncCalls / 10, run: async (n) => { for (let i = 0; i < n; i++) sink += await autometricsAsyncNoop(i); } },
  { name: '@timedOperation', calls: asyncCalls, run: async (n) => { for (let i = 0; i < n; i++) sink += await subject.asyncNoop(i); } },
  { name: 'timed()', calls: asyncCalls, run: async (n) => { for (let i = 0; i < n; i++) sink += await timedAsyncNoop(i); } },
];

// --- counters --------------------------------------------------------------------------------
const counterCases: Case[] = [
  { name: 'PipelineMetrics.created()', calls: syncCalls, run: (n) => { for (let i = 0; i < n; i++) pipeline.created(); } },
  { name: 'prom-client child.inc()', calls: syncCalls, run: (n) => { for (let i = 0; i < n; i++) promChild.inc(); } },
  { name: 'prom-client labels().inc()', calls: syncCalls, run: (n) => { for (let i = 0; i < n; i++) promCounter.labels('bench', 'order', 'api').inc(); } },
];

// --- node:http request, no sockets -------------------------------------------------------------
/**
 * What the node:http integration's own code costs a request, away from the network stack: a real
 * IncomingMessage and ServerResponse go through the handler, then the response is marked finished,
 * its finish published and 'close' emitted, as Node's server does once the reply is written. On
 * loopback a request costs tens of microseconds of kernel and parser work whose noise hides a few
 * hundred nanoseconds; bench:http and bench:http-paired measure the whole request. The floor is what
 * a measurement from a 'close' listener pays: the listener and two clock reads. Vigil's integration
 * adds no listener (src/response-finish.ts), so it can cost less than that floor.
 */
const httpCalls = syncCalls / 4;
const unconnected = new Socket();
const responseFinish = channel('http.server.response.finish');
function answer(_request: IncomingMessage, response: ServerResponse): void {
  response.statusCode = 200;
}
function serveOne(handler: (request: IncomingMessage, response: ServerResponse) => unknown): void {
  const request = new IncomingMessage(unconnected);
  request.method = 'GET';
  request.url = '/api/items/42';
  const response = new ServerResponse(request);
  // Node's server hands the app a response already on its connection, and takes it off once finished.
  response.assignSocket(unconnected);
  handler(request, response);
  // What node:http sets once the reply is flushed, then publishes (once anything subscribes, for
  // every response of the process, as here) and emits.
  (response as { finished: boolean }).finished = true;
  if (responseFinish.hasSubscribers) responseFinish.publish({ request, response, socket: unconnected, server: undefined });
  response.detachSocket(unconnected);
  response.emit('close');
}
const closeFloor = (request: IncomingMessage, response: ServerResponse): void => {
  const start = performance.now();
  response.on('close', () => {
    sink += performance.now() - start;
  });
  answer(request, response);
};
const httpVigil = createVigilMetrics({ registry: new Registry(), collectDefaultMetrics: false, countUnhandledErrors: false });
/** Requests served through Vigil's handler, warm-up included: each must be in its histogram. */
let vigilServed = 0;
const vigilHandler = httpVigil.httpHandler(answer, { routes: ['/health/live', '/api/orders/:id', '/api/items/:id'] });
const httpCases: Case[] = [
  { name: 'request, no instrumentation', calls: httpCalls, run: (n) => { for (let i = 0; i < n; i++) serveOne(answer); } },
  { name: "closure 'close' + two clocks (floor)", calls: httpCalls, run: (n) => { for (let i = 0; i < n; i++) serveOne(closeFloor); } },
  {
    name: 'vigil.httpHandler',
    calls: httpCalls,
    run: (n) => {
      for (let i = 0; i < n; i++) serveOne(vigilHandler);
      vigilServed += n;
    },
  },
];

// --- report ----------------------------------------------------------------------------------
function printTable(title: string, results: Map<string, number>, bare?: number): void {
  console.log(`\n${title}`);
  console.log(`${'case'.padEnd(36)}${'median ns/call'.padStart(16)}${bare === undefined ? '' : 'overhead ns'.padStart(14)}`);
  for (const [name, ns] of results) {
    const overhead = bare === undefined ? '' : (ns - bare).toFixed(1).padStart(14);
    console.log(`${name.padEnd(36)}${ns.toFixed(1).padStart(16)}${overhead}`);
  }
}
const fmt = (value: number): string => value.toFixed(2);

function judgeTiming(kind: string, measured: Measured, floorCase: string): void {
  const results = measured.medians;
  const bare = results.get('bare call')!;
  const floor = results.get(floorCase)! - bare;
  const promOverhead = results.get('prom-client labels().startTimer()')! - bare;
  for (const name of ['@timedOperation', 'timed()']) {
    const overhead = results.get(name)! - bare;
    const vsFloor = roundRatio(measured, (get) => (get(name) - get('bare call')) / (get(floorCase) - get('bare call')));
    const vsProm = roundRatio(measured, (get) => (get('prom-client labels().startTimer()') - get('bare call')) / (get(name) - get('bare call')));
    const vsAutometrics = roundRatio(measured, (get) => (get('@autometrics/autometrics') - get('bare call')) / (get(name) - get('bare call')));
    verdict(`${kind} ${name} overhead <= 1.3x floor`, vsFloor <= 1.3, `${fmt(vsFloor)}x (medians: ${overhead.toFixed(1)} ns vs floor ${floor.toFixed(1)} ns)`);
    const note = kind === 'async' ? `; ${floor.toFixed(1)} ns of ours is the continuation any wrapper needs` : '';
    verdict(
      `${kind} ${name} >= 4x cheaper than startTimer`,
      vsProm >= 4,
      `${fmt(vsProm)}x (medians: startTimer overhead ${promOverhead.toFixed(1)} ns${note}); autometrics is ${fmt(vsAutometrics)}x slower`,
    );
  }
}

async function heapOverTenMillionCalls(): Promise<{ before: number; after: number }> {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 10_000_000; i++) {
    sink += subject.syncNoop(i);
    sink += timedNoop(i);
    pipeline.created();
  }
  collectGarbage();
  return { before, after: process.memoryUsage().heapUsed };
}

async function scrapeComparison(): Promise<Measured> {
  // 1,000 operations x 2 outcomes = 2,000 histogram series on each side.
  const { vigil: scrapeVigil, reference: referenceRegistry } = populate(2000);
  let vigilBytes = 0;
  let referenceBytes = 0;
  const results = await measureScrapes([
    { name: '@vigil/metrics scrape()', calls: 1, run: async () => { vigilBytes = (await scrapeVigil.scrape()).bytes.length; } },
    { name: 'prom-client registry.metrics()', calls: 1, run: async () => { referenceBytes = (await referenceRegistry.metrics()).length; } },
  ]);
  console.log(`  (exposition sizes: vigil ${vigilBytes} bytes, prom-client ${referenceBytes} bytes)`);
  return results;
}

async function measureScrapes(cases: Case[]): Promise<Measured> {
  const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) await c.run(1);
  for (let round = 0; round < rounds; round++) {
    for (const c of cases) {
      clearYoungGeneration();
      const start = performance.now();
      await c.run(1);
      samples.get(c.name)!.push(performance.now() - start);
    }
  }
  return { medians: new Map([...samples].map(([name, values]) => [name, median(values)])), rounds: samples };
}

const started = performance.now();
console.log(`@vigil/metrics bench: ${rounds} rounds per case, medians; node ${process.version}`);

const syncMeasured = await measure(syncCases);
const syncResults = syncMeasured.medians;
printTable(`sync no-op (${syncCalls} calls per round)`, syncResults, syncResults.get('bare call'));
judgeTiming('sync', syncMeasured, 'two performance.now() (floor)');
const bigintFloor = syncResults.get('two hrtime.bigint()')! - syncResults.get('bare call')!;
const perfFloor = syncResults.get('two performance.now() (floor)')! - syncResults.get('bare call')!;
console.log(`  clock: two performance.now() ${perfFloor.toFixed(1)} ns vs two hrtime.bigint() + Number ${bigintFloor.toFixed(1)} ns`);

const asyncMeasured = await measure(asyncCases);
const asyncResults = asyncMeasured.medians;
printTable(`async no-op (${asyncCalls} awaited calls per round)`, asyncResults, asyncResults.get('bare call'));
judgeTiming('async', asyncMeasured, 'two clocks + then() (wrapper floor)');

const counterMeasured = await measure(counterCases);
const counterResults = counterMeasured.medians;
printTable(`counter increment (${syncCalls} calls per round)`, counterResults);
const createdRatio = roundRatio(counterMeasured, (get) => get('prom-client child.inc()') / get('PipelineMetrics.created()'));
verdict(
  'created() >= 3x cheaper than prom-client child inc()',
  createdRatio >= 3,
  `${fmt(createdRatio)}x (medians: ${counterResults.get('PipelineMetrics.created()')!.toFixed(1)} ns vs ${counterResults.get('prom-client child.inc()')!.toFixed(1)} ns)`,
);

const httpMeasured = await measure(httpCases);
const httpResults = httpMeasured.medians;
printTable(`node:http request through the handler, no sockets (${httpCalls} requests per round)`, httpResults, httpResults.get('request, no instrumentation'));
const httpVsFloor = roundRatio(httpMeasured, (get) => (get('vigil.httpHandler') - get('request, no instrumentation')) / (get("closure 'close' + two clocks (floor)") - get('request, no instrumentation')));
console.log(`  vigil.httpHandler's overhead is ${fmt(httpVsFloor)}x the floor's (median of per-round ratios); the rest of its cost is the route, the status and the histogram`);
// A timing of a path that records nothing (a route that stopped matching, a response never closed)
// would look cheap: every timed request must be in the histogram under its route and status.
const httpExposition = parseExposition(new TextDecoder().decode((await httpVigil.scrape()).bytes));
const httpRecorded = sampleValue(httpExposition, 'http_request_duration_seconds_count', { route: '/api/items/:id', status_code: '200' });
if (httpRecorded !== vigilServed) {
  throw new Error(`bench:metrics: vigil.httpHandler recorded ${httpRecorded} requests under /api/items/:id and 200, expected ${vigilServed}`);
}

const heap = await heapOverTenMillionCalls();
const growth = heap.after - heap.before;
console.log(`\nheap over 10M calls each of @timedOperation, timed() and created(): before ${(heap.before / 1e6).toFixed(2)} MB, after ${(heap.after / 1e6).toFixed(2)} MB`);
// A few hundred kB of jitter is V8 bookkeeping; growth per call would show as hundreds of MB.
verdict('no heap growth over 10M calls', growth < 1_000_000, `${(growth / 1e3).toFixed(1)} kB (${((growth / 10_000_000) * 1000).toFixed(3)} bytes per 1000 calls)`);

console.log(`\nscrape of 2,000 histogram series (median of ${rounds} scrapes)`);
const scrapes = await scrapeComparison();
for (const [name, ms] of scrapes.medians) console.log(`${name.padEnd(36)}${ms.toFixed(2).padStart(12)} ms`);
const scrapeRatio = roundRatio(scrapes, (get) => get('prom-client registry.metrics()') / get('@vigil/metrics scrape()'));
verdict('scrape >= 3x faster than prom-client (bench/scrape.ts has 20,000 series and the event loop)', scrapeRatio >= 3, `${fmt(scrapeRatio)}x as fast as prom-client`);

printVerdicts();
console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(1)} s; sink ${sink > 0 ? 'ok' : 'zero'})`);
