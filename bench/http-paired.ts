/**
 * What the request-path integration itself costs: each instrumented app runs in the same process as
 * a bare app of the same framework, on a port of its own, and every ratio is taken between the two.
 *
 * bench/http.ts compares whole apps, each in its own process. That is the figure users see, but two
 * processes running the same code differ by several percent for their whole life (heap and code
 * layout, JIT timing), so a few percent of middleware cost sits inside its noise. Here both apps share
 * one heap, one code layout and one JIT, so a ratio between them carries none of that luck; fresh
 * processes every few rounds average out what is left. What this leaves out is what the process
 * pays for having the metrics at all (the registry, default metrics), which the bare app here pays
 * too: bench/http.ts's `vigil-registry-only` measures that.
 *
 * OpenTelemetry's HTTP instrumentation patches node:http for every server of a process, so it
 * cannot be paired and is measured by bench/http.ts only.
 *
 *   pnpm bench:http-paired     (also part of `pnpm bench`)
 *   pnpm bench:http-paired fastify    (one framework: node:http, express or fastify)
 *   VIGIL_HTTP_PAIRED_PROCESSES=8 pnpm bench:http-paired    (more processes than the default 4)
 */
import autocannon from 'autocannon';
import { cpuMeasuredLoad, type LoadRun } from './http-load.js';
import { frameworkArgument, frameworks, requestPathPeers, startPair, type BenchPair, type Framework, type Instrumentation } from './http-server.js';
import { median, printVerdicts, quartileRange, twinResolution, verdict } from './support.js';

const processes = Number(process.env.VIGIL_HTTP_PAIRED_PROCESSES ?? 4);
if (!Number.isInteger(processes) || processes < 1) {
  throw new Error(`bench:http-paired: VIGIL_HTTP_PAIRED_PROCESSES must be a positive integer, got "${process.env.VIGIL_HTTP_PAIRED_PROCESSES}"`);
}
/** Rounds in each process; a round measures the bare app and the instrumented one once each. */
const roundsPerProcess = 4;
const warmupSeconds = 1;
const primeSeconds = 0.25;
const durationSeconds = 1;
const connections = 10;

const only = frameworkArgument('bench:http-paired', process.argv[2]);

async function measure(pair: BenchPair, url: string): Promise<LoadRun> {
  await autocannon({ url, connections, duration: primeSeconds });
  const run = await cpuMeasuredLoad(pair.child, url, durationSeconds, connections);
  if (run.errors > 0) throw new Error(`bench:http-paired: ${run.errors} failed requests on ${url}`);
  return run;
}

interface Ratios {
  /** Instrumented over bare, one per round. */
  readonly cpu: number[];
  readonly rps: number[];
}

async function measureVariant(framework: Framework, instrumentation: Instrumentation): Promise<Ratios> {
  const ratios: Ratios = { cpu: [], rps: [] };
  for (let block = 0; block < processes; block++) {
    const pair = await startPair(framework, instrumentation);
    try {
      for (const url of [pair.bareUrl, pair.url]) await autocannon({ url, connections, duration: warmupSeconds });
      for (let round = 0; round < roundsPerProcess; round++) {
        // The two apps take turns going first.
        const bareFirst = round % 2 === 0;
        const first = await measure(pair, bareFirst ? pair.bareUrl : pair.url);
        const second = await measure(pair, bareFirst ? pair.url : pair.bareUrl);
        const [bare, instrumented] = bareFirst ? [first, second] : [second, first];
        ratios.cpu.push(instrumented.cpuPerRequest / bare.cpuPerRequest);
        ratios.rps.push(instrumented.rps / bare.rps);
      }
    } finally {
      pair.child.kill();
    }
  }
  return ratios;
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(
    `request-path bench, paired in one process; node ${process.version}; autocannon ${connections} connections, ${primeSeconds} s unmeasured + ${durationSeconds} s measured per app per round, ` +
      `${roundsPerProcess} rounds in each of ${processes} processes per variant, GET /api/items/:id`,
  );
  console.log(`\n  ${'instrumented app'.padEnd(34)}${'CPU/req vs bare'.padStart(16)}${'(IQR)'.padStart(14)}${'req/s vs bare'.padStart(15)}${'(IQR)'.padStart(14)}`);
  const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
  for (const framework of frameworks) {
    if (only !== undefined && framework !== only) continue;
    const peer = requestPathPeers[framework];
    const variants: Instrumentation[] = [
      'bare-twin',
      'vigil',
      'empty-hook',
      ...(framework === 'express' ? (['vigil-express-middleware'] as const) : []),
      ...(peer === undefined ? [] : [peer]),
    ];
    const results = new Map<Instrumentation, Ratios>();
    for (const instrumentation of variants) {
      const ratios = await measureVariant(framework, instrumentation);
      results.set(instrumentation, ratios);
      console.log(
        `  ${`${framework} ${instrumentation}`.padEnd(34)}${median(ratios.cpu).toFixed(3).padStart(16)}${quartileRange(ratios.cpu).text.padStart(14)}` +
          `${median(ratios.rps).toFixed(3).padStart(15)}${quartileRange(ratios.rps).text.padStart(14)}`,
      );
    }
    const twin = results.get('bare-twin')!;
    const vigil = results.get('vigil')!;
    const { offset, spread, resolution } = twinResolution(twin.rps);
    const loss = 1 - median(vigil.rps);
    verdict(
      `${framework}: Vigil's integration within 5% of the bare app's req/s, same process`,
      loss <= 0.05,
      `${percent(loss)} fewer req/s (CPU per request ${percent(median(vigil.cpu) - 1)}; the framework's empty hook ${percent(median(results.get('empty-hook')!.cpu) - 1)}); ` +
        `bare-twin ${percent(offset)} off bare, per-round spread up to ${percent(spread)}, so the median is good to ${percent(resolution)}` +
        `${Math.abs(loss - 0.05) <= resolution ? ': too close to 5% for this run to resolve either way' : ''}`,
    );
    if (peer !== undefined) {
      const theirs = median(results.get(peer)!.cpu) - 1;
      // On Express both of Vigil's integrations are judged: the server-side handler and the middleware.
      for (const [form, ratios] of [['', vigil], [' (middleware)', results.get('vigil-express-middleware')]] as const) {
        if (ratios === undefined) continue;
        const ours = median(ratios.cpu) - 1;
        verdict(
          `${framework}: Vigil's CPU overhead per request${form} <= 1/3 of ${peer}'s, same process`,
          ours <= theirs / 3,
          `${percent(ours)} vs ${percent(theirs)} = ${(ours / theirs).toFixed(2)}x (bare-twin ${percent(median(twin.cpu) - 1)})`,
        );
      }
    }
  }
  console.log('  (ratios of the instrumented app to the bare app in the same process: median over rounds; IQR = interquartile range)');
  printVerdicts();
  console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

await main();
