/**
 * `timed(name, fn)` and the `@timedOperation()` decorator. The label sets (operation x outcome)
 * are bound once, when the function is wrapped, so a call costs two clock reads, a bucket scan
 * and three stores. Durations use `performance.now()` (float milliseconds): bench/metrics.ts
 * measures two reads of it level with two `process.hrtime.bigint()` reads, and the bigint
 * route would add a BigInt subtraction and conversion on every call.
 *
 * `performance` is imported, not read from the global: Node defines `globalThis.performance` as a
 * lazy accessor, so each global read is a call through V8's global-load handler, which optimised
 * code cannot fold away (callgrind shows that handler running once a read).
 */
import { performance } from 'node:perf_hooks';
import type { HistogramFamily, HistogramSeries } from './families.js';
import { assertOperationName } from './names.js';

interface OutcomeSeries {
  success: HistogramSeries;
  error: HistogramSeries;
}

export function bindOperation(family: HistogramFamily, operation: string): OutcomeSeries {
  return {
    success: family.seriesFor([operation, 'success']),
    error: family.seriesFor([operation, 'error']),
  };
}

function observeSince(series: HistogramSeries, start: number): void {
  try {
    series.observe(performance.now() - start);
  } catch {
    // Instrumentation must never throw into the measured code.
  }
}

function observeSettled<T>(promise: Promise<T>, success: HistogramSeries, error: HistogramSeries, start: number): Promise<T> {
  // Returning the derived promise (not attaching a handler to the caller's) keeps Node's
  // unhandled-rejection behaviour: if the caller ignores a rejection, it is still unhandled.
  return promise.then(
    (value) => {
      observeSince(success, start);
      return value;
    },
    (reason: unknown) => {
      observeSince(error, start);
      throw reason;
    },
  );
}

function copyIdentity(wrapper: Function, original: Function): void {
  Object.defineProperty(wrapper, 'name', { value: original.name, configurable: true });
  Object.defineProperty(wrapper, 'length', { value: original.length, configurable: true });
}

/**
 * Wraps `fn`. `resolve` is called once, on the first call, when the series could not be bound
 * up front (a standard decorator learns its class name only from an instance).
 */
export function wrapTimed<F extends Function>(
  fn: F,
  bound: OutcomeSeries | null,
  resolve: ((self: unknown) => OutcomeSeries) | null,
): F {
  let success = bound === null ? null : bound.success;
  let error = bound === null ? null : bound.error;
  const wrapper = function (this: unknown): unknown {
    if (success === null || error === null) {
      try {
        const resolved = resolve!(this);
        success = resolved.success;
        error = resolved.error;
      } catch {
        return Reflect.apply(fn, this, arguments);
      }
    }
    const start = performance.now();
    let result: unknown;
    try {
      result = Reflect.apply(fn, this, arguments);
    } catch (thrown) {
      observeSince(error, start);
      throw thrown;
    }
    // Only native promises: calling `then` on a foreign thenable (a lazy query builder, say)
    // could start work the caller never asked for. Those are timed as synchronous calls.
    if (result instanceof Promise) return observeSettled(result, success, error, start);
    observeSince(success, start);
    return result;
  };
  copyIdentity(wrapper, fn);
  return wrapper as unknown as F;
}

export function timedWith<F extends (...args: never[]) => unknown>(family: HistogramFamily, name: string, fn: F): F {
  assertOperationName(name, 'timed()');
  if (typeof fn !== 'function') {
    throw new TypeError(`@vigil/metrics: timed("${name}", fn) expects a function, got ${typeof fn}`);
  }
  return wrapTimed(fn, bindOperation(family, name), null);
}

type Method<This, Args extends unknown[], Return> = (this: This, ...args: Args) => Return;

/** Callable both as a TC39 standard method decorator and as an `experimentalDecorators` one. */
export interface OperationDecorator {
  <This, Args extends unknown[], Return>(
    value: Method<This, Args, Return>,
    context: ClassMethodDecoratorContext<This, Method<This, Args, Return>>,
  ): Method<This, Args, Return>;
  (target: object, propertyKey: string | symbol, descriptor: PropertyDescriptor): PropertyDescriptor;
}

