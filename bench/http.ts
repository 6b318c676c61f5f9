/**
 * The request path, side by side in one run: node:http, Express and Fastify servers, each bare,
 * with Vigil's HTTP RED middleware, with the instrumentation users run today (express-prom-bundle,
 * fastify-metrics) and with OpenTelemetry's HTTP instrumentation and Prometheus exporter. Each
 * server runs in its own process; autocannon drives it on loopback from this process with the
 * same connections and duration for every server.
 *
 * The machine is shared, so the design is about noise:
 * - a framework's servers run one after another in short rounds, each once per round, in an order
 *   that rotates each round, so a server and its bare twin are measured seconds apart; ratios to
 *   the bare server are taken within each round and the median over rounds is reported;
 * - each measured run follows an unmeasured quarter second on the same server, so every server
 *   is measured equally warm (connections open, code hot), whichever server ran before it;
 * - a second, identical bare server (`bare-twin`) is measured like the others: its "overhead" is
 *   the noise floor of this run, printed next to the targets;
 * - besides req/s and p99 latency, the server's own CPU time per request is read, the figure other
 *   load on the machine moves least;
 * - every server is replaced by a fresh process every two rounds. Two processes running the same
 *   code can differ by over 10% for their whole life (heap and code layout, where the scheduler put
 *   them): one long-lived process per server once left the bare server 16% slower than Vigil's for
 *   a whole 20-round run, its twin 3% off. Over many processes that luck averages out.
 *
 * (Pinning the servers and the load generator to separate CPUs was tried and dropped: on a shared
 * 2-core machine it leaves the servers queued behind other tenants on one core.)
 *
 * What the middleware alone costs, without the luck that sets two processes apart, is
 * bench/http-paired.ts: each instrumented app against a bare one in the same process.
 *
 *   pnpm bench:http     (also part of `pnpm bench`)
 *   pnpm bench:http express    (one framework: node:http, express or fastify)
 *   VIGIL_HTTP_ROUNDS=30 pnpm bench:http    (more rounds than the default 10)
 */
import { cpuMeasuredLoad, type LoadRun } from './http-load.js';
import { frameworkArgument, frameworks, startServer, type BenchServer as Server, type Framework, type Instrumentation } from './http-server.js';
import { median, printVerdicts, quartileRange, twinResolution, verdict } from './support.js';

/** More rounds narrow the medians when the machine is noisy: `VIGIL_HTTP_ROUNDS=30 pnpm bench:http`. */
const rounds = Number(process.env.VIGIL_HTTP_ROUNDS ?? 10);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`bench:http: VIGIL_HTTP_ROUNDS must be a positive integer, got "${process.env.VIGIL_HTTP_ROUNDS}"`);
const durationSeconds = 1;
const warmupSeconds = 1;
/** Rounds each set of server processes serves before it is replaced by fresh ones. */
const roundsPerProcess = 2;
/** Unmeasured load right before each measured run. */
const primeSeconds = 0.25;
const connections = 10;

const allVariants: ReadonlyArray<readonly [Framework, Instrumentation]> = [
  ['node:http', 'bare'],
  ['node:http', 'bare-twin'],
  ['node:http', 'vigil'],
  ['node:http', 'vigil-middleware-only'],
  ['node:http', 'vigil-registry-only'],
  ['node:http', 'empty-hook'],
  ['node:http', 'opentelemetry'],
  ['express', 'bare'],
  ['express', 'bare-twin'],
  ['express', 'vigil'],
  ['express', 'vigil-middleware-only'],
  ['express', 'vigil-registry-only'],
  ['express', 'vigil-express-middleware'],
  ['express', 'empty-hook'],
  ['express', 'express-prom-bundle'],
  ['express', 'opentelemetry'],
  ['fastify', 'bare'],
  ['fastify', 'bare-twin'],
  ['fastify', 'vigil'],
  ['fastify', 'vigil-middleware-only'],
  ['fastify', 'vigil-registry-only'],
  ['fastify', 'empty-hook'],
  ['fastify', 'fastify-metrics'],
  ['fastify', 'opentelemetry'],
];
const only = frameworkArgument('bench:http', process.argv[2]);
const variants = allVariants.filter(([framework]) => only === undefined || framework === only);
const nameOf = ([framework, instrumentation]: readonly [Framework, Instrumentation]): string => `${framework} ${instrumentation}`;

function load(server: Server, seconds: number): Promise<LoadRun> {
  return cpuMeasuredLoad(server.child, server.url, seconds, connections);
}

interface Measurement {
  readonly rps: number;
  readonly p99: number;
  readonly cpuPerRequest: number;
}

async function measure(name: string, server: Server): Promise<Measurement> {
  await load(server, primeSeconds);
  const result = await load(server, durationSeconds);
  if (result.errors > 0) throw new Error(`${name}: ${result.errors} failed requests`);
  return result;
}

