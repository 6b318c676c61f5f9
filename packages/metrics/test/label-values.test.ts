import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { foldLabelValue } from '../src/names.js';
import { findSamples, sampleValue } from './helpers/exposition.js';
import { promtoolCheckMetrics } from './helpers/promtool.js';
import { isolatedVigil, samplesOf } from './helpers/vigil.js';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});
const warnings: Array<Error & { code?: string }> = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};
afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

/** A deterministic generator, so a failing corpus can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const alphabets = [
  'abcdefghijklmnopqrstuvwxyz/-_',
  '"\\\n\r\t{}=,#',
  'éüñ✓中文',
  '😀🚀', // astral: surrogate pairs
  '\ud800\udfff\udc00', // lone surrogates when split
  '\u0000\u0001\u007f',
];

/** Hostile label values: empty, long, escapes, multi-byte, lone surrogates, control characters. */
function hostileCorpus(count: number, seed: number): string[] {
  const next = random(seed);
  const corpus = ['', ' ', '"', '\\', '\n', 'x'.repeat(127), 'x'.repeat(128), 'x'.repeat(129), 'é'.repeat(64), '😀'.repeat(40)];
  while (corpus.length < count) {
    const alphabet = alphabets[Math.floor(next() * alphabets.length)]!;
    const length = Math.floor(next() ** 3 * 10_000);
    let value = '';
    for (let i = 0; i < length; i++) value += alphabet[Math.floor(next() * alphabet.length)];
    corpus.push(value);
  }
  return corpus;
}

describe('label values have bounded bytes', () => {
  it('folds over-long values to a bounded, valid, distinct form', () => {
    for (const value of hostileCorpus(300, 1)) {
      const folded = foldLabelValue(value, 128);
      expect(Buffer.byteLength(folded)).toBeLessThanOrEqual(128);
      // Valid UTF-8 both ways: no lone surrogate survives.
      expect(Buffer.from(folded).toString('utf8')).toBe(folded);
    }
    const a = 'p'.repeat(500) + 'a';
    const b = 'p'.repeat(500) + 'b';
    expect(foldLabelValue(a, 128)).not.toBe(foldLabelValue(b, 128));
    expect(foldLabelValue(a, 128)).toBe(foldLabelValue(a, 128));
  });

  it('bounds every run-time value of every family, counts and warns once, and the exposition stays valid', async () => {
    process.on('warning', onWarning);
    const vigil = isolatedVigil({ maxLabelSets: 5_000 });
    const pipeline = vigil.pipeline('orders');
    const corpus = hostileCorpus(400, 7);
    for (const value of corpus) pipeline.validationFailed(value);
    await new Promise((resolve) => setImmediate(resolve));
    const scrape = await vigil.scrape();
    const samples = await samplesOf(vigil);
    const reasons = findSamples(samples, 'item_validation_errors_total').map((sample) => sample.labels.reason!);
    for (const reason of reasons) expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(128);
    // Nothing is dropped: the empty value has a named placeholder, every call is counted.
    expect(sampleValue(samples, 'item_validation_errors_total', { reason: '__empty__' })).toBe(corpus.filter((value) => value === '').length);
    expect(findSamples(samples, 'item_validation_errors_total').reduce((sum, sample) => sum + sample.value, 0)).toBe(corpus.length);
    const tooLong = corpus.filter((value) => Buffer.byteLength(value) > 128).length;
    expect(tooLong).toBeGreaterThan(100);
    expect(sampleValue(samples, 'metrics_label_value_truncated_total', { metric: 'item_validation_errors_total' })).toBe(tooLong);
    expect(warnings.filter((warning) => warning.code === 'VIGIL_METRICS_LABEL_VALUE_TOO_LONG')).toHaveLength(1);
    // 400 values of up to 10,000 characters: the exposition stays small.
    expect(scrape.bytes.length).toBeLessThan(200_000);
    expect(await promtoolCheckMetrics(scrape.body)).toEqual({ code: 0, output: '' });
  });

  it('takes `route` from the template of a parameterised Express mount, never the raw path', async () => {
    const vigil = isolatedVigil();
    const app = express();
    app.use(vigil.expressMiddleware());
    const users = express.Router();
    users.get('/orders/:orderId', (_request, response) => {
      response.send('order');
    });
    const nested = express.Router();
    nested.get('/', (_request, response) => {
      response.send('team');
    });
    users.use('/teams/:teamId', nested);
    app.use('/tenants/:tenant/users/:userId', users);
    app.use('/static-mount', users);
    const server = createServer(app);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const long = 'x'.repeat(8_000);
    for (let i = 0; i < 50; i++) {
      await (await fetch(`${base}/tenants/${long}${i}/users/${i}/orders/${i}`)).text();
      await (await fetch(`${base}/tenants/t${i}/users/${i}/teams/${long}/`)).text();
    }
    await (await fetch(`${base}/static-mount/orders/1`)).text();
    const samples = await samplesOf(vigil);
    const routes = new Set(findSamples(samples, 'http_request_duration_seconds_count').map((sample) => sample.labels.route));
    expect(routes).toEqual(
      new Set(['/tenants/:tenant/users/:userId/orders/:orderId', '/tenants/:tenant/users/:userId/teams/:teamId', '/static-mount/orders/:orderId']),
    );
    expect(sampleValue(samples, 'http_request_duration_seconds_count', { route: '/tenants/:tenant/users/:userId/orders/:orderId' })).toBe(50);
  });

  it('counts gauge overflow too: the last-item gauge past its limit', async () => {
    const vigil = isolatedVigil({ maxLabelSets: 2 });
    // The gauge stays 0 until a pipeline creates its first item; the overflow series takes the latest.
    for (const name of ['a', 'b', 'c', 'd']) vigil.pipeline(name).created();
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, 'pipeline_last_item_created_timestamp_seconds', { pipeline: '__overflow__' })).toBeGreaterThan(0);
    expect(sampleValue(samples, 'metrics_cardinality_overflow_total', { metric: 'pipeline_last_item_created_timestamp_seconds' })).toBe(2);
  });
});
