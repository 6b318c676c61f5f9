import CircuitBreaker from 'opossum';
import { describe, expect, it } from 'vitest';
import { breakerStateValue } from '../src/index.js';
import { sampleValue } from './helpers/exposition.js';
import { promtoolCheckMetrics } from './helpers/promtool.js';
import { isolatedVigil, samplesOf } from './helpers/vigil.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('opossum adapter', () => {
  it('tracks state, transitions and every call outcome of a real breaker, fallback included', async () => {
    const vigil = isolatedVigil();
    let mode: 'ok' | 'fail' | 'hang' = 'ok';
    const call = async (): Promise<string> => {
      if (mode === 'fail') throw new Error('redis down');
      if (mode === 'hang') await sleep(200);
      return 'value';
    };
    const breaker = new CircuitBreaker(call, { name: 'redis', timeout: 50, errorThresholdPercentage: 50, volumeThreshold: 4, resetTimeout: 150 });
    breaker.fallback(() => 'from memory');
    const stop = vigil.instrumentBreaker(breaker);
    const state = async (): Promise<number> => sampleValue(await samplesOf(vigil), 'circuit_breaker_state', { breaker: 'redis' });
    const calls = async (outcome: string): Promise<number> =>
      sampleValue(await samplesOf(vigil), 'circuit_breaker_calls_total', { breaker: 'redis', outcome });

    expect(await state()).toBe(breakerStateValue.closed);
    for (let i = 0; i < 3; i++) expect(await breaker.fire()).toBe('value');
    mode = 'hang';
    expect(await breaker.fire()).toBe('from memory');
    mode = 'fail';
    for (let i = 0; i < 3; i++) expect(await breaker.fire()).toBe('from memory');
    expect(breaker.opened).toBe(true);
    expect(await state()).toBe(breakerStateValue.open);
    // Open: calls are rejected without running, and served by the fallback.
    expect(await breaker.fire()).toBe('from memory');
    expect(await calls('success')).toBe(3);
    expect(await calls('timeout')).toBe(1);
    expect(await calls('failure')).toBeGreaterThanOrEqual(1);
    expect((await calls('failure')) + (await calls('timeout')) + (await calls('rejected'))).toBe(5);
    expect(await calls('rejected')).toBeGreaterThanOrEqual(1);
    expect(await calls('fallback')).toBe(5);

    await sleep(200);
    expect(await state()).toBe(breakerStateValue.half_open);
    mode = 'ok';
    expect(await breaker.fire()).toBe('value');
    expect(await state()).toBe(breakerStateValue.closed);
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, 'circuit_breaker_transitions_total', { breaker: 'redis', to: 'open' })).toBe(1);
    expect(sampleValue(samples, 'circuit_breaker_transitions_total', { breaker: 'redis', to: 'half_open' })).toBe(1);
    expect(sampleValue(samples, 'circuit_breaker_transitions_total', { breaker: 'redis', to: 'closed' })).toBe(1);
    expect(await promtoolCheckMetrics((await vigil.scrape()).body)).toEqual({ code: 0, output: '' });

    // Unsubscribed: further calls are not counted, and the breaker works as before.
    stop();
    await breaker.fire();
    expect(await calls('success')).toBe(4);
    breaker.shutdown();
  });

  it('rejects a breaker without a usable name', () => {
    const vigil = isolatedVigil();
    const breaker = new CircuitBreaker(async () => 1);
    expect(() => vigil.instrumentBreaker(breaker, '')).toThrow(/label "breaker"/);
    breaker.shutdown();
  });
});
