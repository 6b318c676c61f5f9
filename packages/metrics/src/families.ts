/**
 * Metric families that keep their own state. Vigil's exposition (render.ts) writes them itself,
 * from label blocks cached per series; they are also prom-client custom collectors
 * (`getForPromString()` for `registry.metrics()`, `get()` for JSON and cluster aggregation), so
 * prom-client's own API keeps working. The hot path is a field increment on a series bound once.
 */
import type { MetricDefinition, MetricType } from './catalog.js';
import {
  assertLabelName,
  assertMaxLabelValueBytes,
  assertMetricName,
  defaultMaxLabelValueBytes,
  emptyLabelValue,
  foldLabelValue,
  labelValueFits,
} from './names.js';

export type LabelSet = Readonly<Record<string, string>>;

/** Every label of an overflow series carries this value. */
export const overflowLabelValue = '__overflow__';

interface ExposedValue {
  value: number;
  labels: Readonly<Record<string, string | number>>;
  sharedLabels?: LabelSet;
  metricName?: string;
}

interface ExposedMetric {
  name: string;
  help: string;
  type: MetricType;
  aggregator: 'sum' | 'omit';
  values: ExposedValue[];
}

/** What every series keeps for the exposition: its label block, rebuilt when default labels change. */
export class SeriesBase {
  /** `{a="x",b="y"}` with default labels, or '' when there are none; valid for `blockGeneration`. */
  labelBlock = '';
  /** Same pairs with a trailing comma, for histogram buckets (`le` follows). */
  bucketBlock = '';
  blockGeneration = -1;
  constructor(readonly labels: LabelSet) {}
}

export class CounterSeries extends SeriesBase {
  value = 0;
  constructor(
    labels: LabelSet,
    /** Set on an overflow series: every increment is also counted as an overflow. */
    readonly overflow: CounterSeries | null,
  ) {
    super(labels);
  }

  inc(amount = 1): void {
    this.value += amount;
    if (this.overflow !== null) this.overflow.value += 1;
  }
}

export class GaugeSeries extends SeriesBase {
  value = 0;
}

export class HistogramSeries extends SeriesBase {
  /** Non-cumulative count per bucket; observations above the last bound only reach `count`. */
  readonly bucketCounts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    labels: LabelSet,
    /** Upper bounds in the unit observations arrive in. */
    private readonly bounds: Float64Array,
    readonly overflow: CounterSeries | null,
  ) {
    super(labels);
    this.bucketCounts = new Float64Array(bounds.length);
  }

  /**
   * This series' labels plus `le`, one object per bucket (and +Inf), made at the first scrape.
   * prom-client caches the serialised form of a value's `sharedLabels` object, so a bucket line
   * then costs a cache hit instead of formatting its labels again on every scrape.
   */
  bucketLabelSets: readonly LabelSet[] | null = null;

  observe(value: number): void {
    const bounds = this.bounds;
    const n = bounds.length;
    let i = 0;
    while (i < n && value > bounds[i]!) i++;
    if (i < n) this.bucketCounts[i]! += 1;
    this.sum += value;
    this.count += 1;
    if (this.overflow !== null) this.overflow.value += 1;
  }
}

/**
 * Shared by every family of one VigilMetrics: the label-set limit, the label-value byte limit,
 * and the accounting of both.
 */
export class CardinalityGuard {
  private readonly warned = new Set<string>();
  private readonly warnedTooLong = new Set<string>();
  overflowCounter: CounterFamily | null = null;
  truncatedCounter: CounterFamily | null = null;

  constructor(
    public maxLabelSets: number,
    public maxLabelValueBytes = defaultMaxLabelValueBytes,
  ) {
    assertMaxLabelSets(maxLabelSets);
    assertMaxLabelValueBytes(maxLabelValueBytes);
  }

  /** Counts one over-long value folded for `metric`; warns the first time per metric. */
  valueFolded(metric: string): void {
    if (!this.warnedTooLong.has(metric)) {
      this.warnedTooLong.add(metric);
      process.emitWarning(
        `@vigil/metrics: metric "${metric}" got a label value over ${this.maxLabelValueBytes} bytes; such values are folded to a prefix and a hash`,
        { code: 'VIGIL_METRICS_LABEL_VALUE_TOO_LONG' },
      );
    }
    if (this.truncatedCounter !== null) this.truncatedCounter.seriesFor([metric]).inc();
  }

