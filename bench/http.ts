/**
 * The request path, side by side in one run: node:http, Express and Fastify servers, each bare,
 * with Vigil's HTTP RED middleware, with the instrumentation users run today (express-prom-bundle,
 * fastify-metrics) and with OpenTelemetry's HTTP instrumentation and Prometheus exporter. Each
 * server runs in its own process; autocannon drives it on loopback with bounded connections and
 * duration. Rounds interleave the servers; medians are reported, and ratios to the bare server
 * of the same framework are computed within each round.
 *
 *   pnpm bench:http     (also part of `pnpm bench`)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { serve, type Framework, type Instrumentation } from './http-server.js';
import { median, pairedRatio, printVerdicts, verdict, type RoundSamples } from './support.js';

const rounds = 3;
const durationSeconds = 4;
const warmupSeconds = 1;
const connections = 10;

const variants: ReadonlyArray<readonly [Framework, Instrumentation]> = [
  ['node:http', 'bare'],
  ['node:http', 'vigil'],
  ['node:http', 'opentelemetry'],
  ['express', 'bare'],
  ['express', 'vigil'],
  ['express', 'express-prom-bundle'],
  ['express', 'opentelemetry'],
  ['fastify', 'bare'],
  ['fastify', 'vigil'],
  ['fastify', 'fastify-metrics'],
  ['fastify', 'opentelemetry'],
];
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

async function load(url: string, seconds: number): Promise<{ rps: number; p99: number; errors: number }> {
  const result = await autocannon({ url, connections, duration: seconds });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(`request-path bench; node ${process.version}; autocannon ${connections} connections, ${durationSeconds} s x ${rounds} rounds per server, GET /api/items/:id`);
  const servers = new Map<string, Server>();
  const rps: RoundSamples = new Map();
  const p99: RoundSamples = new Map();
  try {
    for (const variant of variants) {
      const server = await start(variant);
      servers.set(nameOf(variant), server);
      rps.set(nameOf(variant), []);
      p99.set(nameOf(variant), []);
      await load(server.url, warmupSeconds);
    }
    for (let round = 0; round < rounds; round++) {
      // Each round starts at another server, so no variant always runs first or last.
      for (let i = 0; i < variants.length; i++) {
        const name = nameOf(variants[(i + round * 4) % variants.length]!);
        const result = await load(servers.get(name)!.url, durationSeconds);
        if (result.errors > 0) throw new Error(`${name}: ${result.errors} failed requests`);
        rps.get(name)!.push(result.rps);
        p99.get(name)!.push(result.p99);
      }
    }
  } finally {
    for (const server of servers.values()) server.child.kill();
  }

  console.log(`\n  ${'server'.padEnd(32)}${'req/s'.padStart(9)}${'p99 ms'.padStart(8)}${'req/s vs bare'.padStart(15)}${'overhead'.padStart(10)}`);
  const overheads = new Map<string, number>();
  for (const variant of variants) {
    const name = nameOf(variant);
    const bare = `${variant[0]} bare`;
    const ratio = pairedRatio(rps, rounds, (get) => get(name) / get(bare));
    overheads.set(name, 1 - ratio);
    console.log(
      `  ${name.padEnd(32)}${median(rps.get(name)!).toFixed(0).padStart(9)}${median(p99.get(name)!).toFixed(1).padStart(8)}${ratio.toFixed(3).padStart(15)}${`${((1 - ratio) * 100).toFixed(1)}%`.padStart(10)}`,
    );
  }
  console.log('  (overhead: 1 - req/s ratio to the bare server of the same framework, median of per-round ratios)');

  const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
  for (const [framework, peer] of [['express', 'express-prom-bundle'], ['fastify', 'fastify-metrics']] as const) {
    const ours = overheads.get(`${framework} vigil`)!;
    const theirs = overheads.get(`${framework} ${peer}`)!;
    verdict(`${framework}: Vigil overhead <= 1/3 of ${peer}'s`, ours <= theirs / 3, `${percent(ours)} vs ${percent(theirs)}`);
  }
  for (const framework of ['node:http', 'express', 'fastify'] as const) {
    const ours = overheads.get(`${framework} vigil`)!;
    verdict(`${framework}: Vigil within 5% of the bare app's req/s`, ours <= 0.05, `${percent(ours)} overhead`);
  }
  printVerdicts();
  console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3] as Framework, process.argv[4] as Instrumentation);
} else {
  await main();
}
