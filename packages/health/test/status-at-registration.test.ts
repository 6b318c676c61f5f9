import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createHealth } from '../src/index.js';

describe('health_check_status at registration', () => {
  it('exists as NaN (pending) before any run, for every check added', async () => {
    const registry = new Registry();
    const health = createHealth({ registry, refreshIntervalMs: 0, checks: [{ name: 'db', run: () => undefined }] });
    health.addCheck({ name: 'cache', criticality: 'warning', run: () => undefined });
    const text = await registry.metrics();
    // prom-client writes "Nan"; Prometheus reads NaN in any case.
    expect(text).toMatch(/^health_check_status\{check="db",criticality="critical"\} nan$/im);
    expect(text).toMatch(/^health_check_status\{check="cache",criticality="warning"\} nan$/im);
  });
});
