/**
 * The HTTP servers of the request-path benches (bench/http.ts, bench/http-paired.ts, bench/http-instructions.ts,
 * bench/http-profile.ts), in a process of their own so the load generator's work never lands on the
 * measured event loop. `startServer` forks this file with `<framework> <instrumentation>` and
 * `startPair` with `paired` added (a bare app and the instrumented one, in one process); the servers
 * listen on loopback ports, tell the parent over IPC, and run until killed.
 *
 * Every variant serves GET /api/items/:id (a small JSON body) and /metrics. Instrumentation is
 * set up as each library's README shows, with its default metrics on where it has them
 * (express-prom-bundle is given prom-client's, as Vigil and fastify-metrics collect them by default).
 * With VIGIL_BENCH_DEFAULT_METRICS=off in its environment, no variant collects default metrics:
 * bench/http-instructions.ts counts the request path only, and default metrics sample the event
 * loop on a timer, work that a slowed-down process (valgrind) does more of per request.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

export const frameworks = ['node:http', 'express', 'fastify'] as const;
export type Framework = (typeof frameworks)[number];
/**
 * - `bare-twin` is a second, identical bare server: the bench's noise floor (bare vs bare).
 * - `vigil-middleware-only` is Vigil without prom-client's default Node metrics.
 * - `vigil-registry-only` creates Vigil's metrics (default metrics included) and serves /metrics,
 *   but measures no request: what the process pays for having the registry at all.
 * - `vigil-express-middleware` (Express only) is Vigil's Express middleware, `app.use()`d; `vigil`
 *   on Express is the app measured from the server's side (`expressHandler`), as the README leads with.
 * - `empty-hook` adds the framework hooks Vigil's integration uses, doing nothing: on Fastify an
 *   `onRequest` hook adding an empty 'close' listener to the raw response and an `onSend` hook passing
 *   the payload on; on node:http and Express an empty 'close' listener on each response, added
 *   around the app's handler. What the framework charges for the hooks, before Vigil's code runs.
 */
export type Instrumentation =
  | 'bare'
  | 'bare-twin'
  | 'vigil'
  | 'vigil-middleware-only'
  | 'vigil-registry-only'
  | 'vigil-express-middleware'
  | 'empty-hook'
  | 'express-prom-bundle'
  | 'fastify-metrics'
  | 'opentelemetry';

/** Each framework's most-used metrics library, the peer Vigil's request path is judged against (node:http has none). */
export const requestPathPeers: Readonly<Record<Framework, Instrumentation | undefined>> = { 'node:http': undefined, express: 'express-prom-bundle', fastify: 'fastify-metrics' };

/** The framework named on a bench's command line, if any; anything else is an error naming the choices. */
export function frameworkArgument(bench: string, argument: string | undefined): Framework | undefined {
  if (argument === undefined) return undefined;
  const found = frameworks.find((framework) => framework === argument);
  if (found === undefined) throw new Error(`${bench}: unknown framework "${argument}"; expected one of ${frameworks.join(', ')}`);
  return found;
}

export interface BenchServer {
  readonly child: ChildProcess;
  /** The URL every load generator requests: GET /api/items/42. */
  readonly url: string;
}

/**
 * Sends the server `message` and resolves with its reply's `key`: `cpu` (answered with `cpuMicros`),
 * `profile-start` (`profiling`) and `profile-stop` (`profile`). Rejects if the server exits first,
 * so a crashed server cannot hang a bench.
 */
export function ask<T>(child: ChildProcess, message: 'cpu' | 'profile-start' | 'profile-stop', key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (reply: Record<string, unknown>): void => {
      if (!(key in reply)) return;
      child.off('message', listener);
      child.off('exit', exited);
      resolve(reply[key] as T);
    };
    const exited = (code: number | null): void => {
      child.off('message', listener);
      reject(new Error(`bench server exited with ${code} while waiting for "${key}"`));
    };
    child.on('message', listener);
    child.once('exit', exited);
    child.send(message);
  });
}

/**
 * Starts this file with `args` and resolves with the ports its servers listen on; rejects if it
 * exits first. `wrapper` runs Node under another program (bench/http-instructions.ts: valgrind),
 * with the same IPC channel as a fork.
 */
