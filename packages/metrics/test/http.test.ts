import { EventEmitter } from 'node:events';
import { createServer, IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { createRequire } from 'node:module';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { CardinalityGuard, HistogramFamily } from '../src/families.js';
import { catalog } from '../src/catalog.js';
import { HttpRecorder } from '../src/http.js';
import { clientClosedStatus, setRouteTemplate, unmatchedRoute } from '../src/index.js';
import { findSamples, parseExposition, sampleValue } from './helpers/exposition.js';
import { isolatedVigil, samplesOf } from './helpers/vigil.js';

/**
 * Express 4, still the most installed major, next to Express 5: its router keeps mounts as regexps, and
 * its app's `router` getter throws. Its API here is the one Express 5 types describe.
 */
const express4 = createRequire(import.meta.url)('express4') as typeof express;
const expressMajors = [
  ['Express 5', express],
  ['Express 4', express4],
] as const;

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

/** Sends GET `path` (or `send`'s method and body) and drops the connection once the server has the request, before any response. */
async function abandon(base: string, path: string, received: Promise<void>, send?: { readonly method: string; readonly body: string }): Promise<void> {
  const client = httpRequest(base + path, send === undefined ? {} : { method: send.method, headers: { 'content-type': 'application/json' } });
  client.on('error', () => {});
  client.end(send?.body);
  await received;
  client.destroy();
}

/** Polls the exposition until `check` passes; bounded (the 'close' of an abandoned response comes a tick later). */
async function eventually(vigil: ReturnType<typeof isolatedVigil>, check: (samples: Awaited<ReturnType<typeof samplesOf>>) => boolean): Promise<Awaited<ReturnType<typeof samplesOf>>> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const samples = await samplesOf(vigil);
    if (check(samples)) return samples;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return samplesOf(vigil);
}

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

  it('node:http: two VigilMetrics wrapping one handler each count every response', async () => {
    const outer = isolatedVigil();
    const inner = isolatedVigil();
    const routes = { routes: ['/api/items/:id'] };
    const handler = outer.httpHandler(inner.httpHandler((_request, response) => void response.writeHead(200).end('ok'), routes), routes);
    const base = await listen(createServer(handler));
    for (const id of [1, 2, 3]) await (await fetch(`${base}/api/items/${id}`)).text();
    for (const vigil of [outer, inner]) {
      expect(sampleValue(await samplesOf(vigil), count, { method: 'GET', route: '/api/items/:id', status_code: '200' })).toBe(3);
    }
  });

  it("node:http: measures a response that is not the request's own ServerResponse (a test double)", async () => {
    const vigil = isolatedVigil();
    const handler = vigil.httpHandler((_request, response) => void (response.statusCode = 202), { routes: ['/api/items/:id'] });
    const request = new IncomingMessage(new Socket());
    Object.assign(request, { url: '/api/items/9?full=1', method: 'PUT' });
    const response = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: true, req: undefined });
    await handler(request, response as unknown as ServerResponse);
    response.emit('close');
    expect(sampleValue(await samplesOf(vigil), count, { method: 'PUT', route: '/api/items/:id', status_code: '202' })).toBe(1);
  });

  it.each(expressMajors.flatMap(([major, framework]) => (['middleware', 'handler'] as const).map((integration) => [major, integration, framework] as const)))(
    '%s (%s): labels by route template including the router mount path',
    async (_major, integration, express) => {
      const vigil = isolatedVigil();
      const app = express();
      if (integration === 'middleware') app.use(vigil.expressMiddleware());
    app.get('/api/items/:id', (request, response) => {
      response.status(request.params.id === 'bad' ? 500 : 200).send('ok');
    });
    const admin = express.Router();
    admin.get('/users/:userId', (_request, response) => {
      response.send('user');
    });
    app.use('/admin', admin);
    app.use('/orgs/:org', admin);
    const base = await listen(createServer(integration === 'handler' ? vigil.expressHandler(app) : app));
    for (const path of ['/api/items/1', '/api/items/2', '/api/items/bad', '/admin/users/9', '/orgs/acme/users/9', '/unknown/7', '/unknown/8']) {
      await (await fetch(base + path)).text();
    }
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, count, { method: 'GET', route: '/api/items/:id', status_code: '200' })).toBe(2);
    expect(sampleValue(samples, count, { method: 'GET', route: '/api/items/:id', status_code: '500' })).toBe(1);
    expect(sampleValue(samples, count, { route: '/admin/users/:userId', status_code: '200' })).toBe(1);
    expect(sampleValue(samples, count, { route: '/orgs/:org/users/:userId', status_code: '200' })).toBe(1);
    expect(sampleValue(samples, count, { route: unmatchedRoute, status_code: '404' })).toBe(2);
    expect(routeLabels(samples)).toEqual(new Set(['/api/items/:id', '/admin/users/:userId', '/orgs/:org/users/:userId', unmatchedRoute]));
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

  it('Fastify: a route added after the plugin is labelled by a hook of its own, with no routeOptions read; other responses from routeOptions', async () => {
    const vigil = isolatedVigil();
    const app = Fastify();
    // A decorated app's requests inherit from a prototype of the app's own, on which the test can
    // shadow Fastify's `routeOptions` getter (not configurable where Fastify defines it) to count reads.
    app.decorateRequest('testMark', null);
    let requestPrototype: object | undefined;
    app.addHook('onRequest', (request, _reply, done) => {
      requestPrototype ??= Object.getPrototypeOf(request) as object;
      done();
    });
    app.get('/before/:id', async () => 'before');
    await app.register(vigil.fastifyPlugin);
    // App-wide, so it runs after Vigil's app-wide hook and before any route's own.
    app.addHook('onRequest', (request, reply, done) => {
      if (request.url.endsWith('/deny')) void reply.code(403).send('no');
      else done();
    });
    let routeHookCalls = 0;
    const routeHook = (_request: unknown, _reply: unknown, done: () => void): void => {
      routeHookCalls += 1;
      done();
    };
    app.get('/after/:id', { onRequest: routeHook }, async () => 'after');
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    let served = 0;
    const serve = async (path: string): Promise<void> => {
      await (await fetch(base + path)).text();
      served += 1;
      await eventually(vigil, (found) => findSamples(found, count).reduce((total, sample) => total + sample.value, 0) === served);
    };
    await serve('/before/warm-up');
    let getter: (() => unknown) | undefined;
    for (let owner = requestPrototype ?? null; owner !== null && getter === undefined; owner = Object.getPrototypeOf(owner) as object | null) {
      getter = Object.getOwnPropertyDescriptor(owner, 'routeOptions')?.get;
    }
    let reads = 0;
    Object.defineProperty(requestPrototype!, 'routeOptions', {
      configurable: true,
      get(this: object) {
        reads += 1;
        return getter!.call(this);
      },
    });
    const readsFor = async (path: string): Promise<number> => {
      reads = 0;
      await serve(path);
      return reads;
    };
    expect(await readsFor('/after/1')).toBe(0);
    expect(await readsFor('/after/2')).toBe(0);
    expect(await readsFor('/before/1')).toBeGreaterThan(0);
    expect(await readsFor('/missing')).toBeGreaterThan(0);
    expect(await readsFor('/after/deny')).toBeGreaterThan(0);
    expect(routeHookCalls).toBe(2);
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, count, { method: 'GET', route: '/after/:id', status_code: '200' })).toBe(2);
    expect(sampleValue(samples, count, { method: 'GET', route: '/after/:id', status_code: '403' })).toBe(1);
    expect(sampleValue(samples, count, { method: 'GET', route: '/before/:id', status_code: '200' })).toBe(2);
    expect(sampleValue(samples, count, { method: 'GET', route: unmatchedRoute, status_code: '404' })).toBe(1);
  });

  it("Fastify: a route added from another route's options, by an onRoute hook, is labelled with its own url", async () => {
    const vigil = isolatedVigil();
    const app = Fastify();
    await app.register(vigil.fastifyPlugin);
    // Runs after Vigil's onRoute, so the options it copies already hold Vigil's hook for /v1.
    app.addHook('onRoute', (routeOptions) => {
      if (routeOptions.method === 'GET' && routeOptions.url.startsWith('/v1/')) {
        app.route({ ...routeOptions, url: routeOptions.url.replace('/v1/', '/v2/') });
      }
    });
    app.get('/v1/items/:id', async () => 'item');
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    await (await fetch(`${base}/v1/items/1`)).text();
    await (await fetch(`${base}/v2/items/1`)).text();
    // Fastify's own HEAD route for /v2 is built from the copied options too.
    await (await fetch(`${base}/v2/items/2`, { method: 'HEAD' })).text();
    await eventually(vigil, (found) => findSamples(found, count).reduce((total, sample) => total + sample.value, 0) === 3);
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, count, { method: 'GET', route: '/v1/items/:id', status_code: '200' })).toBe(1);
    expect(sampleValue(samples, count, { method: 'GET', route: '/v2/items/:id', status_code: '200' })).toBe(1);
    expect(sampleValue(samples, count, { method: 'HEAD', route: '/v2/items/:id', status_code: '200' })).toBe(1);
  });

  it('Fastify: counts replies sent and errors raised by a hook that runs before its own, as a rate limiter or an auth check registered first', async () => {
    // The reason the plugin also has an `onSend` hook: Fastify skips every later `onRequest` hook
    // once one has replied or failed, so an `onRequest`-only plugin would never see these 429s and 401s.
    const vigil = isolatedVigil();
    const app = Fastify();
    let calls = 0;
    app.addHook('onRequest', (_request, reply, done) => {
      calls += 1;
      if (calls % 3 === 2) {
        void reply.code(429).send({ error: 'rate limited' });
        return;
      }
      if (calls % 3 === 0) {
        done(Object.assign(new Error('no credentials'), { statusCode: 401 }));
        return;
      }
      done();
    });
    await app.register(vigil.fastifyPlugin);
    app.get('/api/items/:id', async (request) => ({ id: (request.params as { id: string }).id }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) {
      const response = await fetch(`${base}/api/items/${i}`);
      await response.text();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 429, 401, 200, 429, 401]);
    const samples = await eventually(vigil, (found) => findSamples(found, count).reduce((total, sample) => total + sample.value, 0) === 6);
    expect(sampleValue(samples, count, { method: 'GET', route: '/api/items/:id', status_code: '200' })).toBe(2);
    expect(sampleValue(samples, count, { method: 'GET', route: '/api/items/:id', status_code: '429' })).toBe(2);
    expect(sampleValue(samples, count, { method: 'GET', route: '/api/items/:id', status_code: '401' })).toBe(2);
    expect(findSamples(samples, count)).toHaveLength(3);
  });

  it.each(expressMajors)('%s handler: counts what middleware ahead of the routes answers, and each request once when the app also has the middleware', async (_major, express) => {
    const vigil = isolatedVigil();
    const app = express();
    let calls = 0;
    // A rate limiter ahead of everything: the middleware would sit after it and never see its 429s.
    app.use((_request, response, next) => {
      calls += 1;
      if (calls % 2 === 0) response.status(429).send('slow down');
      else next();
    });
    const admin = express.Router();
    // Nested, as an app that mounts a router with its own instrumentation would have it.
    admin.use(vigil.expressMiddleware());
    admin.get('/users/:userId', (_request, response) => {
      response.send('user');
    });
    app.use('/admin', admin);
    app.use(vigil.expressMiddleware());
    app.get('/api/items/:id', (_request, response) => {
      response.send('ok');
    });
    const base = await listen(createServer(vigil.expressHandler(app)));
    const statuses: number[] = [];
    for (const path of ['/api/items/1', '/api/items/2', '/admin/users/3', '/admin/users/4']) {
      const response = await fetch(base + path);
      await response.text();
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 429, 200, 429]);
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, count, { route: '/api/items/:id', status_code: '200' })).toBe(1);
    expect(sampleValue(samples, count, { route: '/admin/users/:userId', status_code: '200' })).toBe(1);
    expect(sampleValue(samples, count, { route: unmatchedRoute, status_code: '429' })).toBe(2);
    expect(findSamples(samples, count).reduce((total, sample) => total + sample.value, 0)).toBe(4);
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

    const expressHandlerVigil = isolatedVigil();
    const measuredApp = express();
    for (const path of ['/metrics', '/health', '/health/live', '/health/ready', '/api']) {
      measuredApp.get(path, (request, response) => {
        response.status(answer(request.url)).send('');
      });
    }
    const expressHandlerBase = await listen(createServer(expressHandlerVigil.expressHandler(measuredApp)));

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

    for (const base of [nodeBase, expressBase, expressHandlerBase, fastifyBase]) {
      for (const path of [...probePaths, '/api']) expect((await fetch(base + path)).status).toBe(answer(path));
    }
    expect((await fetch(`${measuredBase}/health/ready`)).status).toBe(503);

    for (const vigil of [nodeVigil, expressVigil, expressHandlerVigil, fastifyVigil]) {
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

  it('counts a request whose client went away before the response as 499, once, on node:http, Express (both ways) and Fastify', async () => {
    const nodeVigil = isolatedVigil();
    let nodeReceived!: () => void;
    const nodeGotRequest = new Promise<void>((resolve) => (nodeReceived = resolve));
    // The handler never answers: only the client's disconnect ends the response.
    const nodeBase = await listen(createServer(nodeVigil.httpHandler(() => nodeReceived(), { routes: ['/slow/:id'] })));
    await abandon(nodeBase, '/slow/1', nodeGotRequest);

    const expressVigil = isolatedVigil();
    let expressReceived!: () => void;
    const expressGotRequest = new Promise<void>((resolve) => (expressReceived = resolve));
    const app = express();
    app.use(expressVigil.expressMiddleware());
    app.get('/slow/:id', () => expressReceived());
    const expressBase = await listen(createServer(app));
    await abandon(expressBase, '/slow/2', expressGotRequest);

    const expressHandlerVigil = isolatedVigil();
    let measuredAppReceived!: () => void;
    const measuredAppGotRequest = new Promise<void>((resolve) => (measuredAppReceived = resolve));
    const measuredApp = express();
    measuredApp.get('/slow/:id', () => measuredAppReceived());
    const expressHandlerBase = await listen(createServer(expressHandlerVigil.expressHandler(measuredApp)));
    await abandon(expressHandlerBase, '/slow/4', measuredAppGotRequest);

    // Fastify calls `onResponse` on the response's 'finish', which an abandoned response never
    // emits; the handler here still replies once the client has gone, and that reply must not
    // count a second time.
    const fastifyVigil = isolatedVigil();
    let fastifyReceived!: () => void;
    const fastifyGotRequest = new Promise<void>((resolve) => (fastifyReceived = resolve));
    let lateReply!: () => void;
    const lateReplySent = new Promise<void>((resolve) => (lateReply = resolve));
    const fastify = Fastify();
    await fastify.register(fastifyVigil.fastifyPlugin);
    fastify.post('/slow/:id', (request, reply) => {
      fastifyReceived();
      request.raw.once('close', () => setTimeout(() => void reply.send({ late: true }).then(() => lateReply(), () => lateReply()), 20));
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => fastify.close());
    // A POST whose body Fastify has read: Fastify's own `onRequestAbort` would not fire for it.
    await abandon(`http://127.0.0.1:${(fastify.server.address() as { port: number }).port}`, '/slow/3', fastifyGotRequest, { method: 'POST', body: '{"a":1}' });
    await lateReplySent;
    await new Promise((resolve) => setTimeout(resolve, 50));

    for (const [vigil, method, route] of [
      [nodeVigil, 'GET', '/slow/:id'],
      [expressVigil, 'GET', '/slow/:id'],
      [expressHandlerVigil, 'GET', '/slow/:id'],
      [fastifyVigil, 'POST', '/slow/:id'],
    ] as const) {
      const samples = await eventually(vigil, (found) => findSamples(found, count).length > 0);
      expect(findSamples(samples, count)).toEqual([
        expect.objectContaining({ labels: expect.objectContaining({ method, route, status_code: clientClosedStatus }), value: 1 }),
      ]);
    }
  });

  it('Fastify: counts inject() requests with the status they got, as tests of a Fastify app send them', async () => {
    // light-my-request's socket never flushes, so `writableFinished` stays false on a finished
    // response: the plugin must not read that as a client that went away.
    const vigil = isolatedVigil();
    const app = Fastify();
    await app.register(vigil.fastifyPlugin);
    app.get('/api/items/:id', async (request, reply) => reply.code((request.params as { id: string }).id === 'gone' ? 410 : 200).send({ ok: true }));
    closers.push(() => app.close());
    for (const id of ['1', '2', 'gone']) await app.inject({ method: 'GET', url: `/api/items/${id}` });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, count, { method: 'GET', route: '/api/items/:id', status_code: '200' })).toBe(2);
    expect(sampleValue(samples, count, { method: 'GET', route: '/api/items/:id', status_code: '410' })).toBe(1);
    expect(findSamples(samples, count)).toHaveLength(2);
  });

  it('Fastify: counts a response that errors before it finishes once, as 499', async () => {
    // Fastify runs `onResponse` on the raw response's 'error' as well as on 'finish'; the 'close'
    // that follows the error counts it as 499, so `onResponse` must not count it too.
    const vigil = isolatedVigil();
    const app = Fastify();
    await app.register(vigil.fastifyPlugin);
    app.get('/broken/:id', (_request, reply) => {
      reply.raw.on('error', () => {});
      reply.raw.emit('error', new Error('write failed'));
      reply.raw.destroy();
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    await fetch(`http://127.0.0.1:${(app.server.address() as { port: number }).port}/broken/1`).catch(() => undefined);
    const samples = await eventually(vigil, (found) => findSamples(found, count).length > 0);
    expect(findSamples(samples, count)).toEqual([
      expect.objectContaining({ labels: expect.objectContaining({ route: '/broken/:id', status_code: clientClosedStatus }), value: 1 }),
    ]);
  });

  it('times each instrumentation of one response from its own start', async () => {
    // Two VigilMetrics on one server (an outer node:http wrapper around an instrumented Express
    // app): each keeps its own start time on the response, so neither overwrites the other's.
    const inner = isolatedVigil();
    const outer = isolatedVigil();
    const app = express();
    app.use(inner.expressMiddleware());
    app.get('/late/:id', (_request, response) => {
      setTimeout(() => response.send('late'), 40);
    });
    const delayedApp = (request: IncomingMessage, response: ServerResponse): void => {
      setTimeout(() => app(request, response), 80);
    };
    const base = await listen(createServer(outer.httpHandler(delayedApp, { routes: ['/late/:id'] })));
    expect((await fetch(`${base}/late/1`)).status).toBe(200);
    const sum = 'http_request_duration_seconds_sum';
    const innerSeconds = sampleValue(await samplesOf(inner), sum, { route: '/late/:id', status_code: '200' });
    const outerSeconds = sampleValue(await samplesOf(outer), sum, { route: '/late/:id', status_code: '200' });
    expect(innerSeconds).toBeGreaterThanOrEqual(0.035);
    expect(innerSeconds).toBeLessThan(outerSeconds);
    expect(outerSeconds).toBeGreaterThanOrEqual(0.115);
  });

  it('keeps the app running when route resolution throws, labelling the request unmatched', async () => {
    const vigil = isolatedVigil();
    const handler = vigil.httpHandler((_request, response) => void response.writeHead(201).end(), {
      routes: () => {
        throw new Error('broken route function');
      },
    });
    const base = await listen(createServer(handler));
    expect((await fetch(`${base}/anything`)).status).toBe(201);
    expect((await fetch(`${base}/anything`)).status).toBe(201);
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, count, { route: unmatchedRoute, status_code: '201' })).toBe(2);
  });
});

