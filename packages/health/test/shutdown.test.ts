import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GracefulShutdown, createHealth, type LogRecord, type ShutdownProcess } from '../src/index.js';
import { listen } from './support/http.js';
import { kill, startFixture, type ChildService } from './support/child.js';

const fixture = fileURLToPath(new URL('./fixtures/shutdown-service.ts', import.meta.url));

class FakeProcess extends EventEmitter implements ShutdownProcess {
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
}

describe('graceful shutdown (injected process)', () => {
  it('fails readiness at once, drains the in-flight request, runs hooks in reverse order and exits 0', async () => {
    const proc = new FakeProcess();
    const health = createHealth({ registry: null });
    const records: LogRecord[] = [];
    let finishRequest: () => void = () => undefined;
    let arrived: () => void = () => undefined;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    const service = await listen((_req, res) => {
      finishRequest = () => res.end('finished');
      arrived();
    });
    const shutdown = new GracefulShutdown({ health, servers: [service.server], process: proc, log: (r) => records.push(r), drainDeadlineMs: 5000 });
    const order: string[] = [];
    shutdown.addHook('first', () => void order.push('first'));
    shutdown.addHook('second', async () => {
      order.push('second');
      throw new Error('second failed');
    });
    shutdown.addHook('third', () => new Promise(() => order.push('third')), { timeoutMs: 100 });
    shutdown.install();

    const inFlight = fetch(`${service.url}/work`);
    await requestArrived;
    proc.emit('SIGTERM', 'SIGTERM');
    expect((await health.ready()).status).toBe('fail');
    expect(proc.exits).toEqual([]);

    finishRequest();
    const response = await inFlight;
    expect(await response.text()).toBe('finished');
    expect(response.headers.get('connection')).toBe('close');
    const report = await shutdown.shutdown();

    expect(order).toEqual(['third', 'second', 'first']);
    expect(report.exitCode).toBe(0);
    expect(report.hooks).toMatchObject([
      { hook: 'third', status: 'failed', error: 'shutdown hook "third" timed out after 100ms' },
      { hook: 'second', status: 'failed', error: 'second failed' },
      { hook: 'first', status: 'ok' },
    ]);
    expect(proc.exits).toEqual([0]);
    expect(records.map((r) => r.event)).toEqual([
      'shutdown_started', 'shutdown_drained', 'shutdown_hook', 'shutdown_hook', 'shutdown_hook', 'shutdown_complete',
    ]);
    shutdown.uninstall();
    health.close();
  });

  it('cuts connections at the drain deadline, still runs hooks, and exits 1; a second signal exits at once', async () => {
    const proc = new FakeProcess();
    let arrived: () => void = () => undefined;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    const service = await listen(() => arrived()); // never answers
    const shutdown = new GracefulShutdown({ servers: [service.server], process: proc, log: () => undefined, drainDeadlineMs: 200 });
    const ran: string[] = [];
    shutdown.addHook('pool', () => void ran.push('pool'));
    shutdown.install();

    const hanging = fetch(`${service.url}/stuck`).then(
      () => 'answered',
      () => 'cut',
    );
    await requestArrived;
    proc.emit('SIGTERM', 'SIGTERM');
    proc.emit('SIGINT', 'SIGINT');
    expect(proc.exits).toEqual([130]);
    const report = await shutdown.shutdown();
    expect(await hanging).toBe('cut');
    expect(report).toMatchObject({ exitCode: 1, drained: false });
    expect(ran).toEqual(['pool']);
    expect(proc.exits).toEqual([130, 1]);
    shutdown.uninstall();
  });
});