  overflowSeriesFor(metric: string): CounterSeries | null {
    if (!this.warned.has(metric)) {
      this.warned.add(metric);
      process.emitWarning(
        `@vigil/metrics: metric "${metric}" reached its limit of ${this.maxLabelSets} label sets; further label sets are folded into one series labelled "${overflowLabelValue}"`,
        { code: 'VIGIL_METRICS_CARDINALITY' },
      );
    }
    return this.overflowCounter === null ? null : this.overflowCounter.seriesFor([metric]);
  }
}

export function assertMaxLabelSets(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `@vigil/metrics: maxLabelSets must be a positive integer, got ${JSON.stringify(value)}`,
    );
  }
}

/** What the exposition hands a family: the output format and the registry's default labels. */
export interface RenderContext {
  readonly openMetrics: boolean;
  readonly defaultLabels: LabelSet;
  /** Changes whenever `defaultLabels` does; a series' cached block is valid for one generation. */
  readonly generation: number;
}

export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : value;
}

export function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** A sample value as both formats write it. */
export function formatSampleValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

/** The series' own labels, then the default labels it does not set (prom-client's precedence). */
export function refreshLabelBlock(series: SeriesBase, context: RenderContext): void {
  if (series.blockGeneration === context.generation) return;
  let pairs = '';
  for (const name in series.labels) {
    pairs += `${pairs === '' ? '' : ','}${name}="${escapeLabelValue(series.labels[name]!)}"`;
  }
  for (const name in context.defaultLabels) {
    if (name in series.labels) continue;
    pairs += `${pairs === '' ? '' : ','}${name}="${escapeLabelValue(String(context.defaultLabels[name]))}"`;
  }
  series.labelBlock = pairs === '' ? '' : `{${pairs}}`;
  series.bucketBlock = pairs === '' ? '{' : `{${pairs},`;
  series.blockGeneration = context.generation;
}

export abstract class Family<S extends SeriesBase> {
  name: string;
  readonly help: string;
  abstract readonly type: MetricType;
  readonly aggregator = 'sum' as const;
  readonly labelNames: readonly string[];
  protected readonly series = new Map<string, S>();
  protected overflowSeries: S | null = null;

  constructor(
    definition: MetricDefinition,
    protected readonly guard: CardinalityGuard | null,
  ) {
    assertMetricName(definition.name, `metric definition "${definition.name}"`);
    for (const label of definition.labelNames) {
      assertLabelName(label, `metric "${definition.name}"`);
    }
    this.name = definition.name;
    this.help = definition.help;
    this.labelNames = definition.labelNames;
  }

  /**
   * The series for these label values (in `labelNames` order), created on first use. Past the
   * guard's limit, new label sets share one overflow series so memory stays bounded.
   */
  seriesFor(rawValues: readonly string[]): S {
    let values = rawValues;
    for (let i = 0; i < rawValues.length; i++) {
      if (typeof rawValues[i] !== 'string' || !labelValueFits(rawValues[i]!, this.maxValueBytes)) {
        values = rawValues.map((value) => this.boundValue(value));
        break;
      }
    }
    const key = values.length === 1 ? values[0]! : values.join('\u0000');
    const existing = this.series.get(key);
    if (existing !== undefined) return existing;
    if (this.guard !== null && this.series.size >= this.guard.maxLabelSets) {
      if (this.overflowSeries === null) {
        const overflowLabels = this.labelSet(this.labelNames.map(() => overflowLabelValue));
        this.overflowSeries = this.create(overflowLabels, this.guard.overflowSeriesFor(this.name));
      }
      this.overflowed();
      return this.overflowSeries;
    }
    const created = this.create(this.labelSet(values), null);
    this.series.set(key, created);
    return created;
  }

  private get maxValueBytes(): number {
    return this.guard === null ? defaultMaxLabelValueBytes : this.guard.maxLabelValueBytes;
  }

  /**
   * A run-time label value as this family stores it: the value itself when it fits, the named
   * placeholder when empty, a folded prefix plus hash when over-long (counted, warned once).
   * Callers that cache by label value key on this, so a cache never holds an unbounded string.
   */
  boundValue(value: string): string {
    const text = typeof value === 'string' ? value : String(value);
    if (labelValueFits(text, this.maxValueBytes)) return text;
    if (text.length === 0) return emptyLabelValue;
    if (this.guard !== null) this.guard.valueFolded(this.name);
    return foldLabelValue(text, this.maxValueBytes);
  }

