/**
 * The example service as a child process (the way Prometheus and the e2e tests meet it): its
 * /metrics must pass the real promtool, and every fault switch must move the metrics it should.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchExampleService, type LaunchedExampleService } from '../src/launch.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of the samples with this name whose labels include `labels` (0 when none). */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value))
    .reduce((sum, s) => sum + s.value, 0);
}

interface Running extends LaunchedExampleService {
  url: string;
}

const launched: LaunchedExampleService[] = [];

const adminToken = 'service-test-admin-token';
const admin = { authorization: `Bearer ${adminToken}` };

async function startService(env: Record<string, string>): Promise<Running> {
  const service = launchExampleService({ ADMIN_TOKEN: adminToken, ...env });
  launched.push(service);
  return { ...service, url: await service.listening };
}

async function scrape(url: string): Promise<{ text: string; samples: Sample[] }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return { text, samples: parse(text) };
}

async function setFaults(url: string, faults: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/json', ...admin }, body: JSON.stringify(faults) });
}

/** Polls until `check` holds (bounded: 10 s), returning the last scrape. */
async function eventually(url: string, check: (samples: Sample[]) => boolean): Promise<Sample[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { samples } = await scrape(url);
    if (check(samples)) return samples;
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const promtool = spawn('/usr/bin/promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 });
    let output = '';
    promtool.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    promtool.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    promtool.on('error', reject);
    promtool.on('close', (code) => resolve({ code, output }));
    promtool.stdin.end(text);
  });
}

const interval = '50';
let service: Running;

beforeAll(async () => {
  service = await startService({ VIGIL_SERVICE: 'ingest', PIPELINES: 'orders,events', ITEM_INTERVAL_MS: interval });
});

afterAll(async () => {
  await Promise.all(launched.map((service) => service.stop()));
});

