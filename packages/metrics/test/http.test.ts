import { createServer, type Server } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { setRouteTemplate, unmatchedRoute } from '../src/index.js';
import { findSamples, sampleValue } from './helpers/exposition.js';
import { isolatedVigil, samplesOf } from './helpers/vigil.js';

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

const count = 'http_request_duration_seconds_count';

/** No series may carry a raw path: every route label is a template or `unmatched`. */
function routeLabels(samples: Awaited<ReturnType<typeof samplesOf>>): Set<string> {
  return new Set(findSamples(samples, count).map((sample) => sample.labels.route!));
}

describe('HTTP RED middleware', () => {
  it('node:http: labels by matched template, unmatched paths by a fixed label', async () => {
    const vigil = isolatedVigil();
    const handler = vigil.httpHandler(
      (request, response) => {
        if (request.url?.startsWith('/api/items/')) {
          const id = request.url.split('/')[3]!.split('?')[0]!;
          response.writeHead(id === 'missing' ? 404 : 200).end(id);
        } else if (request.url === '/custom') {
          setRouteTemplate(request, '/custom-template');
          response.writeHead(204).end();
        } else {
          response.writeHead(404).end();
        }
      },
      { routes: ['/api/items/:id', '/health'] },
    );
    const base = await listen(createServer(handler));
    for (const path of ['/api/items/1', '/api/items/2?x=1', '/api/items/missing', '/nope/1', '/nope/2', '/custom']) {
      await (await fetch(base + path)).text();
    }
    await (await fetch(`${base}/api/items/3`, { method: 'POST' })).text();
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, count, { method: 'GET', route: '/api/items/:id', status_code: '200' })).toBe(2);
    expect(sampleValue(samples, count, { method: 'GET', route: '/api/items/:id', status_code: '404' })).toBe(1);
    expect(sampleValue(samples, count, { method: 'POST', route: '/api/items/:id', status_code: '200' })).toBe(1);
    expect(sampleValue(samples, count, { method: 'GET', route: unmatchedRoute, status_code: '404' })).toBe(2);
    expect(sampleValue(samples, count, { route: '/custom-template', status_code: '204' })).toBe(1);
    expect(routeLabels(samples)).toEqual(new Set(['/api/items/:id', unmatchedRoute, '/custom-template']));
  });

  it('Express: labels by route template including the router mount path', async () => {
    const vigil = isolatedVigil();
    const app = express();
    app.use(vigil.expressMiddleware());
    app.get('/api/items/:id', (request, response) => {
      response.status(request.params.id === 'bad' ? 500 : 200).send('ok');
    });
    const admin = express.Router();
    admin.get('/users/:userId', (_request, response) => {
      response.send('user');
    });
    app.use('/admin', admin);
    const base = await listen(createServer(app));
    for (const path of ['/api/items/1', '/api/items/2', '/api/items/bad', '/admin/users/9', '/unknown/7', '/unknown/8']) {
      await (await fetch(base + path)).text();
    }
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, count, { method: 'GET', route: '/api/items/:id', status_code: '200' })).toBe(2);
    expect(sampleValue(samples, count, { method: 'GET', route: '/api/items/:id', status_code: '500' })).toBe(1);
    expect(sampleValue(samples, count, { route: '/admin/users/:userId', status_code: '200' })).toBe(1);
    expect(sampleValue(samples, count, { route: unmatchedRoute, status_code: '404' })).toBe(2);
    expect(routeLabels(samples)).toEqual(new Set(['/api/items/:id', '/admin/users/:userId', unmatchedRoute]));
  });

  it('Fastify: labels by route url, 404s as unmatched, and serves /metrics through scrape()', async () => {
    const vigil = isolatedVigil();
    const app = Fastify();
    await app.register(vigil.fastifyPlugin);
    app.get('/api/items/:id', async (request, reply) => {
      const { id } = request.params as { id: string };
      if (id === 'slow') await new Promise((resolve) => setTimeout(resolve, 60));
      return reply.code(id === 'gone' ? 410 : 200).send({ id });
    });
    app.get('/metrics', async (request, reply) => {
      const scrape = await vigil.scrape(request.headers.accept);
      return reply.type(scrape.contentType).send(scrape.body);
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const { port } = app.server.address() as { port: number };
    const base = `http://127.0.0.1:${port}`;
    for (const path of ['/api/items/1', '/api/items/gone', '/api/items/slow', '/missing/1']) {
      await (await fetch(base + path)).text();
    }
    const scraped = await fetch(`${base}/metrics`);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, count, { method: 'GET', route: '/api/items/:id', status_code: '200' })).toBe(2);
    expect(sampleValue(samples, count, { route: '/api/items/:id', status_code: '410' })).toBe(1);
    expect(sampleValue(samples, count, { route: unmatchedRoute, status_code: '404' })).toBe(1);
    expect(sampleValue(samples, 'http_request_duration_seconds_sum', { route: '/api/items/:id', status_code: '200' })).toBeGreaterThanOrEqual(0.05);
    expect(routeLabels(samples)).toEqual(new Set(['/api/items/:id', unmatchedRoute]));
  });

  it('skips /metrics and health probes by default in every integration, and measures them when told to', async () => {
    // A readiness probe answering 503 during an outage must not count as a 5xx of the service.
    const probePaths = ['/metrics', '/health', '/health/live', '/health/ready?verbose=1'];
    const answer = (path: string | undefined): number => (path?.startsWith('/health/ready') ? 503 : 200);

    const nodeVigil = isolatedVigil();
    const nodeBase = await listen(
      createServer(
        nodeVigil.httpHandler((request, response) => {
          response.writeHead(answer(request.url)).end();
        }, {
          routes: ['/metrics', '/health', '/health/live', '/health/ready', '/api'],
        }),
      ),
    );

    const expressVigil = isolatedVigil();
    const app = express();
    app.use(expressVigil.expressMiddleware());
    for (const path of ['/metrics', '/health', '/health/live', '/health/ready', '/api']) {
      app.get(path, (request, response) => {
        response.status(answer(request.url)).send('');
      });
    }
    const expressBase = await listen(createServer(app));

    const fastifyVigil = isolatedVigil();
    const fastify = Fastify();
    await fastify.register(fastifyVigil.fastifyPlugin);
    for (const path of ['/metrics', '/health', '/health/live', '/health/ready', '/api']) {
      fastify.get(path, async (request, reply) => reply.code(answer(request.url)).send(''));
    }
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => fastify.close());
    const fastifyBase = `http://127.0.0.1:${(fastify.server.address() as { port: number }).port}`;

    const measuredEverything = isolatedVigil({ excludePaths: [] });
    const measuredBase = await listen(
      createServer(measuredEverything.httpHandler((request, response) => {
          response.writeHead(answer(request.url)).end();
        }, { routes: ['/health/ready'] })),
    );

    for (const base of [nodeBase, expressBase, fastifyBase]) {
      for (const path of [...probePaths, '/api']) expect((await fetch(base + path)).status).toBe(answer(path));
    }
    expect((await fetch(`${measuredBase}/health/ready`)).status).toBe(503);

    for (const vigil of [nodeVigil, expressVigil, fastifyVigil]) {
      const samples = await samplesOf(vigil);
      expect(routeLabels(samples)).toEqual(new Set(['/api']));
      expect(findSamples(samples, count).some((sample) => sample.labels.status_code === '503')).toBe(false);
    }
    expect(sampleValue(await samplesOf(measuredEverything), count, { route: '/health/ready', status_code: '503' })).toBe(1);
    expect(() => isolatedVigil({ excludePaths: ['health'] })).toThrow(/excludePaths entry "health" must be a path starting with "\/"/);
  });

  it('folds unknown methods into "other" and rejects a route template without a leading slash', async () => {
    const vigil = isolatedVigil();
    const base = await listen(createServer(vigil.httpHandler((_request, response) => void response.end(), { routes: ['/x'] })));
    await (await fetch(`${base}/x`, { method: 'PROPFIND' })).text();
    expect(sampleValue(await samplesOf(vigil), count, { method: 'other', route: '/x' })).toBe(1);
    expect(() => vigil.httpHandler(() => {}, { routes: ['x'] })).toThrow(/route template "x" must start with "\/"/);
  });
});