  /** Called each time a new label set is folded into the overflow series. */
  protected overflowed(): void {}

  get labelSetCount(): number {
    return this.series.size;
  }

  protected allSeries(): S[] {
    const all = [...this.series.values()];
    if (this.overflowSeries !== null) all.push(this.overflowSeries);
    return all;
  }

  private labelSet(values: readonly string[]): LabelSet {
    if (values.length !== this.labelNames.length) {
      throw new Error(
        `@vigil/metrics: metric "${this.name}" expects ${this.labelNames.length} label values (${this.labelNames.join(', ')}), got ${values.length}`,
      );
    }
    const labels: Record<string, string> = {};
    this.labelNames.forEach((name, i) => {
      labels[name] = String(values[i]);
    });
    return Object.freeze(labels);
  }

  /** Every series to expose, the overflow series last. */
  seriesToRender(): S[] {
    return this.allSeries();
  }

  /** `# HELP` and `# TYPE` lines; OpenMetrics names a counter family without `_total`. */
  renderHeader(openMetrics: boolean): string {
    const name = openMetrics && this.type === 'counter' ? counterFamilyName(this.name) : this.name;
    return `# HELP ${name} ${escapeHelp(this.help)}\n# TYPE ${name} ${this.type}\n`;
  }

  /** The sample lines of one series. */
  renderSeries(series: S, context: RenderContext): string {
    refreshLabelBlock(series, context);
    return this.renderLines(series, context.openMetrics);
  }

  protected abstract renderLines(series: S, openMetrics: boolean): string;
  protected abstract create(labels: LabelSet, overflow: CounterSeries | null): S;
  abstract getForPromString(): Promise<ExposedMetric>;

  /** Same data with every label on the value itself, as prom-client's JSON and cluster paths expect. */
  async get(): Promise<ExposedMetric> {
    const metric = await this.getForPromString();
    metric.values = metric.values.map((value) => ({
      value: value.value,
      labels: { ...value.sharedLabels, ...value.labels },
      ...(value.metricName === undefined ? {} : { metricName: value.metricName }),
    }));
    return metric;
  }

  /** Registry.resetMetrics() calls this: counts go back to zero, bound series stay valid. */
  abstract reset(): void;
}

export class CounterFamily extends Family<CounterSeries> {
  readonly type = 'counter' as const;

  protected create(labels: LabelSet, overflow: CounterSeries | null): CounterSeries {
    return new CounterSeries(labels, overflow);
  }

  protected renderLines(series: CounterSeries, openMetrics: boolean): string {
    const name = openMetrics ? `${counterFamilyName(this.name)}_total` : this.name;
    return `${name}${series.labelBlock} ${formatSampleValue(series.value)}\n`;
  }

  async getForPromString(): Promise<ExposedMetric> {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.allSeries().map((series) => ({ value: series.value, labels: series.labels })),
    };
  }

  reset(): void {
    for (const series of this.allSeries()) series.value = 0;
  }
}

export class GaugeFamily extends Family<GaugeSeries> {
  readonly type = 'gauge' as const;

  constructor(
    definition: MetricDefinition,
    guard: CardinalityGuard | null,
    /** Stored values are divided by this on exposition (e.g. 1000 for milliseconds to seconds). */
    readonly divisor = 1,
  ) {
    super(definition, guard);
  }

  protected create(labels: LabelSet): GaugeSeries {
    return new GaugeSeries(labels);
  }

  /** A gauge is set, not incremented: each label set folded into its overflow series counts once. */
  protected override overflowed(): void {
    const overflow = this.guard?.overflowSeriesFor(this.name);
    if (overflow !== null && overflow !== undefined) overflow.value += 1;
  }

  protected renderLines(series: GaugeSeries): string {
    return `${this.name}${series.labelBlock} ${formatSampleValue(series.value / this.divisor)}\n`;
  }

  async getForPromString(): Promise<ExposedMetric> {
    // Timestamps set in microtasks (PipelineMetrics' last-item stamp) queued before this scrape
    // land first: a scrape in the same synchronous run as the item still sees it.
    await null;
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.allSeries().map((series) => ({
        value: series.value / this.divisor,
        labels: series.labels,
      })),
    };
  }

  reset(): void {
    for (const series of this.allSeries()) series.value = 0;
  }
}

const emptyLabels: LabelSet = Object.freeze({});

