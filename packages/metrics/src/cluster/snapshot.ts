/**
 * The worker side: a snapshot of one Registry in wire form. Vigil's families reuse the label
 * blocks the exposition caches per series; any other metric (prom-client's defaults, user
 * metrics) goes through its own `get()`, labelled as prom-client would write it.
 */
import type { Registry } from 'prom-client';
import { rendererFor } from '../exposition.js';
import {
  CounterFamily,
  escapeLabelValue,
  Family,
  GaugeFamily,
  HistogramFamily,
  refreshLabelBlock,
  type LabelSet,
  type RenderContext,
  type SeriesBase,
} from '../families.js';
import { toWire, type WireFamily, type WireNumber, type WireType } from './wire.js';

interface ForeignValue {
  readonly value: number;
  readonly labels?: Readonly<Record<string, string | number>>;
  readonly metricName?: string;
}
interface ForeignFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly values: readonly ForeignValue[];
}

const wireTypes: ReadonlySet<string> = new Set<WireType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** `{a="x",b="y"}` from a value's own labels, then the default labels it does not set. */
function foreignLabelBlock(labels: Readonly<Record<string, string | number>> | undefined, defaults: LabelSet): string {
  let pairs = '';
  const own = labels ?? {};
  for (const name in own) pairs += `${pairs === '' ? '' : ','}${name}="${escapeLabelValue(String(own[name]))}"`;
  for (const name in defaults) {
    if (name in own) continue;
    pairs += `${pairs === '' ? '' : ','}${name}="${escapeLabelValue(String(defaults[name]))}"`;
  }
  return pairs === '' ? '' : `{${pairs}}`;
}

function ownFamily(family: Family<SeriesBase>, context: RenderContext): WireFamily {
  const series = family.seriesToRender();
  const keys: string[] = new Array(series.length);
  if (family instanceof HistogramFamily) {
    const le = family.leValues;
    const width = le.length + 2;
    const values: WireNumber[] = new Array(series.length * width);
    for (let s = 0; s < series.length; s++) {
      const one = series[s] as unknown as { bucketCounts: Float64Array; sum: number; count: number } & SeriesBase;
      refreshLabelBlock(one, context);
      keys[s] = one.labelBlock === '' ? '' : one.labelBlock.slice(1, -1);
      let cumulative = 0;
      const base = s * width;
      for (let i = 0; i < one.bucketCounts.length; i++) {
        cumulative += one.bucketCounts[i]!;
        values[base + i] = cumulative;
      }
      values[base + le.length - 1] = one.count;
      values[base + le.length] = toWire(one.sum / family.inputScale);
      values[base + le.length + 1] = one.count;
    }
    return { name: family.name, help: family.help, type: 'histogram', le, keys, values };
  }
  const divisor = family instanceof GaugeFamily ? family.divisor : 1;
  const values: WireNumber[] = new Array(series.length);
  for (let s = 0; s < series.length; s++) {
    const one = series[s] as unknown as { value: number } & SeriesBase;
    refreshLabelBlock(one, context);
    keys[s] = family.name + one.labelBlock;
    values[s] = toWire(one.value / divisor);
  }
  return { name: family.name, help: family.help, type: family instanceof CounterFamily ? 'counter' : 'gauge', keys, values };
}

function foreignFamily(family: ForeignFamily, defaults: LabelSet): WireFamily {
  const keys: string[] = new Array(family.values.length);
  const values: WireNumber[] = new Array(family.values.length);
  family.values.forEach((value, i) => {
    keys[i] = (value.metricName ?? family.name) + foreignLabelBlock(value.labels, defaults);
    values[i] = toWire(value.value);
  });
  const type = wireTypes.has(family.type) ? (family.type as WireType) : 'untyped';
  return { name: family.name, help: family.help, type, keys, values };
}

/** Every metric of `registry`, in registration order. */
export async function snapshotRegistry(registry: Registry): Promise<WireFamily[]> {
  // Timestamps set in microtasks queued before the request (the last-item stamp) land first.
  await null;
  const context = rendererFor(registry).contextFor(false);
  const metrics = registry.getMetricsAsArray() as unknown as Array<Family<SeriesBase> | { get(): Promise<ForeignFamily> }>;
  return Promise.all(
    metrics.map(async (metric) =>
      metric instanceof Family ? ownFamily(metric, context) : foreignFamily(await metric.get(), context.defaultLabels),
    ),
  );
}
