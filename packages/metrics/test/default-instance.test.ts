import { register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { defaultVigilMetrics, pipelineMetrics, timed, timedOperation, trackItemCreation } from '../src/index.js';
import { parseExposition, sampleValue } from './helpers/exposition.js';

describe('module-level API', () => {
  it('records on prom-client global register, with default labels set after the fact', async () => {
    class Report {
      @timedOperation()
      build(): string {
        return 'report';
      }
    }
    expect(new Report().build()).toBe('report');
    expect(timed('module.timed', () => 2)()).toBe(2);
    trackItemCreation('module-pipeline', 'thing', 'test');
    pipelineMetrics('module-bound').created();
    defaultVigilMetrics().setDefaultLabels({ service: 'reports', version: '0.0.1' });
    expect(defaultVigilMetrics()).toBe(defaultVigilMetrics());

    const samples = parseExposition(await register.metrics());
    const labels = { service: 'reports', version: '0.0.1' };
    expect(sampleValue(samples, 'operation_duration_seconds_count', { ...labels, operation: 'Report.build', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, 'operation_duration_seconds_count', { operation: 'module.timed', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, 'items_created_total', { pipeline: 'module-pipeline' })).toBe(1);
    expect(sampleValue(samples, 'items_created_total', { pipeline: 'module-bound' })).toBe(1);
    expect(sampleValue(samples, 'nodejs_eventloop_lag_seconds', labels)).toBeGreaterThanOrEqual(0);
    defaultVigilMetrics().close();
  });
});