function keyName(key: string | symbol): string {
  return typeof key === 'symbol' ? (key.description ?? 'symbol') : key;
}

function className(candidate: unknown): string {
  const name = typeof candidate === 'function' ? (candidate as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.length > 0 ? name : 'anonymous';
}

/** The class that declares `method`: walks up from the instance to the prototype owning it. */
function declaringClassName(self: unknown, key: string | symbol, method: Function, isStatic: boolean): string {
  if (isStatic) return className(self);
  let proto: unknown = self === null || self === undefined ? undefined : Object.getPrototypeOf(self);
  while (proto !== null && proto !== undefined) {
    const own = Object.getOwnPropertyDescriptor(proto, key);
    if (own !== undefined && own.value === method) {
      return className((proto as { constructor?: unknown }).constructor);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return className((self as { constructor?: unknown } | null | undefined)?.constructor);
}

interface StandardContext {
  kind: string;
  name: string | symbol;
  static: boolean;
  addInitializer(initializer: (this: unknown) => void): void;
}

function isStandardContext(value: unknown): value is StandardContext {
  return typeof value === 'object' && value !== null && 'kind' in value && 'name' in value;
}

export function timedOperationWith(family: HistogramFamily, name?: string): OperationDecorator {
  if (name !== undefined) assertOperationName(name, '@timedOperation()');

  function decorate(target: unknown, contextOrKey: unknown, descriptor?: PropertyDescriptor): unknown {
    if (isStandardContext(contextOrKey)) {
      if (contextOrKey.kind !== 'method' || typeof target !== 'function') {
        throw new TypeError(
          `@vigil/metrics: @timedOperation decorates methods, not a ${contextOrKey.kind} ("${keyName(contextOrKey.name)}")`,
        );
      }
      const method = target;
      const methodName = keyName(contextOrKey.name);
      if (name !== undefined) return wrapTimed(method, bindOperation(family, name), null);
      assertOperationName(methodName, `@timedOperation() on method "${methodName}"`);
      let wrapper: Function | undefined;
      let resolved: OutcomeSeries | null = null;
      const resolve = (self: unknown): OutcomeSeries => {
        if (resolved !== null) return resolved;
        const owner = declaringClassName(self, contextOrKey.name, wrapper!, contextOrKey.static);
        try {
          assertOperationName(`${owner}.${methodName}`, '@timedOperation()');
          resolved = bindOperation(family, `${owner}.${methodName}`);
        } catch {
          // A class name outside the operation-name alphabet cannot fail at construction time
          // (that would change the program); the method name alone still identifies it.
          resolved = bindOperation(family, methodName);
        }
        return resolved;
      };
      wrapper = wrapTimed(method, null, resolve);
      // Binds when the first instance (or, for static methods, the class) is initialised, so
      // the first call pays nothing extra.
      contextOrKey.addInitializer(function (this: unknown) {
        if (resolved === null) resolve(this);
      });
      return wrapper;
    }

    if (
      (typeof contextOrKey === 'string' || typeof contextOrKey === 'symbol') &&
      (typeof target === 'function' || (typeof target === 'object' && target !== null))
    ) {
      const key = contextOrKey as string | symbol;
      if (descriptor === undefined || typeof descriptor.value !== 'function') {
        throw new TypeError(`@vigil/metrics: @timedOperation decorates methods; "${keyName(key)}" is not a method`);
      }
      const owner = typeof target === 'function' ? className(target) : className((target as { constructor?: unknown }).constructor);
      const operation = name ?? `${owner}.${keyName(key)}`;
      assertOperationName(operation, `@timedOperation() on ${owner}.${keyName(key)}`);
      return { ...descriptor, value: wrapTimed(descriptor.value as Function, bindOperation(family, operation), null) };
    }

    throw new TypeError('@vigil/metrics: @timedOperation must be applied to a class method');
  }

  return decorate as OperationDecorator;
}
