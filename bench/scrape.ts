/**
 * Scrape cost, side by side with prom-client, in one run:
 * 1. render time of the same 2,000 and 20,000 histogram series: Vigil's `scrape()` against
 *    prom-client's `registry.metrics()` (median of interleaved rounds, and the paired ratio);
 * 2. the service's event-loop delay p99 (and, as the machine's floor, the same service unscraped) while 20 concurrent scrapers hit `/metrics` (2,000 series)
 *    and `timed()` runs at 50,000 calls/s. The service runs in a child process so the scrapers'
 *    own work does not land on its event loop; each side gets the same bounded duration.
 *
 *   pnpm bench:scrape     (also part of `pnpm bench`)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { clearYoungGeneration } from './collector.js';
import { populate } from './histogram-series.js';
import { median, pairedRatio, printVerdicts, timedGet, verdict, type RoundSamples } from './support.js';

const renderRounds = { 2000: 9, 20000: 5 } as const;
const loadSeconds = 8;
const scrapers = 20;
const timedCallsPerSecond = 50_000;

async function renderComparison(series: 2000 | 20000): Promise<void> {
  const { vigil, reference } = populate(series);
  const rounds = renderRounds[series];
  const samples: RoundSamples = new Map([
    ['vigil scrape()', []],
    ['prom-client registry.metrics()', []],
  ]);
  let vigilBytes = 0;
  let referenceBytes = 0;
  await vigil.scrape();
  await reference.metrics();
  for (let round = 0; round < rounds; round++) {
    // Neither render is timed while the collector clears what the other left.
    clearYoungGeneration();
    let start = performance.now();
    vigilBytes = (await vigil.scrape()).bytes.length;
    samples.get('vigil scrape()')!.push(performance.now() - start);
    clearYoungGeneration();
    start = performance.now();
    referenceBytes = Buffer.byteLength(await reference.metrics());
    samples.get('prom-client registry.metrics()')!.push(performance.now() - start);
  }
  console.log(`\nrender of ${series.toLocaleString('en')} histogram series (median of ${rounds} rounds; ${vigilBytes} vs ${referenceBytes} bytes)`);
  for (const [name, values] of samples) console.log(`  ${name.padEnd(34)}${median(values).toFixed(1).padStart(10)} ms`);
  const ratio = pairedRatio(samples, rounds, (get) => get('prom-client registry.metrics()') / get('vigil scrape()'));
  verdict(`render ${series} series >= 3x faster than prom-client`, ratio >= 3, `${ratio.toFixed(2)}x`);
}

// --- event loop under scrapers: the service side (child process) ------------------------------
type ServiceKind = 'vigil' | 'prom-client' | 'no scrapers';

async function serve(kind: ServiceKind): Promise<void> {
  const { vigil, reference } = populate(2000);
  const work = vigil.timed('load.work', (value: number) => value * 2);
  const metricsHandler =
    kind === 'vigil'
      ? vigil.metricsHandler
      : async (_request: unknown, response: import('node:http').ServerResponse) => {
          const body = await reference.metrics();
          response.writeHead(200, { 'content-type': reference.contentType });
          response.end(body);
        };
  const server = createServer((request, response) => {
    if (request.url === '/metrics') void metricsHandler(request, response);
    else response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  // 50 calls every millisecond: 50,000 timed() calls per second while the loop keeps up.
  let sink = 0;
  const load = setInterval(() => {
    for (let i = 0; i < timedCallsPerSecond / 1000; i++) sink += work(i);
  }, 1);
  process.send!({ port: (server.address() as { port: number }).port });
  process.once('message', () => {
    delay.disable();
    clearInterval(load);
    process.send!({ p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, sink: sink > 0 });
    server.close();
    server.closeAllConnections();
  });
  delay.enable();
}

async function underScrapers(kind: ServiceKind): Promise<{ p99: number; max: number; scrapes: number; scrapeP50: number; probeP50: number }> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve', kind], { execArgv: ['--conditions=vigil-source', '--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => child.once('message', (message: { port: number }) => resolve(message.port)));
  const until = performance.now() + loadSeconds * 1000;
  const scrapeTimes: number[] = [];
  const probeTimes: number[] = [];
  const scraper = async (): Promise<void> => {
    while (performance.now() < until) scrapeTimes.push((await timedGet(port, '/metrics')).ms);
  };
  const scraperCount = kind === 'no scrapers' ? 0 : scrapers;
  const prober = async (): Promise<void> => {
    while (performance.now() < until) {
      probeTimes.push((await timedGet(port, '/health/live')).ms);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await Promise.all([...Array.from({ length: scraperCount }, scraper), prober()]);
  const report = new Promise<{ p99: number; max: number }>((resolve) => child.once('message', resolve));
  child.send('stop');
  const { p99, max } = await report;
  await new Promise((resolve) => child.once('exit', resolve));
  return { p99, max, scrapes: scrapeTimes.length, scrapeP50: median(scrapeTimes), probeP50: median(probeTimes) };
}

async function eventLoopComparison(): Promise<void> {
  console.log(`\nevent loop with ${scrapers} concurrent scrapers of 2,000 histogram series and timed() at ${timedCallsPerSecond}/s, ${loadSeconds} s each`);
  console.log(`  ${'service'.padEnd(14)}${'loop p99 ms'.padStart(12)}${'loop max ms'.padStart(12)}${'scrapes'.padStart(9)}${'scrape p50 ms'.padStart(15)}${'probe p50 ms'.padStart(14)}`);
  const results = new Map<string, Awaited<ReturnType<typeof underScrapers>>>();
  for (const kind of ['no scrapers', 'vigil', 'prom-client'] as const) {
    const result = await underScrapers(kind);
    results.set(kind, result);
    console.log(
      `  ${kind.padEnd(14)}${result.p99.toFixed(1).padStart(12)}${result.max.toFixed(1).padStart(12)}${String(result.scrapes).padStart(9)}${result.scrapeP50.toFixed(1).padStart(15)}${result.probeP50.toFixed(1).padStart(14)}`,
    );
  }
  const ours = results.get('vigil')!;
  verdict('event-loop p99 < 50 ms under 20 scrapers at load', ours.p99 < 50, `${ours.p99.toFixed(1)} ms (prom-client ${results.get('prom-client')!.p99.toFixed(1)} ms; same service without scrapers ${results.get('no scrapers')!.p99.toFixed(1)} ms, the machine's floor)`);
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3] as ServiceKind);
} else {
  const started = performance.now();
  console.log(`scrape bench; node ${process.version}`);
  await renderComparison(2000);
  await renderComparison(20000);
  await eventLoopComparison();
  printVerdicts();
  console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
