/**
 * Aggregated scrape of a node:cluster service, side by side in one run: Vigil's cluster
 * aggregator (`@vigil/metrics/cluster`) against prom-client's AggregatorRegistry, with the same
 * 4 workers each holding the same 2,000 histogram series on both sides.
 * 1. Scrape time: rounds alternate the two scrapes in the same primary; medians are reported and
 *    the ratio is computed within each round.
 * 2. The primary's event-loop delay p99 (perf_hooks monitorEventLoopDelay) while 20 concurrent
 *    scrapers hit its `/metrics`, served by each aggregator in turn, and with no scrapers (the
 *    machine's floor). The scrapers run in a child process of their own, so only the primary's
 *    work lands on the measured loop; each case gets the same bounded window.
 *
 *   pnpm bench:cluster     (also part of `pnpm bench`)
 */
import { fork } from 'node:child_process';
import cluster from 'node:cluster';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { AggregatorRegistry, register as globalRegistry } from 'prom-client';
import { createClusterAggregator, reportMetricsToPrimary } from '@vigil/metrics/cluster';
import { populate } from './histogram-series.js';
import { median, pairedRatio, printVerdicts, timedGet, verdict, type RoundSamples } from './support.js';

const workers = 4;
const seriesPerWorker = 2000;
const rounds = 9;
const scrapers = 20;
const loadSeconds = 8;

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

interface ScrapersReport {
  readonly scrapes: number;
  readonly failed: number;
  readonly scrapeP50: number;
}

async function listen(handler: Handler): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/**
 * The primary's event-loop delay while `count` scrapers (in a child process) hit `port` for
 * `loadSeconds`: measured from the scrapers' start to the end of their window, before the
 * scrapes still in flight finish.
 */
async function loopUnderScrapers(port: number, count: number): Promise<{ p99: number; max: number } & ScrapersReport> {
  const child = fork(fileURLToPath(import.meta.url), ['--scrapers', String(port), String(count)]);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const report = new Promise<ScrapersReport>((resolve, reject) => {
    child.on('message', (message: 'started' | 'window over' | ScrapersReport) => {
      if (message === 'started') delay.enable();
      else if (message === 'window over') delay.disable();
      else resolve(message);
    });
    child.once('exit', (code) => reject(new Error(`scrapers exited with ${code}`)));
  });
  const result = await report;
  return { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, ...result };
}

/** The scrapers' child process: `count` loops of GET /metrics for `loadSeconds`, then a report. */
async function scrapeFor(port: number, count: number): Promise<void> {
  const times: number[] = [];
  let failed = 0;
  const until = performance.now() + loadSeconds * 1000;
  const windowOver = new Promise<void>((resolve) =>
    setTimeout(() => {
      process.send!('window over');
      resolve();
    }, loadSeconds * 1000),
  );
  process.send!('started');
  const scraper = async (): Promise<void> => {
    while (performance.now() < until) {
      const { ms, status } = await timedGet(port, '/metrics');
      times.push(ms);
      if (status !== 200) failed += 1;
    }
  };
  // Scrapes in flight when the window ends still finish (and count) before the report.
  await Promise.all([windowOver, ...Array.from({ length: count }, scraper)]);
  process.send!({ scrapes: times.length, failed, scrapeP50: median(times) } satisfies ScrapersReport, () => process.exit(0));
}

