import { describe, expect, it } from 'vitest';
import { MetricsNameError } from '../src/index.js';
import { sampleValue } from './helpers/exposition.js';
import { isolatedVigil, samplesOf } from './helpers/vigil.js';

describe('item tracking', () => {
  it('PipelineMetrics counts created items, missing required fields and validation failures', async () => {
    const vigil = isolatedVigil();
    const orders = vigil.pipeline('orders', { itemType: 'order', source: 'shop', requiredFields: ['id', 'price', 'currency'] });
    orders.created({ id: 1, price: 10, currency: 'EUR' });
    orders.created({ id: 2, price: null, currency: '' });
    orders.created({ id: 3 });
    orders.created();
    orders.validationFailed('schema');
    orders.validationFailed('schema');
    orders.validationFailed('negative_price');

    const samples = await samplesOf(vigil);
    const base = { pipeline: 'orders', item_type: 'order' };
    expect(sampleValue(samples, 'items_created_total', { ...base, source: 'shop' })).toBe(4);
    expect(sampleValue(samples, 'item_field_missing_total', { ...base, field: 'id' })).toBe(0);
    expect(sampleValue(samples, 'item_field_missing_total', { ...base, field: 'price' })).toBe(2);
    expect(sampleValue(samples, 'item_field_missing_total', { ...base, field: 'currency' })).toBe(2);
    expect(sampleValue(samples, 'item_validation_errors_total', { ...base, reason: 'schema' })).toBe(2);
    expect(sampleValue(samples, 'item_validation_errors_total', { ...base, reason: 'negative_price' })).toBe(1);
  });

  it('stamps the last created item in seconds, and reports 0 until this process creates one', async () => {
    const vigil = isolatedVigil();
    const events = vigil.pipeline('events');
    const atStart = sampleValue(await samplesOf(vigil), 'pipeline_last_item_created_timestamp_seconds', { pipeline: 'events' });
    expect(atStart).toBe(0);
    expect(events.lastItemCreatedAt).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const before = Date.now() / 1000;
    events.created();
    const after = sampleValue(await samplesOf(vigil), 'pipeline_last_item_created_timestamp_seconds', { pipeline: 'events' });
    expect(after).toBeGreaterThanOrEqual(before - 0.001);
    expect(after).toBeLessThanOrEqual(Date.now() / 1000 + 0.001);
    expect(events.lastItemCreatedAt).toBe(Math.round(after * 1000));
  });

  it('trackItemCreation counts per pipeline, item type and source, with field coverage', async () => {
    const vigil = isolatedVigil();
    vigil.trackItemCreation('orders', 'order', 'api', { id: 1 }, { requiredFields: ['id', 'price'] });
    vigil.trackItemCreation('orders', 'order', 'api', { id: 2, price: 3 }, { requiredFields: ['id', 'price'] });
    vigil.trackItemCreation('orders', 'refund', 'batch');
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, 'items_created_total', { item_type: 'order', source: 'api' })).toBe(2);
    expect(sampleValue(samples, 'items_created_total', { item_type: 'refund', source: 'batch' })).toBe(1);
    expect(sampleValue(samples, 'item_field_missing_total', { item_type: 'order', field: 'price' })).toBe(1);
  });

  it('never throws into the pipeline, even for a hostile item or bad call-time labels', async () => {
    const vigil = isolatedVigil();
    const orders = vigil.pipeline('orders', { requiredFields: ['id'] });
    const hostile = new Proxy({}, {
      get() {
        throw new Error('trap');
      },
    });
    expect(() => orders.created(hostile)).not.toThrow();
    expect(() => vigil.trackItemCreation('', 'order', 'api')).not.toThrow();
    expect(sampleValue(await samplesOf(vigil), 'items_created_total', { pipeline: 'orders' })).toBe(1);
  });

  it('rejects bad labels when a PipelineMetrics is created', () => {
    const vigil = isolatedVigil();
    expect(() => vigil.pipeline('')).toThrow(MetricsNameError);
    expect(() => vigil.pipeline('orders', { itemType: 'a\nb' })).toThrow(/label "item_type"/);
    expect(() => vigil.pipeline('orders', { requiredFields: [''] })).toThrow(/label "field".*requiredFields/);
  });
});
