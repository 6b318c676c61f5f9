/**
 * Where the instrumented servers of the request-path bench spend their CPU: each server of
 * bench/http.ts runs under load while V8's sampling profiler records it, and every sample whose
 * stack holds the instrumentation's own code (or framework code that only runs because the
 * instrumentation asked for it) is counted as the instrumentation's.
 *
 * What it is for: which code of the instrumentation the server runs per request, and how much of
 * it, in a figure other load on the machine barely moves (a share of one process's own samples).
 * What it is not: the instrumentation's whole cost. It samples the main thread only, and counts only
 * frames it can name, so it leaves out garbage collection on V8's helper threads, Node's dispatch of
 * events to the instrumentation's listeners, and framework work its hooks cause elsewhere (Express's
 * router stepping over one more middleware). bench/http.ts's CPU per request counts all of that; on
 * a quiet run it shows several times the cost this bench attributes (packages/metrics/README.md).
 *
 *   pnpm bench:http-profile            (all frameworks)
 *   pnpm bench:http-profile fastify    (one framework: node:http, express or fastify)
 *   VIGIL_HTTP_PROFILE_SECONDS=20 pnpm bench:http-profile    (longer windows than the default 10 s)
 */
import autocannon from 'autocannon';
import { ask, frameworkArgument, frameworks, startServer, type Framework, type Instrumentation } from './http-server.js';

const seconds = Number(process.env.VIGIL_HTTP_PROFILE_SECONDS ?? 10);
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`bench:http-profile: VIGIL_HTTP_PROFILE_SECONDS must be a positive number, got "${process.env.VIGIL_HTTP_PROFILE_SECONDS}"`);
const warmupSeconds = 3;
const connections = 10;

const only = frameworkArgument('bench:http-profile', process.argv[2]);

const peers: Record<Framework, readonly Instrumentation[]> = {
  'node:http': ['bare', 'vigil', 'vigil-middleware-only', 'opentelemetry'],
  express: ['bare', 'vigil', 'vigil-middleware-only', 'vigil-express-middleware', 'express-prom-bundle', 'opentelemetry'],
  fastify: ['bare', 'vigil', 'vigil-middleware-only', 'fastify-metrics', 'opentelemetry'],
};

/**
 * prom-client and what it runs on: fastify-metrics ships a fork of it (`@prometheus-io/client`), and
 * summaries keep their quantiles in `tdigest` over `bintrees`.
 */
