import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHealth, healthListener, type Health } from '../src/index.js';
import { parseArgs } from '../src/cli/healthcheck.js';
import { freePort } from './support/servers.js';
import { listen, type Listening } from './support/http.js';

const bin = fileURLToPath(new URL('../bin/vigil-healthcheck.js', import.meta.url));

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Bounded even if the CLI were broken: the test fails instead of hanging.
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

describe('vigil-healthcheck', () => {
  let health: Health;
  let service: Listening;
  let hanging: Listening;
  const state = { db: true, search: true };

  beforeAll(async () => {
    // TTL 0: each CLI run must see the state the test just set.
    health = createHealth({
      registry: null,
      cacheTtlMs: 0,
      checks: [
        { name: 'postgres', run: () => { if (!state.db) throw new Error('connect ECONNREFUSED 127.0.0.1:5432 (postgres://app:pw-Leak-1@db/app)'); } },
        { name: 'search', criticality: 'warning', run: () => { if (!state.search) throw new Error('index is 2h stale'); } },
      ],
    });
    service = await listen(healthListener(health));
    hanging = await listen(() => undefined);
  });

  afterAll(async () => {
    health?.close();
    await service?.close();
    await hanging?.close();
  });

  it('exits 0 when healthy and prints nothing', async () => {
    Object.assign(state, { db: true, search: true });
    const result = await runCli([`${service.url}/health`, '--timeout', '5000']);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: '' });
  });

  it('exits 1 with one line for a failing warning check', async () => {
    Object.assign(state, { db: true, search: false });
    const result = await runCli(['--url', `${service.url}/health`]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('warning: search: index is 2h stale\n');
  });

  it('exits 2 with one line per failing check when a critical check fails, secrets masked', async () => {
    Object.assign(state, { db: false, search: false });
    const result = await runCli([], { VIGIL_HEALTHCHECK_URL: `${service.url}/health` });
    expect(result.code).toBe(2);
    expect(result.stdout.trim().split('\n')).toEqual([
      'critical: postgres: connect ECONNREFUSED 127.0.0.1:5432 (postgres://app:***@db/app)',
      'warning: search: index is 2h stale',
    ]);
  });

  it('exits 2 within its timeout when the service accepts the connection but never answers', async () => {
    const result = await runCli([`${hanging.url}/health`, '--timeout', '3s']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain(`critical: no answer from ${hanging.url}/health within 3000ms`);
    // The budget counts from process start, so the whole run stays within the timeout (plus spawn overhead).
    expect(result.ms).toBeGreaterThanOrEqual(2500);
    expect(result.ms).toBeLessThan(3000 + 1000);
  });

  it('exits 2 when nothing listens', async () => {
    const port = await freePort();
    const result = await runCli([`http://127.0.0.1:${port}/health`, '--timeout', '3000']);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^critical: cannot reach http:\/\/127\.0\.0\.1:\d+\/health: ECONNREFUSED\n$/);
  });

  it('stops reading an endless body at its cap and exits 2 at once', async () => {
    const endless = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"pass","checks":[');
      const chunk = `${'{"name":"x","status":"pass"},'.repeat(2000)}`;
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) {
          // fill the socket buffer, then wait for drain
        }
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    try {
      const result = await runCli([`${endless.url}/health`, '--timeout', '10s']);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe(`critical: ${endless.url}/health answered a body larger than 65536 bytes\n`);
      expect(result.ms).toBeLessThan(5000);
    } finally {
      await endless.close();
    }
  });

  it('treats any non-2xx answer as failing, whatever the body says', async () => {
    let status = 500;
    let body = '{"status":"pass","checks":[]}';
    const odd = await listen((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(body));
    try {
      let result = await runCli([`${odd.url}/health`]);
      expect(result).toMatchObject({ code: 2, stdout: `critical: ${odd.url}/health answered HTTP 500\n` });
      status = 404;
      body = '<html>not found</html>';
      result = await runCli([`${odd.url}/health`]);
      expect(result).toMatchObject({ code: 2, stdout: `critical: ${odd.url}/health answered HTTP 404 without a JSON health report\n` });
      status = 302;
      body = '{"status":"warn","checks":[]}';
      result = await runCli([`${odd.url}/health`]);
      expect(result.code).toBe(2);
    } finally {
      await odd.close();
    }
  });

  it('strips control characters from what the service says before printing it', async () => {
    const report = {
      status: 'fail',
      checks: [{ name: 'db\u001b[2J\u001b[31m', criticality: 'critical', status: 'fail', error: 'down\nhealthy: everything fine\r\u0007\u202e' + 'x'.repeat(5000) }],
    };
    const hostile = await listen((_req, res) => res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify(report)));
    try {
      const result = await runCli([`${hostile.url}/health`]);
      expect(result.code).toBe(2);
      const lines = result.stdout.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^critical: db\?\[2J\?\[31m: down\?healthy: everything fine\?\?\?x+\.\.\.$/);
      expect(lines[0]!.length).toBeLessThan(420);
      expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    } finally {
      await hostile.close();
    }
  });

  it('explains bad arguments', async () => {
    const result = await runCli(['--timeout', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('vigil-healthcheck: --timeout must be milliseconds or a number followed by "s", got "soon"');
    expect(() => parseArgs(['--bogus'], {})).toThrow('unknown argument "--bogus"');
    expect(parseArgs([], { PORT: '8080' })).toEqual({ url: 'http://127.0.0.1:8080/health', timeoutMs: 5000 });
  });
});