describe('example service', () => {
  it('serves /metrics that promtool check metrics accepts without complaint', async () => {
    await (await fetch(`${service.url}/api/items/1`)).text();
    await eventually(service.url, (s) => total(s, 'items_created_total', { pipeline: 'events' }) > 0);
    const { text, samples } = await scrape(service.url);
    expect(await promtoolCheck(text)).toEqual({ code: 0, output: '' });
    expect(total(samples, 'items_created_total', { pipeline: 'orders', service: 'ingest', version: '0.1.0' })).toBeGreaterThan(0);
    expect(total(samples, 'http_request_duration_seconds_count', { route: '/api/items/:id', status_code: '200' })).toBe(1);
    expect(total(samples, 'operation_duration_seconds_count', { operation: 'ItemRepository.find', outcome: 'success' })).toBe(1);
    expect(total(samples, 'unhandled_errors_total')).toBe(0);
  });

  it('reports its fault state and rejects bad fault input naming the field', async () => {
    expect(await (await fetch(`${service.url}/admin/faults`, { headers: admin })).json()).toEqual({
      stopItems: false, failValidations: false, dropField: null, latencyMs: 0, errorRate: 0, crash: false,
    });
    const bad = await setFaults(service.url, { errorRate: 2 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/body\.errorRate: expected a number from 0 to 1, got 2/);
    const unknown = await setFaults(service.url, { explode: true });
    expect(((await unknown.json()) as { error: string }).error).toMatch(/body\.explode: unknown fault/);
  });

  it('stopItems stops item creation and the last-item timestamp ages', async () => {
    await setFaults(service.url, { stopItems: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const before = (await scrape(service.url)).samples;
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = (await scrape(service.url)).samples;
    expect(total(after, 'items_created_total', { pipeline: 'orders' })).toBe(total(before, 'items_created_total', { pipeline: 'orders' }));
    const lastItem = total(after, 'pipeline_last_item_created_timestamp_seconds', { pipeline: 'orders' });
    expect(Date.now() / 1000 - lastItem).toBeGreaterThanOrEqual(0.5);
    await setFaults(service.url, { stopItems: false });
    await eventually(service.url, (s) => total(s, 'items_created_total', { pipeline: 'orders' }) > total(after, 'items_created_total', { pipeline: 'orders' }));
  });

  it('failValidations turns items into validation errors', async () => {
    const before = (await scrape(service.url)).samples;
    await setFaults(service.url, { failValidations: true });
    const during = await eventually(service.url, (s) => total(s, 'item_validation_errors_total', { pipeline: 'orders', reason: 'invalid_price' }) >= 3);
    await setFaults(service.url, { failValidations: false });
    expect(total(during, 'item_validation_errors_total', { pipeline: 'orders' })).toBeGreaterThan(total(before, 'item_validation_errors_total', { pipeline: 'orders' }));
  });

  it('dropField leaves a required field out of created items (coverage drops)', async () => {
    expect(total((await scrape(service.url)).samples, 'item_field_missing_total', { pipeline: 'orders', field: 'price' })).toBe(0);
    await setFaults(service.url, { dropField: 'price' });
    const during = await eventually(service.url, (s) => total(s, 'item_field_missing_total', { pipeline: 'orders', field: 'price' }) >= 3);
    await setFaults(service.url, { dropField: null });
    expect(total(during, 'item_field_missing_total', { pipeline: 'orders', field: 'currency' })).toBe(0);
  });

  it('latencyMs slows the API and errorRate answers 500s', async () => {
    await setFaults(service.url, { latencyMs: 700 });
    await (await fetch(`${service.url}/api/items/2`)).text();
    await setFaults(service.url, { latencyMs: 0, errorRate: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${service.url}/api/items/3`)).status);
    await setFaults(service.url, { errorRate: 0 });
    expect(statuses.filter((status) => status === 500)).toHaveLength(2);
    const { samples } = await scrape(service.url);
    const route = { route: '/api/items/:id' };
    expect(total(samples, 'http_request_duration_seconds_count', { ...route, status_code: '500' })).toBe(2);
    // exactly one request (the delayed one) is above the 0.5 s bucket
    const count = total(samples, 'http_request_duration_seconds_count', { ...route, status_code: '200' });
    const fast = total(samples, 'http_request_duration_seconds_bucket', { ...route, status_code: '200', le: '0.5' });
    expect(count - fast).toBe(1);
  });

  it('crash takes the process down with an uncaught exception', async () => {
    const doomed = await startService({ VIGIL_SERVICE: 'worker' });
    const response = await setFaults(doomed.url, { crash: true }).catch(() => undefined);
    expect(response === undefined || response.status === 200).toBe(true);
    expect(await doomed.exited).toBe(1);
    expect(doomed.output()).toContain('CrashFault: crash fault injected');
  });

  it('takes the fault switches from the environment, and rejects bad values by name', async () => {
    const stopped = await startService({ PIPELINES: 'orders', ITEM_INTERVAL_MS: interval, FAULT_STOP_ITEMS: '1', FAULT_LATENCY_MS: '20' });
    expect(await (await fetch(`${stopped.url}/admin/faults`, { headers: admin })).json()).toMatchObject({ stopItems: true, latencyMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(total((await scrape(stopped.url)).samples, 'items_created_total', { pipeline: 'orders' })).toBe(0);
    stopped.child.kill('SIGTERM');
    expect(await stopped.exited).toBe(0);

    const bad = await startService({ FAULT_ERROR_RATE: 'lots' }).catch((error: Error) => error);
    expect(bad).toBeInstanceOf(Error);
    expect((bad as Error).message).toMatch(/FAULT_ERROR_RATE="lots": expected a number from 0 to 1/);
  });

  it('reads the container limits from VIGIL_CGROUP_ROOT, and rejects a directory that does not exist', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vigil-cgroup-'));
    try {
      await writeFile(join(root, 'memory.max'), '536870912\n');
      await writeFile(join(root, 'cpu.max'), '150000 100000\n');
      const limited = await startService({ VIGIL_CGROUP_ROOT: root });
      const { samples } = await scrape(limited.url);
      expect(samples.filter((s) => s.name === 'container_memory_limit_bytes').map((s) => s.value)).toEqual([536870912]);
      expect(samples.filter((s) => s.name === 'container_cpu_limit_cores').map((s) => s.value)).toEqual([1.5]);
      limited.child.kill('SIGTERM');
      expect(await limited.exited).toBe(0);
    } finally {
      await rm(root, { recursive: true, force: true });
    }

    const missing = join(tmpdir(), 'vigil-no-such-cgroup-root');
    const bad = await startService({ VIGIL_CGROUP_ROOT: missing }).catch((error: Error) => error);
    expect(bad).toBeInstanceOf(Error);
    expect((bad as Error).message).toContain(`VIGIL_CGROUP_ROOT=${JSON.stringify(missing)}: expected the absolute path of an existing directory`);
  });
});