describe('graceful shutdown (real child process and signals)', () => {
  let service: ChildService | undefined;
  afterEach(() => {
    kill(service);
    service = undefined;
  });

  it('lets a slow request finish on SIGTERM, answers readiness 503 meanwhile, runs hooks in reverse order and exits 0', async () => {
    service = await startFixture(fixture, { SLOW_MS: '1500', READINESS_DELAY_MS: '400', FAIL_HOOK: 'cache' });
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);

    const slow = fetch(`${service.url}/slow`);
    await service.waitFor((r) => r.event === 'request_started');
    service.child.kill('SIGTERM');
    await service.waitFor((r) => r.event === 'shutdown_started');
    const ready = await fetch(`${service.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'fail', shuttingDown: true });

    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('slow work done');
    expect(await service.exited()).toBe(0);

    const events = service.records.map((r) => (r.event === 'hook_ran' ? `hook:${String(r.hook)}` : String(r.event)));
    expect(events.indexOf('request_finished')).toBeLessThan(events.indexOf('shutdown_drained'));
    expect(events.filter((e) => e.startsWith('hook:'))).toEqual(['hook:queue', 'hook:cache', 'hook:database']);
    const failedHook = service.records.find((r) => r.event === 'shutdown_hook' && r.hook === 'cache');
    expect(failedHook).toMatchObject({ status: 'failed' });
    expect(String(failedHook?.error)).toContain('redis://:***@127.0.0.1/0');
    expect(JSON.stringify(service.records)).not.toContain('hook-Secret-77');
    expect(service.records.at(-1)).toMatchObject({ event: 'shutdown_complete', exitCode: 0, drained: true });
  });

  it('exits 1 when the drain deadline passes, after running the hooks', async () => {
    service = await startFixture(fixture, { SLOW_MS: '10000', DRAIN_DEADLINE_MS: '300' });
    const slow = fetch(`${service.url}/slow`).then(
      () => 'answered',
      () => 'cut',
    );
    await service.waitFor((r) => r.event === 'request_started');
    service.child.kill('SIGTERM');
    expect(await service.exited()).toBe(1);
    expect(await slow).toBe('cut');
    expect(service.records.filter((r) => r.event === 'hook_ran').map((r) => r.hook)).toEqual(['queue', 'cache', 'database']);
    expect(service.records.some((r) => r.event === 'shutdown_drain_deadline')).toBe(true);
  });

  it('closes idle keep-alive, silent and header-less connections at once instead of waiting for the deadline', async () => {
    service = await startFixture(fixture, { DRAIN_DEADLINE_MS: '10000' });
    const { port } = new URL(service.url);
    const open = async (send: string): Promise<{ socket: Socket; closed: Promise<number>; received: () => string }> => {
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.on('error', () => undefined);
      const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
      if (send) socket.write(send);
      return { socket, closed, received: () => received };
    };
    const silent = await open('');
    const partial = await open('GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow');
    const keepAlive = await open('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
    const deadline = Date.now() + 5000;
    while (!keepAlive.received().includes('"status":"pass"') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(keepAlive.received()).toContain('HTTP/1.1 200');

    const signalled = Date.now();
    service.child.kill('SIGTERM');
    expect(await service.exited()).toBe(0);
    const closedAt = await Promise.all([silent.closed, partial.closed, keepAlive.closed]);
    for (const at of closedAt) expect(at - signalled).toBeLessThan(3000);
    expect(service.records.at(-1)).toMatchObject({ event: 'shutdown_complete', exitCode: 0, drained: true });
    expect(Number(service.records.find((r) => r.event === 'shutdown_drained')?.durationMs)).toBeLessThan(1000);
  });

  it('keeps hooks that each hang inside one overall deadline', async () => {
    // Three hooks of 3 s each would take 9 s; the deadline of 1.5 s bounds them all.
    service = await startFixture(fixture, { DRAIN_DEADLINE_MS: '300', HOOK_TIMEOUT_MS: '3000', HANG_HOOKS: '1', DEADLINE_MS: '1500' });
    const signalled = Date.now();
    service.child.kill('SIGTERM');
    await service.exited();
    const took = Date.now() - signalled;
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(3000);
    const hooks = service.records.filter((r) => r.event === 'shutdown_hook');
    expect(hooks.map((r) => r.hook), JSON.stringify(service.records)).toEqual(['queue', 'cache', 'database']);
    const firstHookBudget = Number(/timed out after (\d+)ms/.exec(String(hooks[0]?.error))?.[1]);
    expect(firstHookBudget, String(hooks[0]?.error)).toBeLessThan(1500);
    expect(firstHookBudget).toBeGreaterThan(500);
    expect(service.records.at(-1)).toMatchObject({ event: 'shutdown_complete', exitCode: 0 });
    expect(String(hooks[2]?.error)).toContain('skipped: no time left within the shutdown deadline of 1500ms');
    expect(service.records.find((r) => r.event === 'shutdown_started')).toMatchObject({ deadlineMs: 1500 });
  });

  it('refuses an overall deadline shorter than the readiness delay plus the drain', () => {
    expect(() => new GracefulShutdown({ drainDeadlineMs: 5000, readinessDelayMs: 1000, deadlineMs: 3000 })).toThrow(
      'deadlineMs (3000) must be at least readinessDelayMs + drainDeadlineMs (6000)',
    );
  });

  it('exits at once on a second signal', async () => {
    service = await startFixture(fixture, { SLOW_MS: '10000', DRAIN_DEADLINE_MS: '10000' });
    const slow = fetch(`${service.url}/slow`).catch(() => undefined);
    await service.waitFor((r) => r.event === 'request_started');
    service.child.kill('SIGTERM');
    await service.waitFor((r) => r.event === 'shutdown_started');
    const started = Date.now();
    service.child.kill('SIGINT');
    expect(await service.exited()).toBe(130);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(service.records.some((r) => r.event === 'hook_ran')).toBe(false);
    await slow;
  });
});
