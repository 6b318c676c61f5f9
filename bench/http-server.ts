/**
 * One HTTP server of the request-path bench (bench/http.ts), in its own process so the load
 * generator's work never lands on the measured event loop. `--serve <framework> <instrumentation>`;
 * it listens on a loopback port, tells the parent over IPC, and runs until killed.
 *
 * Every variant serves GET /api/items/:id (a small JSON body) and /metrics. Instrumentation is
 * set up as each library's README shows, with its default metrics on where it has them
 * (express-prom-bundle is given prom-client's, as Vigil and fastify-metrics collect them by default).
 */
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Session } from 'node:inspector/promises';

export type Framework = 'node:http' | 'express' | 'fastify';
/** `bare-twin` is a second, identical bare server: the bench's noise floor (bare vs bare). */
export type Instrumentation = 'bare' | 'bare-twin' | 'vigil' | 'vigil-middleware-only' | 'express-prom-bundle' | 'fastify-metrics' | 'opentelemetry';

const require = createRequire(import.meta.url);
const item = (id: string): string => JSON.stringify({ id, name: 'widget', price: 12.5 });

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

/** `vigil-middleware-only` leaves out prom-client's default Node metrics, to show what the middleware itself costs. */
async function vigilMetrics(instrumentation: Instrumentation): Promise<import('@vigil/metrics').VigilMetrics> {
  const { createVigilMetrics } = await import('@vigil/metrics');
  return createVigilMetrics({ defaultLabels: { service: 'bench' }, collectDefaultMetrics: instrumentation !== 'vigil-middleware-only' });
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
  return http.createServer(vigil === undefined ? handler : vigil.httpHandler(handler, { routes: ['/api/items/:id'] }));
}

async function expressServer(instrumentation: Instrumentation, otelMetrics?: (request: IncomingMessage, response: ServerResponse) => void): Promise<import('node:http').Server> {
  const http = require('node:http') as typeof import('node:http');
  const express = require('express') as typeof import('express');
  const app = express();
  if (instrumentation.startsWith('vigil')) {
    const vigil = await vigilMetrics(instrumentation);
    app.use(vigil.expressMiddleware());
    app.get('/metrics', vigil.metricsHandler);
  } else if (instrumentation === 'express-prom-bundle') {
    const promBundle = require('express-prom-bundle') as typeof import('express-prom-bundle');
    app.use(promBundle({ includeMethod: true, includePath: true, includeStatusCode: true, promClient: { collectDefaultMetrics: {} } }));
  } else if (otelMetrics !== undefined) {
    app.get('/metrics', (request, response) => otelMetrics(request, response));
  }
  app.get('/api/items/:id', (request, response) => {
    response.type('application/json').send(item(request.params.id));
  });
  return http.createServer(app);
}

async function fastifyServer(instrumentation: Instrumentation, otelMetrics?: (request: IncomingMessage, response: ServerResponse) => void): Promise<import('node:http').Server> {
  const fastify = require('fastify') as typeof import('fastify');
  const app = fastify.default();
  if (instrumentation.startsWith('vigil')) {
    const vigil = await vigilMetrics(instrumentation);
    await app.register(vigil.fastifyPlugin);
    app.get('/metrics', async (request, reply) => {
      const scrape = await vigil.scrape(request.headers.accept);
      return reply.type(scrape.contentType).send(scrape.bytes);
    });
  } else if (instrumentation === 'fastify-metrics') {
    const fastifyMetrics = require('fastify-metrics') as { default: Parameters<typeof app.register>[0] };
    await app.register(fastifyMetrics.default, { endpoint: '/metrics' });
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

export async function serve(framework: Framework, instrumentation: Instrumentation): Promise<void> {
  const otelMetrics = instrumentation === 'opentelemetry' ? await setUpOpenTelemetry() : undefined;
  const server =
    framework === 'node:http'
      ? await nodeServer(instrumentation, otelMetrics)
      : framework === 'express'
        ? await expressServer(instrumentation, otelMetrics)
        : await fastifyServer(instrumentation, otelMetrics);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The parent reads this process's CPU time around each load run: CPU per request is the
  // figure least moved by other processes on the machine.
  process.on('message', (message) => {
    if (message === 'profile-start') void startProfile();
    else if (message === 'profile-stop') void stopProfile();
    if (message !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send!({ cpuMicros: user + system });
  });
  process.send!({ port: (server.address() as { port: number }).port });
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
