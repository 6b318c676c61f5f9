/**
 * Item tracking: what a pipeline produces, how much of it is rejected, and how complete it is.
 * A PipelineMetrics binds its series when created, so `created()` is a counter increment and,
 * once per synchronous run, a timestamp.
 */
import type { CounterFamily, CounterSeries, GaugeFamily, GaugeSeries } from './families.js';
import { assertLabelValue } from './names.js';

export interface ItemFamilies {
  readonly created: CounterFamily;
  readonly validationErrors: CounterFamily;
  readonly fieldMissing: CounterFamily;
  readonly lastCreated: GaugeFamily;
}

export interface PipelineOptions {
  /** `item_type` label; default `item`. */
  readonly itemType?: string;
  /** `source` label; default `default`. */
  readonly source?: string;
  /**
   * Top-level fields every item should carry. `created(item)` counts each one that is absent,
   * null or the empty string in `item_field_missing_total`, the basis of field coverage.
   */
  readonly requiredFields?: readonly string[];
}

interface FieldCheck {
  readonly field: string;
  readonly missing: CounterSeries;
}

export class PipelineMetrics {
  readonly pipeline: string;
  readonly itemType: string;
  readonly source: string;
  readonly requiredFields: readonly string[];
  private readonly createdSeries: CounterSeries;
  private readonly lastCreated: GaugeSeries;
  private readonly fieldChecks: readonly FieldCheck[];
  private readonly reasons = new Map<string, CounterSeries>();
  private stampPending = false;
  /**
   * Reading the clock costs more than the counter increment, so the last-item time is taken
   * once per synchronous run (in a microtask after it), however many items that run created.
   * The stamp is later than the item by at most the rest of that run.
   */
  private readonly stamp = (): void => {
    this.stampPending = false;
    this.lastCreated.value = Date.now();
  };

  constructor(
    private readonly families: ItemFamilies,
    pipeline: string,
    options: PipelineOptions = {},
  ) {
    const where = `pipeline metrics "${String(pipeline)}"`;
    assertLabelValue(pipeline, 'pipeline', where);
    const itemType = options.itemType ?? 'item';
    const source = options.source ?? 'default';
    assertLabelValue(itemType, 'item_type', where);
    assertLabelValue(source, 'source', where);
    const requiredFields = [...(options.requiredFields ?? [])];
    for (const field of requiredFields) assertLabelValue(field, 'field', `${where} requiredFields`);
    this.pipeline = pipeline;
    this.itemType = itemType;
    this.source = source;
    this.requiredFields = Object.freeze(requiredFields);
    this.createdSeries = families.created.seriesFor([pipeline, itemType, source]);
    // 0 until this process creates an item: a new process must not report an item it did not
    // create (a deploy during an outage would reset the alert's clock). The rules take the last
    // item across processes from Prometheus's own history.
    this.lastCreated = families.lastCreated.seriesFor([pipeline]);
    this.fieldChecks = requiredFields.map((field) => ({
      field,
      missing: families.fieldMissing.seriesFor([pipeline, itemType, field]),
    }));
  }

  /** Counts one created item; with `item`, also counts its missing required fields. */
  created(item?: object): void {
    try {
      this.createdSeries.inc();
      if (!this.stampPending) {
        this.stampPending = true;
        queueMicrotask(this.stamp);
      }
      if (item !== undefined && this.fieldChecks.length > 0) this.checkFields(item);
    } catch {
      // Instrumentation never throws into the pipeline (an item may be a throwing Proxy).
    }
  }

  /** Counts one item rejected by validation; `reason` is a label, keep it to a fixed set. */
  validationFailed(reason: string): void {
    try {
      // Bounded first: the cache below must never hold an arbitrarily long reason.
      const key = this.families.validationErrors.boundValue(String(reason));
      let series = this.reasons.get(key);
      if (series === undefined) {
        series = this.families.validationErrors.seriesFor([this.pipeline, this.itemType, key]);
        // The family's guard bounds series; this cache must not outgrow it either.
        if (series.overflow === null) this.reasons.set(key, series);
      }
      series.inc();
    } catch {
      // See created().
    }
  }

  /**
   * Unix time in milliseconds of the last item this process created (0 before the first);
   * updated in a microtask after the synchronous run that created it.
   */
  get lastItemCreatedAt(): number {
    return this.lastCreated.value;
  }

  private checkFields(item: object): void {
    const record = item as Record<string, unknown>;
    for (const check of this.fieldChecks) {
      const value = record[check.field];
      if (value === undefined || value === null || value === '') check.missing.inc();
    }
  }
}

export interface TrackItemOptions {
  readonly requiredFields?: readonly string[];
}

/** `trackItemCreation` for call sites that do not keep a PipelineMetrics; cached per label set. */
export class ItemTracker {
  private readonly pipelines = new Map<string, PipelineMetrics>();
  private warned = false;

  constructor(
    private readonly families: ItemFamilies,
    private readonly maxCached: () => number,
  ) {}

  track(pipeline: string, itemType: string, source: string, item?: object, options: TrackItemOptions = {}): void {
    try {
      const fields = options.requiredFields ?? [];
      const key = `${pipeline}\u0000${itemType}\u0000${source}\u0000${fields.join('\u0000')}`;
      let metrics = this.pipelines.get(key);
      if (metrics === undefined) {
        metrics = new PipelineMetrics(this.families, pipeline, { itemType, source, requiredFields: fields });
        if (this.pipelines.size < this.maxCached()) this.pipelines.set(key, metrics);
      }
      metrics.created(item);
    } catch (error) {
      if (!this.warned) {
        this.warned = true;
        process.emitWarning(
          `@vigil/metrics: trackItemCreation ignored a call with bad labels: ${(error as Error).message}`,
          { code: 'VIGIL_METRICS_BAD_LABELS' },
        );
      }
    }
  }
}