export class HistogramFamily extends Family<HistogramSeries> {
  readonly type = 'histogram' as const;
  private readonly bounds: Float64Array;
  /** Bucket upper bounds in the exposed unit. */
  private readonly bucketBounds: readonly number[];
  /** The `le` label values, +Inf last, as the exposition writes them. */
  readonly leValues: readonly string[];
  /** `le="0.005"} ` per bucket and +Inf: the end of each bucket line before its value. */
  private readonly leSuffixes: readonly string[];
  private readonly bucketName: string;
  private readonly sumName: string;
  private readonly countName: string;

  constructor(
    definition: MetricDefinition,
    guard: CardinalityGuard | null,
    /** Observations arrive in base unit x this (1000: milliseconds for a `_seconds` histogram). */
    readonly inputScale = 1,
  ) {
    super(definition, guard);
    const buckets = definition.buckets;
    if (buckets === undefined || buckets.length === 0) {
      throw new Error(`@vigil/metrics: histogram "${definition.name}" needs buckets`);
    }
    if (definition.labelNames.includes('le')) {
      throw new Error(`@vigil/metrics: histogram "${definition.name}" may not use the reserved label "le"`);
    }
    for (let i = 1; i < buckets.length; i++) {
      if (!(buckets[i]! > buckets[i - 1]!)) {
        throw new Error(`@vigil/metrics: histogram "${definition.name}" buckets must increase strictly`);
      }
    }
    this.bounds = Float64Array.from(buckets, (bound) => bound * inputScale);
    this.bucketBounds = [...buckets];
    this.leValues = [...buckets.map(String), '+Inf'];
    this.leSuffixes = [...buckets.map((bound) => `le="${bound}"} `), 'le="+Inf"} '];
    this.bucketName = `${definition.name}_bucket`;
    this.sumName = `${definition.name}_sum`;
    this.countName = `${definition.name}_count`;
  }

  protected create(labels: LabelSet, overflow: CounterSeries | null): HistogramSeries {
    return new HistogramSeries(labels, this.bounds, overflow);
  }

  protected renderLines(series: HistogramSeries): string {
    const bucketLine = this.bucketName + series.bucketBlock;
    const counts = series.bucketCounts;
    const suffixes = this.leSuffixes;
    let cumulative = 0;
    let text = '';
    for (let i = 0; i < counts.length; i++) {
      cumulative += counts[i]!;
      text += `${bucketLine}${suffixes[i]!}${cumulative}\n`;
    }
    const count = formatSampleValue(series.count);
    return `${text}${bucketLine}${suffixes[counts.length]!}${count}\n${this.sumName}${series.labelBlock} ${formatSampleValue(series.sum / this.inputScale)}\n${this.countName}${series.labelBlock} ${count}\n`;
  }

  async getForPromString(): Promise<ExposedMetric> {
    const all = this.allSeries();
    const bucketCount = this.bucketBounds.length;
    const values: ExposedValue[] = new Array(all.length * (bucketCount + 3));
    let v = 0;
    for (const series of all) {
      const shared = series.labels;
      const bucketLabels = (series.bucketLabelSets ??= this.bucketLabelSetsFor(shared));
      const counts = series.bucketCounts;
      const count = series.count;
      let cumulative = 0;
      for (let i = 0; i < bucketCount; i++) {
        cumulative += counts[i]!;
        values[v++] = { value: cumulative, labels: emptyLabels, sharedLabels: bucketLabels[i]!, metricName: this.bucketName };
      }
      values[v++] = { value: count, labels: emptyLabels, sharedLabels: bucketLabels[bucketCount]!, metricName: this.bucketName };
      values[v++] = { value: series.sum / this.inputScale, labels: emptyLabels, sharedLabels: shared, metricName: this.sumName };
      values[v++] = { value: count, labels: emptyLabels, sharedLabels: shared, metricName: this.countName };
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  private bucketLabelSetsFor(labels: LabelSet): LabelSet[] {
    const sets = this.bucketBounds.map((bound) => Object.freeze({ ...labels, le: String(bound) }));
    sets.push(Object.freeze({ ...labels, le: '+Inf' }));
    return sets;
  }

  reset(): void {
    for (const series of this.allSeries()) {
      series.bucketCounts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}

/** An OpenMetrics counter family is named without `_total`; its sample keeps it. */
function counterFamilyName(name: string): string {
  return name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
}
