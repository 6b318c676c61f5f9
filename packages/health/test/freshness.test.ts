import { describe, expect, it } from 'vitest';
import { createHealth, freshnessCheck } from '../src/index.js';

describe('freshnessCheck', () => {
  it('is unhealthy when the pipeline created nothing within its window, even though the process is up', async () => {
    let now = 1_000_000;
    let lastItemAt: number | undefined;
    const health = createHealth({
      registry: null,
      checks: [freshnessCheck({ name: 'pipeline:orders', windowMs: 60_000, lastItemAtMs: () => lastItemAt, now: () => now })],
    });

    // Grace: the first window counts from start-up.
    now += 30_000;
    expect((await health.ready()).status).toBe('pass');
    now += 31_000;
    let ready = await health.ready();
    expect(ready.failing).toEqual([{ name: 'pipeline:orders', error: 'no item created since start-up 61s ago (window 60s)' }]);

    lastItemAt = now - 5_000;
    ready = await health.ready();
    expect(ready.status).toBe('pass');
    const diagnostics = await health.diagnostics();
    expect(diagnostics.checks[0]?.details).toEqual({ lastItemAgeSeconds: 5, windowSeconds: 60 });

    now += 90_000;
    ready = await health.ready();
    expect(ready.failing).toEqual([{ name: 'pipeline:orders', error: 'last item created 95s ago, more than the 60s window' }]);
    expect(health.live().status).toBe('pass');
    health.close();
  });

  it('rejects a window that is not positive', () => {
    expect(() => freshnessCheck({ name: 'pipeline:x', windowMs: 0, lastItemAtMs: () => undefined })).toThrow(
      'freshnessCheck "pipeline:x": windowMs must be a positive number, got 0',
    );
  });
});