async function eventLoopComparison(vigilHandler: Handler, promAggregator: { clusterMetrics(): Promise<string>; readonly contentType: string }): Promise<void> {
  const promHandler: Handler = async (_request, response) => {
    try {
      const body = await promAggregator.clusterMetrics();
      response.writeHead(200, { 'content-type': promAggregator.contentType });
      response.end(body);
    } catch (error) {
      response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`# ${(error as Error).message}\n`);
    }
  };
  const vigilServer = await listen(vigilHandler);
  const promServer = await listen(promHandler);
  console.log(`\nprimary event loop with ${scrapers} concurrent scrapers of /metrics (${workers} x ${seriesPerWorker.toLocaleString('en')} series), ${loadSeconds} s each`);
  console.log(`  ${'primary'.padEnd(34)}${'loop p99 ms'.padStart(12)}${'loop max ms'.padStart(12)}${'scrapes'.padStart(9)}${'failed'.padStart(8)}${'scrape p50 ms'.padStart(15)}`);
  const cases = [
    ['no scrapers', vigilServer.port, 0],
    ['vigil createClusterAggregator', vigilServer.port, scrapers],
    ['prom-client AggregatorRegistry', promServer.port, scrapers],
  ] as const;
  const results = new Map<string, Awaited<ReturnType<typeof loopUnderScrapers>>>();
  for (const [name, port, count] of cases) {
    const result = await loopUnderScrapers(port, count);
    results.set(name, result);
    const p50 = count === 0 ? '-' : result.scrapeP50.toFixed(1);
    console.log(
      `  ${name.padEnd(34)}${result.p99.toFixed(1).padStart(12)}${result.max.toFixed(1).padStart(12)}${String(result.scrapes).padStart(9)}${String(result.failed).padStart(8)}${p50.padStart(15)}`,
    );
  }
  for (const { server } of [vigilServer, promServer]) {
    server.closeAllConnections();
    server.close();
  }
  const ours = results.get('vigil createClusterAggregator')!;
  verdict(
    `primary event-loop p99 < 50 ms under ${scrapers} scrapers (${workers} x ${seriesPerWorker} series)`,
    ours.p99 < 50,
    `${ours.p99.toFixed(1)} ms (prom-client AggregatorRegistry ${results.get('prom-client AggregatorRegistry')!.p99.toFixed(1)} ms; no scrapers ${results.get('no scrapers')!.p99.toFixed(1)} ms, the machine's floor)`,
  );
}

async function primary(): Promise<void> {
  const started = performance.now();
  console.log(`cluster bench; node ${process.version}; ${workers} workers x ${seriesPerWorker.toLocaleString('en')} histogram series, ${rounds} rounds`);
  const vigilAggregator = createClusterAggregator();
  const promAggregator = new AggregatorRegistry();
  let ready = 0;
  const allReady = new Promise<void>((resolve) => {
    cluster.on('message', (_worker, message: unknown) => {
      if (message === 'populated' && ++ready === workers) resolve();
    });
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  await allReady;
  // Both listeners are in place once every worker has said so; one warm-up scrape each.
  await vigilAggregator.scrape();
  await promAggregator.clusterMetrics();

  const vigilName = 'vigil createClusterAggregator';
  const promName = 'prom-client AggregatorRegistry';
  const samples: RoundSamples = new Map([
    [vigilName, []],
    [promName, []],
  ]);
  let vigilBytes = 0;
  let promBytes = 0;
  for (let round = 0; round < rounds; round++) {
    let start = performance.now();
    vigilBytes = (await vigilAggregator.scrape()).bytes.length;
    samples.get(vigilName)!.push(performance.now() - start);
    start = performance.now();
    promBytes = Buffer.byteLength(await promAggregator.clusterMetrics());
    samples.get(promName)!.push(performance.now() - start);
  }

  console.log(`\naggregated scrape (median of ${rounds} rounds; ${vigilBytes} vs ${promBytes} bytes)`);
  for (const [name, values] of samples) console.log(`  ${name.padEnd(34)}${median(values).toFixed(1).padStart(10)} ms`);
  const ratio = pairedRatio(samples, rounds, (get) => get(promName) / get(vigilName));
  verdict(`cluster scrape (${workers} x ${seriesPerWorker} series) >= 3x faster than AggregatorRegistry`, ratio >= 3, `${ratio.toFixed(2)}x`);

  await eventLoopComparison(vigilAggregator.metricsHandler, promAggregator);
  for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
  printVerdicts();
  console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

function worker(): void {
  // prom-client's side: the histogram on the global registry, which AggregatorRegistry's worker
  // listener (installed by constructing one) reports.
  new AggregatorRegistry();
  const { vigil } = populate(seriesPerWorker, globalRegistry);
  reportMetricsToPrimary(vigil);
  process.send!('populated');
}

if (process.argv[2] === '--scrapers') await scrapeFor(Number(process.argv[3]), Number(process.argv[4]));
else if (cluster.isPrimary) await primary();
else worker();