function promClient(own: RegExp): RegExp {
  return new RegExp(`${own.source}|/prom-client/|/@prometheus-io/client/|/tdigest/|/bintrees/`);
}
const fastifyResponseHookFrames = new Set(['setupResponseListeners', 'onResFinished', 'requestCompleted']);
const vigilCode = promClient(/\/packages\/metrics\/|\/@vigil\/metrics\//);
/**
 * What counts as each instrumentation's code: its scripts, by URL, and framework functions that run
 * only because the instrumentation registered a hook. Fastify attaches its response listeners
 * (`setupResponseListeners`, `onResFinished`, which ends in `requestCompleted`) only when an
 * `onResponse` hook exists or a request logger is on, and the bench's servers log nothing.
 */
const ownCode: Record<Instrumentation, { readonly urls: RegExp | undefined; readonly frames: ReadonlySet<string> }> = {
  bare: { urls: undefined, frames: new Set() },
  'bare-twin': { urls: undefined, frames: new Set() },
  vigil: { urls: vigilCode, frames: new Set() },
  'vigil-middleware-only': { urls: vigilCode, frames: new Set() },
  'vigil-registry-only': { urls: vigilCode, frames: new Set() },
  'vigil-express-middleware': { urls: vigilCode, frames: new Set() },
  'empty-hook': { urls: undefined, frames: new Set() },
  'express-prom-bundle': { urls: promClient(/\/express-prom-bundle\/|\/url-value-parser\//), frames: new Set() },
  'fastify-metrics': { urls: promClient(/\/fastify-metrics\//), frames: fastifyResponseHookFrames },
  opentelemetry: { urls: /\/@opentelemetry\//, frames: new Set() },
};

/**
 * Frames that decide nothing on their own: Node's internals, native code, and Fastify's hook
 * runners, which dispatch to whoever registered the hook. A sample belongs to the first frame above
 * its leaf that is not one of these: the instrumentation's, or anyone else's (the framework's, the
 * app's). Counting by the nearest deciding frame, not by any frame on the stack, matters because
 * a hook's `done()` runs the rest of the request under the hook's own frame.
 */
function isDispatch(frame: { readonly functionName: string; readonly url: string }): boolean {
  return frame.url === '' || frame.url.startsWith('node:') || /\/fastify\/lib\/hooks\.js$/.test(frame.url) || frame.functionName === 'onResponseCallback';
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

interface Attribution {
  readonly requests: number;
  /** Microseconds the profiler saw the server doing anything (not idle). */
  readonly busyMicros: number;
  readonly instrumentationMicros: number;
  readonly gcMicros: number;
}

/** Sums sample time by who the nearest deciding frame of each sample belongs to (see isDispatch). */
function attribute(profile: CpuProfile, instrumentation: Instrumentation, requests: number): Attribution {
  const { urls, frames } = ownCode[instrumentation];
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const owned = new Map<number, boolean>();
  const isOwned = (id: number): boolean => {
    const known = owned.get(id);
    if (known !== undefined) return known;
    const frame = byId.get(id)!.callFrame;
    const parent = parentOf.get(id);
    let result: boolean;
    if ((urls !== undefined && urls.test(frame.url)) || frames.has(frame.functionName)) result = true;
    else if (isDispatch(frame)) result = parent !== undefined && isOwned(parent);
    else result = false;
    owned.set(id, result);
    return result;
  };
  let busyMicros = 0;
  let instrumentationMicros = 0;
  let gcMicros = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    // A sample's time is the delta to the next sample.
    const micros = profile.timeDeltas[i + 1] ?? 0;
    const name = byId.get(id)!.callFrame.functionName;
    if (name === '(idle)') continue;
    busyMicros += micros;
    if (name === '(garbage collector)') gcMicros += micros;
    else if (isOwned(id)) instrumentationMicros += micros;
  }
  return { requests, busyMicros, instrumentationMicros, gcMicros };
}

async function profileServer(framework: Framework, instrumentation: Instrumentation): Promise<Attribution> {
  const { child, url } = await startServer(framework, instrumentation);
  try {
    await autocannon({ url, connections, duration: warmupSeconds });
    await ask(child, 'profile-start', 'profiling');
    const result = await autocannon({ url, connections, duration: seconds });
    const profile = await ask<CpuProfile>(child, 'profile-stop', 'profile');
    if (result.errors + result.non2xx > 0) throw new Error(`${framework} ${instrumentation}: ${result.errors + result.non2xx} failed requests`);
    return attribute(profile, instrumentation, result.requests.total);
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log(
    `request-path CPU profile; node ${process.version}; autocannon ${connections} connections, ${warmupSeconds} s warm-up + ${seconds} s profiled per server, GET /api/items/:id`,
  );
  const percent = (value: number): string => `${(value * 100).toFixed(2)}%`;
  console.log(
    `\n  ${'server'.padEnd(32)}${'requests'.padStart(10)}${'busy us/req'.padStart(13)}${'instrumentation'.padStart(17)}${'us/req'.padStart(8)}${'GC share'.padStart(10)}`,
  );
  for (const framework of frameworks.filter((f) => only === undefined || f === only)) {
    for (const instrumentation of peers[framework]) {
      const a = await profileServer(framework, instrumentation);
      const share = a.instrumentationMicros / a.busyMicros;
      console.log(
        `  ${`${framework} ${instrumentation}`.padEnd(32)}${String(a.requests).padStart(10)}${(a.busyMicros / a.requests).toFixed(1).padStart(13)}` +
          `${percent(share).padStart(17)}${(a.instrumentationMicros / a.requests).toFixed(2).padStart(8)}${percent(a.gcMicros / a.busyMicros).padStart(10)}`,
      );
    }
  }
  console.log("  (instrumentation: share of the server's busy samples spent in its code or in framework code run for it; busy = all samples but idle)");
  console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

await main();
