import { describe, expect, it, vi } from 'vitest';
import { HistogramSeries } from '../src/families.js';
import { MetricsNameError } from '../src/index.js';
import { sampleValue } from './helpers/exposition.js';
import { isolatedVigil, samplesOf } from './helpers/vigil.js';

const duration = 'operation_duration_seconds_count';

describe('timed()', () => {
  it('counts a sync success and keeps this, arguments and the return value', async () => {
    const vigil = isolatedVigil();
    const receiver = { factor: 3 };
    const multiply = vigil.timed('multiply', function (this: { factor: number }, a: number, b: number) {
      return this.factor * a * b;
    });
    expect(multiply.call(receiver, 2, 5)).toBe(30);
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, duration, { operation: 'multiply', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, duration, { operation: 'multiply', outcome: 'error' })).toBe(0);
  });

  it('rethrows the same error object from a sync throw and counts outcome error', async () => {
    const vigil = isolatedVigil();
    const thrown = new TypeError('bad input');
    const fail = vigil.timed('fail', () => {
      throw thrown;
    });
    let caught: unknown;
    try {
      fail();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(thrown);
    expect(sampleValue(await samplesOf(vigil), duration, { operation: 'fail', outcome: 'error' })).toBe(1);
  });

  it('keeps a rejection reason identical and counts it as error once it settles', async () => {
    const vigil = isolatedVigil();
    const reason = new Error('rejected');
    const load = vigil.timed('load', async (delayMs: number) => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      throw reason;
    });
    const pending = load(20);
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toBe(reason);
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, duration, { operation: 'load', outcome: 'error' })).toBe(1);
    expect(sampleValue(samples, 'operation_duration_seconds_sum', { operation: 'load', outcome: 'error' })).toBeGreaterThanOrEqual(0.015);
  });

  it('resolves to the same value and measures the time until settlement', async () => {
    const vigil = isolatedVigil();
    const value = { id: 7 };
    const fetchItem = vigil.timed('fetchItem', async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return value;
    });
    expect(await fetchItem()).toBe(value);
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, duration, { operation: 'fetchItem', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, 'operation_duration_seconds_sum', { operation: 'fetchItem', outcome: 'success' })).toBeGreaterThanOrEqual(0.025);
    expect(sampleValue(samples, 'operation_duration_seconds_bucket', { operation: 'fetchItem', outcome: 'success', le: '0.01' })).toBe(0);
    expect(sampleValue(samples, 'operation_duration_seconds_bucket', { operation: 'fetchItem', outcome: 'success', le: '+Inf' })).toBe(1);
  });

  it('keeps name and length', () => {
    const vigil = isolatedVigil();
    function computeTotal(a: number, b: number, c: number): number {
      return a + b + c;
    }
    const wrapped = vigil.timed('computeTotal', computeTotal);
    expect(wrapped.name).toBe('computeTotal');
    expect(wrapped.length).toBe(3);
    const arrow = vigil.timed('arrow', (x: number) => x);
    expect(arrow.length).toBe(1);
  });

  it('leaves an unhandled rejection unhandled (the derived promise still rejects)', async () => {
    const vigil = isolatedVigil();
    const reason = new Error('nobody listens');
    const seen: unknown[] = [];
    const listener = (error: unknown): void => {
      seen.push(error);
    };
    // vitest installs its own listener; ours only observes which reason went unhandled.
    process.on('unhandledRejection', listener);
    try {
      vigil.timed('ignored', async () => {
        throw reason;
      })();
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('unhandledRejection', listener);
    }
    expect(seen).toContain(reason);
  });

  it('does not call then() on a foreign thenable and times the call as synchronous', async () => {
    const vigil = isolatedVigil();
    const thenable = { then: vi.fn() };
    const build = vigil.timed('build', () => thenable);
    expect(build()).toBe(thenable);
    expect(thenable.then).not.toHaveBeenCalled();
    expect(sampleValue(await samplesOf(vigil), duration, { operation: 'build', outcome: 'success' })).toBe(1);
  });

  it('never lets an instrumentation failure reach the caller', () => {
    const vigil = isolatedVigil();
    const observe = vi.spyOn(HistogramSeries.prototype, 'observe').mockImplementation(() => {
      throw new Error('instrumentation broke');
    });
    try {
      expect(vigil.timed('sturdy', (x: number) => x + 1)(1)).toBe(2);
      const original = new RangeError('from the measured code');
      expect(() =>
        vigil.timed('sturdyThrow', () => {
          throw original;
        })(),
      ).toThrow(original);
    } finally {
      observe.mockRestore();
    }
  });

  it('rejects bad operation names when wrapping, naming the value', () => {
    const vigil = isolatedVigil();
    expect(() => vigil.timed('has space', () => 1)).toThrow(MetricsNameError);
    expect(() => vigil.timed('has space', () => 1)).toThrow(/"has space"/);
    expect(() => vigil.timed('', () => 1)).toThrow(/invalid operation name ""/);
    expect(() => vigil.timed('9starts.with.digit', () => 1)).toThrow(/9starts/);
    expect(() => vigil.timed('x'.repeat(201), () => 1)).toThrow(MetricsNameError);
    expect(() => vigil.timed('ok', 42 as unknown as () => void)).toThrow(/expects a function/);
  });
});