/** Median over rounds of a per-round ratio, with the interquartile range of those ratios. */
function roundRatios(
  runs: Map<string, Measurement[]>,
  name: string,
  bare: string,
  pick: (run: Measurement) => number,
): { median: number; iqr: string; ratios: readonly number[] } {
  const ratios = runs.get(name)!.map((run, round) => pick(run) / pick(runs.get(bare)![round]!));
  return { median: median(ratios), iqr: quartileRange(ratios).text, ratios };
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(
    `request-path bench; node ${process.version}; autocannon ${connections} connections, ${primeSeconds} s unmeasured + ${durationSeconds} s measured per server per round, ${rounds} rounds, GET /api/items/:id`,
  );
  const runs = new Map<string, Measurement[]>(variants.map((variant) => [nameOf(variant), []]));
  for (const framework of frameworks) {
    const group = variants.filter(([f]) => f === framework);
    for (let round = 0; round < rounds; round += roundsPerProcess) {
      // A fresh process for every server every few rounds: see the header.
      const servers = new Map<string, Server>();
      try {
        for (const variant of group) servers.set(nameOf(variant), await startServer(...variant));
        for (const server of servers.values()) await load(server, warmupSeconds);
        for (let blockRound = round; blockRound < Math.min(rounds, round + roundsPerProcess); blockRound++) {
          // Each round starts at another server, so no variant always runs first or last.
          for (let i = 0; i < group.length; i++) {
            const name = nameOf(group[(i + blockRound) % group.length]!);
            runs.get(name)!.push(await measure(name, servers.get(name)!));
          }
        }
      } finally {
        for (const server of servers.values()) server.child.kill();
      }
    }
  }

  const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
  console.log(
    `\n  ${'server'.padEnd(32)}${'req/s'.padStart(9)}${'p99 ms'.padStart(8)}${'CPU us/req'.padStart(12)}${'req/s vs bare'.padStart(15)}${'(IQR)'.padStart(13)}${'CPU vs bare'.padStart(13)}${'(IQR)'.padStart(13)}`,
  );
  const rpsOverheads = new Map<string, number>();
  const cpuOverheads = new Map<string, number>();
  for (const variant of variants) {
    const name = nameOf(variant);
    const bare = `${variant[0]} bare`;
    const rpsRatio = roundRatios(runs, name, bare, (run) => run.rps);
    const cpuRatio = roundRatios(runs, name, bare, (run) => run.cpuPerRequest);
    const isBare = name === bare;
    rpsOverheads.set(name, 1 - rpsRatio.median);
    cpuOverheads.set(name, cpuRatio.median - 1);
    const own = runs.get(name)!;
    console.log(
      `  ${name.padEnd(32)}${median(own.map((run) => run.rps)).toFixed(0).padStart(9)}${median(own.map((run) => run.p99)).toFixed(1).padStart(8)}` +
        `${median(own.map((run) => run.cpuPerRequest)).toFixed(1).padStart(12)}${rpsRatio.median.toFixed(3).padStart(15)}${(isBare ? '' : rpsRatio.iqr).padStart(13)}` +
        `${cpuRatio.median.toFixed(3).padStart(13)}${(isBare ? '' : cpuRatio.iqr).padStart(13)}`,
    );
  }
  console.log('  (ratios to the bare server of the same framework: median of per-round ratios; IQR = interquartile range of those ratios)');

  // An identical bare server's spread is what this run can resolve: its median deviation from bare,
  // and how far its per-round ratios range (the interquartile range).
  const noiseFloor = new Map<Framework, { rps: number; cpu: number; rpsSpread: number; resolution: number }>();
  console.log('\nnoise floor (bare-twin: a second, identical bare server measured like the others)');
  for (const framework of frameworks) {
    if (!runs.has(`${framework} bare`)) continue;
    const twin = `${framework} bare-twin`;
    const bare = `${framework} bare`;
    const rps = roundRatios(runs, twin, bare, (run) => run.rps);
    const cpu = roundRatios(runs, twin, bare, (run) => run.cpuPerRequest);
    const { offset, spread, resolution } = twinResolution(rps.ratios);
    noiseFloor.set(framework, { rps: offset, cpu: Math.abs(cpu.median - 1), rpsSpread: spread, resolution });
    console.log(
      `  ${framework}: req/s ${percent(rps.median - 1)} (per-round IQR ${rps.iqr}), CPU per request ${percent(cpu.median - 1)} (IQR ${cpu.iqr}) against bare`,
    );
  }

  for (const [framework, peer] of [['express', 'express-prom-bundle'], ['fastify', 'fastify-metrics']] as const) {
    if (!runs.has(`${framework} bare`)) continue;
    const ours = cpuOverheads.get(`${framework} vigil`)!;
    const theirs = cpuOverheads.get(`${framework} ${peer}`)!;
    verdict(
      `${framework}: Vigil CPU overhead per request <= 1/3 of ${peer}'s`,
      ours <= theirs / 3,
      `${percent(ours)} vs ${percent(theirs)} = ${(ours / theirs).toFixed(2)}x (noise floor ${percent(noiseFloor.get(framework)!.cpu)})`,
    );
  }
  for (const framework of frameworks) {
    if (!runs.has(`${framework} bare`)) continue;
    const ours = rpsOverheads.get(`${framework} vigil`)!;
    const floor = noiseFloor.get(framework)!;
    const resolution = floor.resolution;
    const unresolvable = Math.abs(ours - 0.05) <= resolution;
    verdict(
      `${framework}: Vigil within 5% of the bare app's req/s`,
      ours <= 0.05,
      `${percent(ours)} fewer req/s (CPU per request ${percent(cpuOverheads.get(`${framework} vigil`)!)}); bare-twin ${percent(floor.rps)} off bare, ` +
        `per-round spread up to ${percent(floor.rpsSpread)}, so the median is good to ${percent(resolution)}` +
        `${unresolvable ? ': too close to 5% for this run to resolve either way' : ''}`,
    );
  }
  printVerdicts();
  console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

await main();
