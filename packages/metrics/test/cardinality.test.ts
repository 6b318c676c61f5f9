import { afterEach, describe, expect, it } from 'vitest';
import { overflowLabelValue } from '../src/index.js';
import { findSamples, sampleValue } from './helpers/exposition.js';
import { isolatedVigil, samplesOf } from './helpers/vigil.js';

const warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};

afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('cardinality guard', () => {
  it('folds label sets past the limit into one overflow series, counts them and warns once', async () => {
    process.on('warning', onWarning);
    const vigil = isolatedVigil({ maxLabelSets: 4 });
    const pipeline = vigil.pipeline('orders', { itemType: 'order', source: 'api' });
    // 4 reasons reach the limit; the next 50 distinct reasons overflow, known ones do not.
    for (const reason of ['schema', 'price', 'currency', 'quantity']) pipeline.validationFailed(reason);
    for (let i = 0; i < 50; i++) pipeline.validationFailed(`reason-${i}`);
    pipeline.validationFailed('schema');
    await new Promise((resolve) => setImmediate(resolve));

    const samples = await samplesOf(vigil);
    const validation = findSamples(samples, 'item_validation_errors_total');
    expect(validation).toHaveLength(5);
    expect(sampleValue(samples, 'item_validation_errors_total', { reason: 'schema' })).toBe(2);
    expect(
      sampleValue(samples, 'item_validation_errors_total', { pipeline: overflowLabelValue, item_type: overflowLabelValue, reason: overflowLabelValue }),
    ).toBe(50);
    expect(sampleValue(samples, 'metrics_cardinality_overflow_total', { metric: 'item_validation_errors_total' })).toBe(50);
    const cardinalityWarnings = warnings.filter((w) => (w as Error & { code?: string }).code === 'VIGIL_METRICS_CARDINALITY');
    expect(cardinalityWarnings).toHaveLength(1);
    expect(cardinalityWarnings[0]!.message).toContain('item_validation_errors_total');
  });

  it('keeps memory bounded whatever label values arrive (1,000 by default)', async () => {
    process.on('warning', onWarning);
    const vigil = isolatedVigil();
    for (let i = 0; i < 5000; i++) vigil.trackItemCreation('orders', 'order', `source-${i}`);
    await new Promise((resolve) => setImmediate(resolve));
    const samples = await samplesOf(vigil);
    const created = findSamples(samples, 'items_created_total');
    expect(created).toHaveLength(1001);
    expect(sampleValue(samples, 'items_created_total', { source: overflowLabelValue })).toBe(4000);
    expect(sampleValue(samples, 'metrics_cardinality_overflow_total', { metric: 'items_created_total' })).toBe(4000);
  });

  it('applies to timed operations and HTTP routes too, and rejects a bad limit', async () => {
    const vigil = isolatedVigil({ maxLabelSets: 2 });
    vigil.timed('first', () => 1)();
    vigil.timed('second', () => 2)();
    const samples = await samplesOf(vigil);
    // first/success, first/error fill the limit: both outcomes of "second" overflow.
    expect(sampleValue(samples, 'operation_duration_seconds_count', { operation: overflowLabelValue })).toBe(1);
    expect(sampleValue(samples, 'metrics_cardinality_overflow_total', { metric: 'operation_duration_seconds' })).toBe(1);
    expect(() => isolatedVigil({ maxLabelSets: 0 })).toThrow(/maxLabelSets must be a positive integer, got 0/);
    expect(() => vigil.setMaxLabelSets(1.5)).toThrow(/got 1.5/);
  });
});
