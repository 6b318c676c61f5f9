import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealth, expressHealth, fastifyHealth, type Health } from '../src/index.js';
import { getJson, listen, type Listening } from './support/http.js';

function healthWithDb(state: { db: boolean }): Health {
  return createHealth({
    registry: null,
    // TTL 0: the tests flip the dependency and expect the next request to see it.
    cacheTtlMs: 0,
    version: '9.9.9',
    checks: [{ name: 'db', run: () => { if (!state.db) throw new Error('db down'); } }],
  });
}

async function expectEndpoints(baseUrl: string, state: { db: boolean }, prefix = '/health'): Promise<void> {
  state.db = true;
  expect((await getJson(`${baseUrl}${prefix}/live`)).status).toBe(200);
  expect((await getJson(`${baseUrl}${prefix}/ready`)).status).toBe(200);
  const diagnostics = await getJson(`${baseUrl}${prefix}`);
  expect(diagnostics.status).toBe(200);
  expect(diagnostics.body).toMatchObject({ status: 'pass', version: '9.9.9' });

  state.db = false;
  const ready = await getJson(`${baseUrl}${prefix}/ready`);
  expect(ready.status).toBe(503);
  expect(ready.body).toMatchObject({ status: 'fail', failing: [{ name: 'db', error: 'db down' }] });
  expect((await getJson(`${baseUrl}${prefix}/live`)).status).toBe(200);
  const failed = await getJson(`${baseUrl}${prefix}`);
  expect(failed.status).toBe(503);
  expect(failed.body.status).toBe('fail');
}

describe('Express', () => {
  const state = { db: true };
  const health = healthWithDb(state);
  let service: Listening;

  beforeAll(async () => {
    const app = express();
    app.use(expressHealth(health));
    app.get('/api/items/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    service = await listen(app);
  });
  afterAll(async () => {
    health.close();
    await service?.close();
  });

  it('serves live, ready and diagnostics and passes other routes on', async () => {
    await expectEndpoints(service.url, state);
    expect((await getJson(`${service.url}/api/items/7`)).body).toEqual({ id: '7' });
  });
});

describe('Fastify', () => {
  const state = { db: true };
  const health = healthWithDb(state);
  const app = Fastify();
  let url = '';

  beforeAll(async () => {
    fastifyHealth(app, health, { basePath: '/_health' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    health.close();
    await app.close();
  });

  it('serves live, ready and diagnostics under its base path', async () => {
    await expectEndpoints(url, state, '/_health');
    const head = await fetch(`${url}/_health/live`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('gives the detailed report only to a request carrying the token', async () => {
    const token = 'fastify-health-token-42';
    const guarded = Fastify();
    const tokenHealth = healthWithDb({ db: true });
    fastifyHealth(guarded, tokenHealth, { token });
    await guarded.listen({ port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${(guarded.server.address() as AddressInfo).port}`;
      expect((await getJson(`${base}/health`)).body).toEqual({ status: 'pass' });
      const detailed = await fetch(`${base}/health`, { headers: { authorization: `Bearer ${token}` } });
      expect(await detailed.json()).toMatchObject({ status: 'pass', version: '9.9.9', checks: [{ name: 'db' }] });
    } finally {
      tokenHealth.close();
      await guarded.close();
    }
  });
});

describe('node:http', () => {
  it('answers 405 to other methods and ignores other paths', async () => {
    const health = healthWithDb({ db: true });
    const { healthHandler } = await import('../src/index.js');
    const handle = healthHandler(health);
    const service = await listen((req, res) => {
      if (!handle(req, res)) res.writeHead(418).end();
    });
    try {
      expect((await fetch(`${service.url}/health/ready`, { method: 'POST' })).status).toBe(405);
      expect((await fetch(`${service.url}/healthz`)).status).toBe(418);
      expect((await fetch(`${service.url}/health/ready/?probe=k8s`)).status).toBe(200);
    } finally {
      health.close();
      await service.close();
    }
  });
});