async function forkServers(args: readonly string[], wrapper: readonly string[] = [], nodeFlags: readonly string[] = []): Promise<{ child: ChildProcess; ports: readonly number[] }> {
  const execArgv = [...nodeFlags, '--conditions=vigil-source', '--import', 'tsx'];
  const file = fileURLToPath(import.meta.url);
  const child =
    wrapper.length === 0
      ? fork(file, args, { execArgv })
      : spawn(wrapper[0]!, [...wrapper.slice(1), process.execPath, ...execArgv, file, ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ports = await new Promise<readonly number[]>((resolve, reject) => {
    child.once('message', (message: { ports: readonly number[] }) => resolve(message.ports));
    child.once('exit', (code) => reject(new Error(`${[...wrapper, ...args].join(' ')} server exited with ${code}`)));
  });
  return { child, ports };
}

const urlOf = (port: number): string => `http://127.0.0.1:${port}/api/items/42`;

/**
 * Forks this file as one server (under `wrapper`, if given, and with Node's `nodeFlags`) and resolves
 * once it listens; rejects if it exits first.
 */
export async function startServer(framework: Framework, instrumentation: Instrumentation, wrapper?: readonly string[], nodeFlags?: readonly string[]): Promise<BenchServer> {
  const { child, ports } = await forkServers([framework, instrumentation], wrapper, nodeFlags);
  return { child, url: urlOf(ports[0]!) };
}

export interface BenchPair {
  readonly child: ChildProcess;
  /** The bare server's URL in the shared process. */
  readonly bareUrl: string;
  /** The instrumented server's URL in the same process. */
  readonly url: string;
}

/**
 * Forks one process serving two apps of `framework` on two ports: a bare one and one with
 * `instrumentation` (bench/http-paired.ts). Both share the process's heap, code layout and JIT
 * state, so a ratio between them carries none of the luck that sets two processes apart.
 */
export async function startPair(framework: Framework, instrumentation: Instrumentation): Promise<BenchPair> {
  if (instrumentation === 'opentelemetry') throw new Error('opentelemetry patches node:http for every server of a process; it cannot be paired');
  const { child, ports } = await forkServers([framework, instrumentation, 'paired']);
  return { child, bareUrl: urlOf(ports[0]!), url: urlOf(ports[1]!) };
}

const require = createRequire(import.meta.url);
const ignore = (): void => {};
const item = (id: string): string => JSON.stringify({ id, name: 'widget', price: 12.5 });
/** Whether instrumentation that has default metrics collects them (see the top of this file). */
const defaultMetrics = process.env.VIGIL_BENCH_DEFAULT_METRICS !== 'off';

/**
 * OpenTelemetry's HTTP instrumentation patches node:http when it is required, so it is set up
 * before any framework loads; its metrics are read by the Prometheus exporter's own handler.
 */
async function setUpOpenTelemetry(): Promise<(request: IncomingMessage, response: ServerResponse) => void> {
  const { metrics } = await import('@opentelemetry/api');
  const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
  const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
  const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
  const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  metrics.setGlobalMeterProvider(meterProvider);
  registerInstrumentations({ instrumentations: [new HttpInstrumentation()], meterProvider });
  return (request, response) => exporter.getMetricsRequestHandler(request, response);
}

async function vigilMetrics(instrumentation: Instrumentation): Promise<import('@vigil/metrics').VigilMetrics> {
  const { createVigilMetrics } = await import('@vigil/metrics');
  return createVigilMetrics({ defaultLabels: { service: 'bench' }, collectDefaultMetrics: defaultMetrics && instrumentation !== 'vigil-middleware-only' });
}

async function nodeServer(instrumentation: Instrumentation, otelMetrics?: (request: IncomingMessage, response: ServerResponse) => void): Promise<import('node:http').Server> {
  const http = require('node:http') as typeof import('node:http');
  const vigil = instrumentation.startsWith('vigil') ? await vigilMetrics(instrumentation) : undefined;
  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const url = request.url ?? '/';
    if (url === '/metrics') {
      if (vigil !== undefined) void vigil.metricsHandler(request, response);
      else if (otelMetrics !== undefined) otelMetrics(request, response);
      else response.end();
      return;
    }
    if (url.startsWith('/api/items/')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(item(url.slice('/api/items/'.length)));
      return;
    }
    response.writeHead(404);
    response.end();
  };
  // Both wrap the handler, as Vigil's does, so the bare handler carries no branch for them.
  if (instrumentation === 'empty-hook') {
    return http.createServer((request, response) => {
      response.on('close', ignore);
      handler(request, response);
    });
  }
  const measured = vigil !== undefined && instrumentation !== 'vigil-registry-only';
  return http.createServer(measured ? vigil.httpHandler(handler, { routes: ['/api/items/:id'] }) : handler);
}

async function expressServer(instrumentation: Instrumentation, otelMetrics?: (request: IncomingMessage, response: ServerResponse) => void): Promise<import('node:http').Server> {
  const http = require('node:http') as typeof import('node:http');
  const express = require('express') as typeof import('express');
  const app = express();
  let serverHandler: (request: IncomingMessage, response: ServerResponse) => void = app;
  if (instrumentation.startsWith('vigil')) {
    const vigil = await vigilMetrics(instrumentation);
    if (instrumentation === 'vigil-express-middleware') app.use(vigil.expressMiddleware());
    else if (instrumentation !== 'vigil-registry-only') serverHandler = vigil.expressHandler(app);
    app.get('/metrics', vigil.metricsHandler);
  } else if (instrumentation === 'empty-hook') {
    serverHandler = (request, response) => {
      response.on('close', ignore);
      app(request, response);
    };
  } else if (instrumentation === 'express-prom-bundle') {
    const promBundle = require('express-prom-bundle') as typeof import('express-prom-bundle');
    app.use(promBundle({ includeMethod: true, includePath: true, includeStatusCode: true, ...(defaultMetrics ? { promClient: { collectDefaultMetrics: {} } } : {}) }));
  } else if (otelMetrics !== undefined) {
    app.get('/metrics', (request, response) => otelMetrics(request, response));
  }
  app.get('/api/items/:id', (request, response) => {
    response.type('application/json').send(item(request.params.id));
  });
  return http.createServer(serverHandler);
}

async function fastifyServer(instrumentation: Instrumentation, otelMetrics?: (request: IncomingMessage, response: ServerResponse) => void): Promise<import('node:http').Server> {
  const fastify = require('fastify') as typeof import('fastify');
  const app = fastify.default();
  if (instrumentation.startsWith('vigil')) {
    const vigil = await vigilMetrics(instrumentation);
    if (instrumentation !== 'vigil-registry-only') await app.register(vigil.fastifyPlugin);
    app.get('/metrics', async (request, reply) => {
      const scrape = await vigil.scrape(request.headers.accept);
      return reply.type(scrape.contentType).send(scrape.bytes);
    });
  } else if (instrumentation === 'empty-hook') {
    // Vigil's two hooks, empty: an `onRequest` one adding a 'close' listener to the raw response, and
    // an `onSend` one passing the payload on.
    app.addHook('onRequest', (_request, reply, done) => {
      reply.raw.on('close', ignore);
      done();
    });
    app.addHook('onSend', (_request, _reply, payload, done) => done(null, payload));
  } else if (instrumentation === 'fastify-metrics') {
    const fastifyMetrics = require('fastify-metrics') as { default: Parameters<typeof app.register>[0] };
    await app.register(fastifyMetrics.default, { endpoint: '/metrics', defaultMetrics: { enabled: defaultMetrics } });
  } else if (otelMetrics !== undefined) {
    app.get('/metrics', (request, reply) => {
      reply.hijack();
      otelMetrics(request.raw, reply.raw);
    });
  }
  app.get('/api/items/:id', async (request, reply) => reply.type('application/json').send(item((request.params as { id: string }).id)));
  await app.ready();
  return app.server;
}

function buildServer(framework: Framework, instrumentation: Instrumentation, otelMetrics?: (request: IncomingMessage, response: ServerResponse) => void): Promise<import('node:http').Server> {
  if (framework === 'node:http') return nodeServer(instrumentation, otelMetrics);
  if (framework === 'express') return expressServer(instrumentation, otelMetrics);
  return fastifyServer(instrumentation, otelMetrics);
}

/** Serves `instrumentation`'s app, and with `paired` a bare app of the same framework first, in this process. */
export async function serve(framework: Framework, instrumentation: Instrumentation, paired: boolean): Promise<void> {
  const otelMetrics = instrumentation === 'opentelemetry' ? await setUpOpenTelemetry() : undefined;
  const servers = paired ? [await buildServer(framework, 'bare'), await buildServer(framework, instrumentation)] : [await buildServer(framework, instrumentation, otelMetrics)];
  for (const server of servers) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The parent reads this process's CPU time around each load run: CPU per request is the
  // figure least moved by other processes on the machine.
  process.on('message', (message) => {
    if (message === 'profile-start') void startProfile();
    else if (message === 'profile-stop') void stopProfile();
    else if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ cpuMicros: user + system });
    }
  });
  process.send!({ ports: servers.map((server) => (server.address() as { port: number }).port) });
}

/**
 * V8's sampling profiler over one measured window (bench/http-profile.ts): started and stopped on
 * IPC messages, so start-up and warm-up stay out of the profile; the profile goes back over IPC.
 */
const profiler = new Session();
/** Microseconds between samples: 10 s of load gives some 200,000 samples. */
const profileSamplingMicros = 50;

async function startProfile(): Promise<void> {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.setSamplingInterval', { interval: profileSamplingMicros });
  await profiler.post('Profiler.start');
  process.send!({ profiling: true });
}

async function stopProfile(): Promise<void> {
  const { profile } = await profiler.post('Profiler.stop');
  profiler.disconnect();
  process.send!({ profile });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await serve(frameworkArgument('bench server', process.argv[2]) ?? 'node:http', process.argv[3] as Instrumentation, process.argv[4] === 'paired');
}
