import { Registry } from 'prom-client';
import { createVigilMetrics, type VigilMetrics, type VigilMetricsOptions } from '../../src/index.js';
import { parseExposition, type Sample } from './exposition.js';

/** A VigilMetrics on its own registry, without process hooks or default metrics unless asked. */
export function isolatedVigil(options: VigilMetricsOptions = {}): VigilMetrics {
  return createVigilMetrics({
    registry: new Registry(),
    collectDefaultMetrics: false,
    countUnhandledErrors: false,
    ...options,
  });
}

export async function samplesOf(vigil: VigilMetrics): Promise<Sample[]> {
  return parseExposition(await vigil.registry.metrics());
}
