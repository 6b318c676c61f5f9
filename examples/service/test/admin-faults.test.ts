/**
 * The fault switches are an attack surface: off unless ADMIN_FAULTS=1, token-protected, and
 * only the service's own fault keys. In-process through createApp, plus the real process for
 * the default and the refused configuration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type ExampleApp } from '../src/app.js';
import { ConfigError, configFromEnv } from '../src/config.js';
import { healthyFaults } from '../src/faults.js';
import { launchExampleService, type LaunchedExampleService } from '../src/launch.js';

const token = 'admin-test-token-0123456789';
const launched: LaunchedExampleService[] = [];

afterAll(async () => {
  await Promise.all(launched.map((service) => service.stop('SIGKILL')));
});

describe('/admin/faults', () => {
  let app: ExampleApp;
  let url: string;

  beforeAll(async () => {
    app = createApp({ adminToken: token });
    url = await app.listen();
  });
  afterAll(async () => {
    await app?.close();
  });

  const post = (body: string, headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
    fetch(`${url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('answers 401 without the token, or with a wrong one, and changes nothing', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-wrong-token' }, { authorization: token }];
    for (const headers of attempts) {
      const response = await post('{"errorRate":1}', headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'admin token required (Authorization: Bearer <ADMIN_TOKEN>)' });
    }
    expect((await fetch(`${url}/admin/faults`)).status).toBe(401);
    expect(app.faults()).toEqual(healthyFaults());
  });

  it('refuses keys that are not its own faults, prototype names included, with 400 and no change', async () => {
    const hostile = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'prototype'];
    for (const key of hostile) {
      const response = await post(`{"${key}":{"polluted":true}}`);
      expect(response.status, key).toBe(400);
      const body = (await response.json()) as { error: string };
      expect(body.error).toContain('unknown fault; expected one of stopItems, failValidations');
      expect(body.error).not.toMatch(/at |TypeError|\.ts:/);
    }
    expect(app.faults()).toEqual(healthyFaults());
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const ok = await post('{"latencyMs":5}');
    expect(ok.status).toBe(200);
    expect(app.faults()).toMatchObject({ latencyMs: 5 });
  });

  it('does not exist without an admin token (the default)', async () => {
    const plain = createApp();
    const plainUrl = await plain.listen();
    try {
      const response = await fetch(`${plainUrl}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"crash":true}' });
      expect(response.status).toBe(404);
      expect((await fetch(`${plainUrl}/admin/faults`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });

  it('is enabled only by ADMIN_FAULTS=1 with a token of 16+ characters', () => {
    expect(configFromEnv({}).adminToken).toBeUndefined();
    expect(configFromEnv({ ADMIN_TOKEN: token }).adminToken).toBeUndefined();
    expect(configFromEnv({ ADMIN_FAULTS: '1', ADMIN_TOKEN: token }).adminToken).toBe(token);
    expect(() => configFromEnv({ ADMIN_FAULTS: '1' })).toThrow(ConfigError);
    expect(() => configFromEnv({ ADMIN_FAULTS: '1', ADMIN_TOKEN: 'short' })).toThrow(
      'env ADMIN_FAULTS=1 needs ADMIN_TOKEN or ADMIN_TOKEN_FILE: a token of at least 16 characters',
    );
    expect(() => configFromEnv({ ADMIN_FAULTS: 'yes' })).toThrow('env ADMIN_FAULTS="yes": expected 1/true or 0/false');
  });

  it('the real process: no fault endpoint by default; start-up refuses ADMIN_FAULTS=1 without a token', async () => {
    const plain = launchExampleService({ ADMIN_FAULTS: '0' });
    launched.push(plain);
    const plainUrl = await plain.listening;
    expect((await fetch(`${plainUrl}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"crash":true}' })).status).toBe(404);

    const refused = launchExampleService({ ADMIN_FAULTS: '1', ADMIN_TOKEN: '' });
    launched.push(refused);
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toContain('needs ADMIN_TOKEN or ADMIN_TOKEN_FILE');
  });
});
