/**
 * Building promtool input series. A series is a list of samples, one per test interval:
 * a number, `null` for a missed scrape (`_`) or `'stale'` for a staleness marker (the target
 * vanished). `encodeSeries` compresses runs into promtool's expanding notation.
 */
import { formatDuration } from '../spec/duration.js';

export type Sample = number | null | 'stale';

export class SeriesBuilder {
  private readonly samples: Sample[] = [];

  /** `count` samples rising by `step` from `start` (a counter, or a timestamp gauge). */
  ramp(start: number, step: number, count: number): this {
    for (let i = 0; i < count; i++) this.samples.push(start + step * i);
    return this;
  }

  constant(value: number, count: number): this {
    return this.ramp(value, 0, count);
  }

  gap(count: number): this {
    for (let i = 0; i < count; i++) this.samples.push(null);
    return this;
  }

  stale(): this {
    this.samples.push('stale');
    return this;
  }

  /** Continues a counter from its last value, rising by `step` per sample. */
  rise(step: number, count: number): this {
    return this.ramp(this.last() + step, step, count);
  }

  /** Continues the current value for `count` samples. */
  hold(count: number): this {
    return this.constant(this.last(), count);
  }

  get length(): number {
    return this.samples.length;
  }

  last(): number {
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const sample = this.samples[i];
      if (typeof sample === 'number') return sample;
    }
    return 0;
  }

  /** Pads with the last value (or `null`) up to `length` samples. */
  padTo(length: number, how: 'hold' | 'gap' = 'hold'): this {
    const missing = length - this.samples.length;
    if (missing > 0) {
      if (how === 'hold') this.hold(missing);
      else this.gap(missing);
    }
    return this;
  }

  encode(): string {
    return encodeSeries(this.samples);
  }

  /**
   * A healthy counter as real processes produce it, for the tests that must not fire: it rises
   * by `perStep` from 0, restarts from 0 after one missed scrape at `restartAt` (a counter
   * reset), misses `gapSteps` scrapes at `gapAt`, then holds its value up to `length` samples.
   */
  static restartingCounter(
    perStep: number,
    shape: { readonly restartAt: number; readonly gapAt: number; readonly gapSteps: number; readonly length: number },
  ): SeriesBuilder {
    return new SeriesBuilder()
      .ramp(0, perStep, shape.restartAt)
      .gap(1)
      .ramp(0, perStep, shape.gapAt - shape.restartAt - 1)
      .gap(Math.max(1, shape.gapSteps))
      .padTo(shape.length);
  }
}

const numberText = (value: number): string => (Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15))));

// Steps computed in floating point differ in the last bits; promtool recomputes a+b*n itself.
const sameStep = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** Compresses samples: runs of equal steps as `a+bxN` (N+1 samples), gaps as `_xN` (N samples). */
export function encodeSeries(samples: readonly Sample[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < samples.length) {
    const sample = samples[i]!;
    if (sample === 'stale') {
      parts.push('stale');
      i += 1;
      continue;
    }
    if (sample === null) {
      let j = i;
      while (j < samples.length && samples[j] === null) j++;
      parts.push(j - i === 1 ? '_' : `_x${j - i}`);
      i = j;
      continue;
    }
    const next = samples[i + 1];
    if (typeof next !== 'number') {
      parts.push(numberText(sample));
      i += 1;
      continue;
    }
    const step = next - sample;
    let j = i + 1;
    while (j + 1 < samples.length && typeof samples[j + 1] === 'number' && sameStep((samples[j + 1] as number) - (samples[j] as number), step)) j++;
    const repeats = j - i;
    if (step === 0) parts.push(`${numberText(sample)}x${repeats}`);
    else parts.push(`${numberText(sample)}${step > 0 ? '+' : '-'}${numberText(Math.abs(step))}x${repeats}`);
    i = j + 1;
  }
  return parts.join(' ');
}

/** Seconds as a promtool eval_time / interval ("0s" for zero). */
export function testTime(seconds: number): string {
  return seconds === 0 ? '0s' : formatDuration(Math.round(seconds * 1000));
}

/** A label set as promtool's series syntax: `name{a="b"}`. */
export function seriesName(metric: string, labels: Readonly<Record<string, string>>): string {
  const body = Object.entries(labels)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(', ');
  return `${metric}{${body}}`;
}
