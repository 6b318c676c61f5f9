/**
 * Aggregated scrape of a node:cluster service, side by side in one run: Vigil's cluster
 * aggregator (`@vigil/metrics/cluster`) against prom-client's AggregatorRegistry, with the same
 * 4 workers each holding the same 2,000 histogram series on both sides. Rounds alternate the two
 * scrapes in the same primary; medians are reported and the ratio is computed within each round.
 *
 *   pnpm bench:cluster     (also part of `pnpm bench`)
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, register as globalRegistry } from 'prom-client';
import { createClusterAggregator, reportMetricsToPrimary } from '@vigil/metrics/cluster';
import { populate } from './histogram-series.js';
import { median, pairedRatio, printVerdicts, verdict, type RoundSamples } from './support.js';

const workers = 4;
const seriesPerWorker = 2000;
const rounds = 9;

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
  for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();

  console.log(`\naggregated scrape (median of ${rounds} rounds; ${vigilBytes} vs ${promBytes} bytes)`);
  for (const [name, values] of samples) console.log(`  ${name.padEnd(34)}${median(values).toFixed(1).padStart(10)} ms`);
  const ratio = pairedRatio(samples, rounds, (get) => get(promName) / get(vigilName));
  verdict(`cluster scrape (${workers} x ${seriesPerWorker} series) >= 3x faster than AggregatorRegistry`, ratio >= 3, `${ratio.toFixed(2)}x`);
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

if (cluster.isPrimary) await primary();
else worker();