describe('HttpRecorder', () => {
  /** A recorder on its own registry, with the label-set limit VigilMetrics would give it. */
  const recorderWith = (maxLabelSets: number, excluded?: readonly string[]) => {
    const registry = new Registry();
    const guard = new CardinalityGuard(maxLabelSets);
    const family = new HistogramFamily(catalog.httpRequestDuration, guard, 1000);
    registry.registerMetric(family as never);
    const samples = async () => parseExposition(await registry.metrics());
    return { samples, recorder: new HttpRecorder(family, () => maxLabelSets, excluded) };
  };

  it('labels each standard method as itself, anything else as other', async () => {
    const { samples, recorder } = recorderWith(100);
    const standard = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE'];
    for (const method of [...standard, 'PROPFIND', 'get', undefined]) recorder.record(method, '/a', 200, 1);
    const found = await samples();
    const count = 'http_request_duration_seconds_count';
    for (const method of standard) expect(sampleValue(found, count, { method, route: '/a', status_code: '200' }), method).toBe(1);
    expect(sampleValue(found, count, { method: 'other', route: '/a', status_code: '200' })).toBe(3);
  });

  it('excludes a path with or without a query string, and nothing that merely starts with it', () => {
    const { recorder } = recorderWith(10);
    for (const url of ['/metrics', '/metrics?name[]=up', '/health', '/health/ready', '/health/live?x=1']) expect(recorder.excludes(url), url).toBe(true);
    for (const url of ['/metricsx', '/metrics/x', '/health/', '/healthz', '/metricz', '/api/items/42', '/api', '/', undefined]) expect(recorder.excludes(url), String(url)).toBe(false);
    // Past the in-place comparisons, a Set lookup gives the same answers.
    const many = Array.from({ length: 20 }, (_, i) => `/internal/${i}`);
    const large = recorderWith(10, [...many, '/']).recorder;
    for (const url of ['/internal/3', '/internal/19?a=b', '/', undefined]) expect(large.excludes(url), String(url)).toBe(true);
    for (const url of ['/internal/20', '/internal/3/', '/api']) expect(large.excludes(url), url).toBe(false);
    expect(recorderWith(10, ['/']).recorder.excludes(undefined)).toBe(true);
    // `/` with and without a query string, a path past ASCII, and near misses of each.
    const short = recorderWith(10, ['/', '/ü/x', '/a']).recorder;
    for (const url of ['/', '/?probe=1', '/ü/x', '/ü/x?y', '/a', '/a?b']) expect(short.excludes(url), url).toBe(true);
    for (const url of ['/ü', '/ü/y', '/b', '/ab', '//']) expect(short.excludes(url), url).toBe(false);
  });

  it('labels the same whether a label set is new or cached, and counts statuses given as strings', async () => {
    const { samples: samplesNow, recorder } = recorderWith(100);
    for (let i = 0; i < 3; i++) {
      recorder.record('GET', '/a', 200, 2);
      recorder.record('POST', '/a', 200, 2);
      recorder.record('GET', '/a', 404, 2);
      recorder.record('PROPFIND', '/a', 200, 2);
      recorder.record(undefined, '/a', 200, 2);
      recorder.record('GET', '/a', clientClosedStatus, 2);
      recorder.record('GET', '/a', 499, 2);
    }
    const samples = await samplesNow();
    expect(sampleValue(samples, count, { method: 'GET', route: '/a', status_code: '200' })).toBe(3);
    expect(sampleValue(samples, count, { method: 'POST', route: '/a', status_code: '200' })).toBe(3);
    expect(sampleValue(samples, count, { method: 'GET', route: '/a', status_code: '404' })).toBe(3);
    expect(sampleValue(samples, count, { method: 'other', route: '/a', status_code: '200' })).toBe(6);
    expect(sampleValue(samples, count, { method: 'GET', route: '/a', status_code: '499' })).toBe(6);
    expect(sampleValue(samples, 'http_request_duration_seconds_sum', { method: 'GET', route: '/a', status_code: '200' })).toBeCloseTo(0.006, 9);
    expect(findSamples(samples, count)).toHaveLength(5);
  });

  it('stays bounded past the label-set limit: new label sets fold into the overflow series', async () => {
    const { samples: samplesNow, recorder } = recorderWith(4);
    for (let i = 0; i < 50; i++) recorder.record('GET', `/route/${i}`, 200 + (i % 3), 1);
    for (let i = 0; i < 50; i++) recorder.record('GET', `/route/${i}`, 200 + (i % 3), 1);
    const samples = await samplesNow();
    const series = findSamples(samples, count);
    expect(series.filter((sample) => sample.labels.route !== '__overflow__')).toHaveLength(4);
    expect(series.reduce((total, sample) => total + sample.value, 0)).toBe(100);
  });
});
