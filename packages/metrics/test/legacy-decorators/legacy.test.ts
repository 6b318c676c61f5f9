/**
 * The same decorator compiled with `experimentalDecorators` (this folder's tsconfig.json, which
 * vitest's esbuild picks as the nearest one): it receives (prototype, key, descriptor).
 */
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createVigilMetrics, type VigilMetrics } from '../../src/index.js';
import { parseExposition, sampleValue } from '../helpers/exposition.js';

function isolatedVigil(): VigilMetrics {
  return createVigilMetrics({ registry: new Registry(), collectDefaultMetrics: false, countUnhandledErrors: false });
}

async function count(vigil: VigilMetrics, operation: string, outcome: string): Promise<number> {
  return sampleValue(parseExposition(await vigil.registry.metrics()), 'operation_duration_seconds_count', { operation, outcome });
}

describe('@timedOperation under experimentalDecorators', () => {
  it('is compiled in legacy mode (the decorator receives a property key, not a context)', () => {
    const received: unknown[] = [];
    function probe(...args: unknown[]): void {
      received.push(...args);
    }
    class Probed {
      @probe
      method(): void {}
    }
    expect(new Probed()).toBeInstanceOf(Probed);
    expect(received[1]).toBe('method');
    expect(typeof (received[2] as PropertyDescriptor).value).toBe('function');
  });

  it('defaults to Class.method and keeps this, arguments, return value, name and length', async () => {
    const vigil = isolatedVigil();
    class Ledger {
      constructor(private readonly balance: number) {}

      @vigil.timedOperation()
      credit(amount: number, note: string): string {
        return `${note}:${this.balance + amount}`;
      }

      @vigil.timedOperation()
      static version(): number {
        return 2;
      }
    }
    expect(new Ledger(10).credit(5, 'ok')).toBe('ok:15');
    expect(Ledger.prototype.credit.name).toBe('credit');
    expect(Ledger.prototype.credit.length).toBe(2);
    expect(Ledger.version()).toBe(2);
    expect(await count(vigil, 'Ledger.credit', 'success')).toBe(1);
    expect(await count(vigil, 'Ledger.version', 'success')).toBe(1);
  });

  it('rethrows the same error (sync and async) and counts outcome error', async () => {
    const vigil = isolatedVigil();
    const syncError = new Error('sync');
    const asyncError = new Error('async');
    class Gateway {
      @vigil.timedOperation('gateway.call')
      call(): never {
        throw syncError;
      }

      @vigil.timedOperation('gateway.fetch')
      async fetch(): Promise<never> {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw asyncError;
      }
    }
    const gateway = new Gateway();
    expect(() => gateway.call()).toThrow(syncError);
    await expect(gateway.fetch()).rejects.toBe(asyncError);
    expect(await count(vigil, 'gateway.call', 'error')).toBe(1);
    expect(await count(vigil, 'gateway.fetch', 'error')).toBe(1);
  });

  it('rejects a bad name and a non-method at decoration time', () => {
    const vigil = isolatedVigil();
    expect(() => vigil.timedOperation('no spaces allowed')).toThrow(/invalid operation name "no spaces allowed"/);
    const decorator = vigil.timedOperation();
    expect(() => decorator({}, 'value', { get: () => 1 } as PropertyDescriptor)).toThrow(/"value" is not a method/);
  });
});