describe('@timedOperation (TC39 standard decorators)', () => {
  it('defaults the operation to Class.method and keeps the method contract', async () => {
    const vigil = isolatedVigil();
    const thrown = new Error('declined');
    class Checkout {
      constructor(private readonly fee: number) {}

      @vigil.timedOperation()
      total(amount: number, quantity: number): number {
        return amount * quantity + this.fee;
      }

      @vigil.timedOperation()
      async charge(amount: number): Promise<number> {
        if (amount < 0) throw thrown;
        return amount;
      }
    }
    const checkout = new Checkout(5);
    expect(checkout.total(10, 2)).toBe(25);
    expect(Checkout.prototype.total.name).toBe('total');
    expect(Checkout.prototype.total.length).toBe(2);
    expect(await checkout.charge(3)).toBe(3);
    await expect(checkout.charge(-1)).rejects.toBe(thrown);
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, duration, { operation: 'Checkout.total', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, duration, { operation: 'Checkout.charge', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, duration, { operation: 'Checkout.charge', outcome: 'error' })).toBe(1);
  });

  it('names an inherited method after the declaring class, and static methods after their class', async () => {
    const vigil = isolatedVigil();
    class Repository {
      @vigil.timedOperation()
      find(): string {
        return 'found';
      }

      @vigil.timedOperation()
      static open(): string {
        return 'open';
      }
    }
    class UserRepository extends Repository {}
    expect(new UserRepository().find()).toBe('found');
    expect(Repository.open()).toBe('open');
    const samples = await samplesOf(vigil);
    expect(sampleValue(samples, duration, { operation: 'Repository.find', outcome: 'success' })).toBe(1);
    expect(sampleValue(samples, duration, { operation: 'Repository.open', outcome: 'success' })).toBe(1);
  });

  it('uses an explicit name and rejects a bad one at decoration time', async () => {
    const vigil = isolatedVigil();
    class Importer {
      @vigil.timedOperation('import.batch')
      run(): number {
        return 1;
      }
    }
    new Importer().run();
    expect(sampleValue(await samplesOf(vigil), duration, { operation: 'import.batch', outcome: 'success' })).toBe(1);
    expect(() => vigil.timedOperation('bad name!')).toThrow(/invalid operation name "bad name!"/);
  });

  it('refuses to decorate something other than a method', () => {
    const vigil = isolatedVigil();
    const decorator = vigil.timedOperation() as unknown as (value: unknown, context: object) => unknown;
    expect(() => decorator(undefined, { kind: 'field', name: 'count', static: false, addInitializer() {} })).toThrow(
      /decorates methods, not a field \("count"\)/,
    );
  });
});
