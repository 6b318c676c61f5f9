/**
 * The request path, side by side in one run: node:http, Express and Fastify servers, each bare,
 * with Vigil's HTTP RED middleware, with the instrumentation users run today (express-prom-bundle,
 * fastify-metrics) and with OpenTelemetry's HTTP instrumentation and Prometheus exporter. Each
 * server runs in its own process; autocannon drives it on loopback with bounded connections and
 * duration. Each framework's servers run one after another in short rounds, their order rotating,
 * so a server and its bare twin are measured seconds apart; ratios to the bare server are
 * computed within each round and their median reported. Besides req/s and p99 latency, the
 * server's own CPU time per request is read, the figure other load on the machine moves least.
 *
 *   pnpm bench:http     (also part of `pnpm bench`)
 *   pnpm bench:http express    (one framework: node:http, express or fastify)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { serve, type Framework, type Instrumentation } from './http-server.js';
import { median, pairedRatio, printVerdicts, verdict, type RoundSamples } from './support.js';

const rounds = 6;
const durationSeconds = 2;
const warmupSeconds = 1;
const connections = 10;

const allVariants: ReadonlyArray<readonly [Framework, Instrumentation]> = [
  ['node:http', 'bare'],
  ['node:http', 'vigil'],
  ['node:http', 'vigil-middleware-only'],
  ['node:http', 'opentelemetry'],
  ['express', 'bare'],
  ['express', 'vigil'],
  ['express', 'vigil-middleware-only'],
  ['express', 'express-prom-bundle'],
  ['express', 'opentelemetry'],
  ['fastify', 'bare'],
  ['fastify', 'vigil'],
  ['fastify', 'vigil-middleware-only'],
  ['fastify', 'fastify-metrics'],
  ['fastify', 'opentelemetry'],
];
const frameworks: readonly Framework[] = ['node:http', 'express', 'fastify'];
const only = process.argv[2] === '--serve' ? undefined : (process.argv[2] as Framework | undefined);
if (only !== undefined && !frameworks.includes(only)) throw new Error(`bench:http: unknown framework "${only}"; expected one of ${frameworks.join(', ')}`);
const variants = allVariants.filter(([framework]) => only === undefined || framework === only);
const nameOf = ([framework, instrumentation]: readonly [Framework, Instrumentation]): string => `${framework} ${instrumentation}`;

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
}

async function start(variant: readonly [Framework, Instrumentation]): Promise<Server> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', ...variant], { execArgv: ['--conditions=vigil-source', '--import', 'tsx'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`${nameOf(variant)} server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}/api/items/42` };
}

function cpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (message: { cpuMicros: number }) => resolve(message.cpuMicros));
    child.send('cpu');
  });
}

async function load(server: Server, seconds: number): Promise<{ rps: number; p99: number; cpuPerRequest: number; errors: number }> {
  const cpuBefore = await cpuMicros(server.child);
  const result = await autocannon({ url: server.url, connections, duration: seconds });
  const cpu = (await cpuMicros(server.child)) - cpuBefore;
  return { rps: result.requests.average, p99: result.latency.p99, cpuPerRequest: cpu / result.requests.total, errors: result.errors + result.non2xx };
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`request-path bench; node ${process.version}; autocannon ${connections} connections, ${durationSeconds} s x ${rounds} rounds per server, GET /api/items/:id`);
  const servers = new Map<string, Server>();
  const rps: RoundSamples = new Map();
  const p99: RoundSamples = new Map();
  const cpu: RoundSamples = new Map();
  try {
    for (const variant of variants) {
      const server = await start(variant);
      servers.set(nameOf(variant), server);
      rps.set(nameOf(variant), []);
      p99.set(nameOf(variant), []);
      cpu.set(nameOf(variant), []);
      await load(server, warmupSeconds);
    }
    for (const framework of frameworks) {
      const group = variants.filter(([f]) => f === framework).map(nameOf);
      for (let round = 0; round < rounds; round++) {
        // Each round starts at another server, so no variant always runs first or last.
        for (let i = 0; i < group.length; i++) {
          const name = group[(i + round) % group.length]!;
          const result = await load(servers.get(name)!, durationSeconds);
          if (result.errors > 0) throw new Error(`${name}: ${result.errors} failed requests`);
          rps.get(name)!.push(result.rps);
          p99.get(name)!.push(result.p99);
          cpu.get(name)!.push(result.cpuPerRequest);
        }
      }
    }
  } finally {
    for (const server of servers.values()) server.child.kill();
  }

  const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
  console.log(`\n  ${'server'.padEnd(32)}${'req/s'.padStart(9)}${'p99 ms'.padStart(8)}${'CPU us/req'.padStart(12)}${'req/s vs bare'.padStart(15)}${'CPU overhead'.padStart(14)}`);
  const rpsOverheads = new Map<string, number>();
  const cpuOverheads = new Map<string, number>();
  for (const variant of variants) {
    const name = nameOf(variant);
    const bare = `${variant[0]} bare`;
    const rpsRatio = pairedRatio(rps, rounds, (get) => get(name) / get(bare));
    const cpuRatio = pairedRatio(cpu, rounds, (get) => get(name) / get(bare));
    rpsOverheads.set(name, 1 - rpsRatio);
    cpuOverheads.set(name, cpuRatio - 1);
    console.log(
      `  ${name.padEnd(32)}${median(rps.get(name)!).toFixed(0).padStart(9)}${median(p99.get(name)!).toFixed(1).padStart(8)}${median(cpu.get(name)!).toFixed(1).padStart(12)}${rpsRatio.toFixed(3).padStart(15)}${percent(cpuRatio - 1).padStart(14)}`,
    );
  }
  console.log('  (ratios to the bare server of the same framework: median of per-round ratios; CPU overhead = server CPU per request / bare - 1)');

  for (const [framework, peer] of [['express', 'express-prom-bundle'], ['fastify', 'fastify-metrics']] as const) {
    if (!servers.has(`${framework} bare`)) continue;
    const ours = cpuOverheads.get(`${framework} vigil`)!;
    const theirs = cpuOverheads.get(`${framework} ${peer}`)!;
    verdict(`${framework}: Vigil CPU overhead per request <= 1/3 of ${peer}'s`, ours <= theirs / 3, `${percent(ours)} vs ${percent(theirs)}`);
  }
  for (const framework of frameworks) {
    if (!servers.has(`${framework} bare`)) continue;
    const ours = rpsOverheads.get(`${framework} vigil`)!;
    verdict(`${framework}: Vigil within 5% of the bare app's req/s`, ours <= 0.05, `${percent(ours)} fewer req/s (CPU per request ${percent(cpuOverheads.get(`${framework} vigil`)!)})`);
  }
  printVerdicts();
  console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3] as Framework, process.argv[4] as Instrumentation);
} else {
  await main();
}
