/**
 * The primary side of the merge: snapshots from every worker folded into one set of families.
 * Counters and histograms are summed; a gauge is summed, maxed, minned, kept per worker (with a
 * `worker` label) or left out, as its aggregation mode says. Keys are the exposition's own
 * label text, so merging is a map lookup and an addition per series.
 *
 * Merging and rendering are generators of steps of at most `seriesPerClockRead` series, so the
 * primary can run them in slices between which the event loop turns (SliceClock); the plain
 * methods run the same steps to the end at once.
 */
import { escapeHelp, escapeLabelValue, formatSampleValue } from '../families.js';
import { seriesPerClockRead } from '../slices.js';
import { fromWire, type WireFamily, type WireType } from './wire.js';

/**
 * How a gauge from several workers becomes one value: `worker` keeps one series per worker
 * (labelled `worker`), `omit` leaves the gauge out of the aggregated exposition.
 */
export type GaugeAggregation = 'sum' | 'max' | 'min' | 'worker' | 'omit';

/**
 * Catalog and prom-client gauges aggregated as their meaning asks. Any other gauge keeps a
 * `worker` label: memory, event-loop lag or a start time of one process means nothing summed.
 */
export const defaultGaugeAggregation: Readonly<Record<string, GaugeAggregation>> = {
  // The newest item of any worker is the pipeline's newest item.
  pipeline_last_item_created_timestamp_seconds: 'max',
  // The worst state any worker's breaker is in: open anywhere shows as open.
  circuit_breaker_state: 'max',
  // A check failing in any worker fails (1 passing, 0 failing).
  health_check_status: 'min',
  // Every worker runs in the same container: one limit, not a multiple of it.
  container_memory_limit_bytes: 'max',
  container_cpu_limit_cores: 'max',
  nodejs_version_info: 'max',
};

/** Where a family's values come from: one process or thread, named by its `worker` label. */
export interface MetricsSource {
  readonly worker: string;
  readonly families: readonly WireFamily[];
}

type Mode = 'sum' | 'max' | 'min' | 'worker';

function modeOf(type: WireType, name: string, overrides: Readonly<Record<string, GaugeAggregation>>): Mode | 'omit' {
  if (type === 'counter' || type === 'histogram') return 'sum';
  if (type === 'gauge') return overrides[name] ?? defaultGaugeAggregation[name] ?? 'worker';
  return 'worker';
}

function sameBuckets(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Runs steps to the end, in one go. */
function runToEnd(steps: Iterable<unknown>): void {
  for (const _step of steps);
}

/** `name{a="x"}` plus `worker="w"`: the worker label goes last. */
function withWorker(key: string, workerPair: string): string {
  return key.endsWith('}') ? `${key.slice(0, -1)},${workerPair}}` : `${key}{${workerPair}}`;
}

export class MergedFamily {
  /** Sample form: whole sample key -> value. */
  readonly samples = new Map<string, number>();
  /** Bucket form: label pairs -> cumulative buckets, sum, count. */
  readonly buckets = new Map<string, Float64Array>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: WireType,
    private readonly mode: Mode,
    readonly le: readonly string[] | undefined,
  ) {}

  /** Whether `family` can be merged into this one: same type and the same shape. */
  accepts(family: WireFamily): boolean {
    if (family.type !== this.type) return false;
    if (this.le === undefined || family.le === undefined) return this.le === family.le;
    return sameBuckets(this.le, family.le);
  }

  /** Adds the series `from` (inclusive) to `to` (exclusive) of `family`. */
  add(family: WireFamily, worker: string, from = 0, to = family.keys.length): void {
    const { keys, values } = family;
    if (this.le !== undefined) {
      const width = this.le.length + 2;
      for (let s = from; s < to; s++) {
        let totals = this.buckets.get(keys[s]!);
        if (totals === undefined) {
          totals = new Float64Array(width);
          this.buckets.set(keys[s]!, totals);
        }
        const base = s * width;
        for (let i = 0; i < width; i++) totals[i]! += fromWire(values[base + i]!);
      }
      return;
    }
    const workerPair = this.mode === 'worker' ? `worker="${escapeLabelValue(worker)}"` : '';
    for (let s = from; s < to; s++) {
      const value = fromWire(values[s]!);
      if (this.mode === 'worker') {
        this.samples.set(withWorker(keys[s]!, workerPair), value);
        continue;
      }
      const existing = this.samples.get(keys[s]!);
      this.samples.set(keys[s]!, existing === undefined ? value : this.combine(existing, value));
    }
  }

  /** Adds another merged family of the same shape (the retired totals of exited workers). */
  *addMergedSteps(other: MergedFamily): Generator<void, void, undefined> {
    let inStep = 0;
    for (const [key, value] of other.samples) {
      const existing = this.samples.get(key);
      this.samples.set(key, existing === undefined ? value : this.combine(existing, value));
      if (++inStep === seriesPerClockRead) {
        inStep = 0;
        yield;
      }
    }
    for (const [key, totals] of other.buckets) {
      const mine = this.buckets.get(key);
      if (mine === undefined) this.buckets.set(key, Float64Array.from(totals));
      else for (let i = 0; i < totals.length; i++) mine[i]! += totals[i]!;
      if (++inStep === seriesPerClockRead) {
        inStep = 0;
        yield;
      }
    }
  }

  private combine(a: number, b: number): number {
    if (this.mode === 'max') return Math.max(a, b);
    if (this.mode === 'min') return Math.min(a, b);
    return a + b;
  }

  /** The family's text: its header with the first step, then `seriesPerClockRead` series a step. */
  *chunks(openMetrics: boolean): Generator<string, void, undefined> {
    let familyName = this.name;
    let type: string = this.type;
    if (openMetrics && type === 'counter' && familyName.endsWith('_total')) familyName = familyName.slice(0, -'_total'.length);
    if (openMetrics && type === 'untyped') type = 'unknown';
    let text = `# HELP ${familyName} ${escapeHelp(this.help)}\n# TYPE ${familyName} ${type}\n`;
    let inStep = 0;
    for (const [key, value] of this.samples) {
      text += `${key} ${formatSampleValue(value)}\n`;
      if (++inStep === seriesPerClockRead) {
        yield text;
        text = '';
        inStep = 0;
      }
    }
    if (this.le !== undefined) {
      const le = this.le;
      const bucket = `${this.name}_bucket`;
      for (const [pairs, totals] of this.buckets) {
        const open = pairs === '' ? '{' : `{${pairs},`;
        const block = pairs === '' ? '' : `{${pairs}}`;
        for (let i = 0; i < le.length; i++) text += `${bucket}${open}le="${le[i]!}"} ${formatSampleValue(totals[i]!)}\n`;
        text += `${this.name}_sum${block} ${formatSampleValue(totals[le.length]!)}\n${this.name}_count${block} ${formatSampleValue(totals[le.length + 1]!)}\n`;
        if (++inStep === seriesPerClockRead) {
          yield text;
          text = '';
          inStep = 0;
        }
      }
    }
    if (text !== '') yield text;
  }
}

/** Merges sources family by family, keeping the order in which families first appear. */
export class FamilyMerger {
  readonly families = new Map<string, MergedFamily>();
  /** Families a source sent with another type or bucket layout than the first source did. */
  readonly conflicts = new Set<string>();

  constructor(private readonly overrides: Readonly<Record<string, GaugeAggregation>>) {}

  /** Merges one source, `seriesPerClockRead` series a step; `only` picks the families by type. */
  *addSteps(source: MetricsSource, only?: (type: WireType) => boolean): Generator<void, void, undefined> {
    for (const family of source.families) {
      if (only !== undefined && !only(family.type)) continue;
      let merged = this.families.get(family.name);
      if (merged === undefined) {
        const mode = modeOf(family.type, family.name, this.overrides);
        if (mode === 'omit') continue;
        merged = new MergedFamily(family.name, family.help, family.type, mode, family.le);
        this.families.set(family.name, merged);
      } else if (!merged.accepts(family)) {
        this.conflicts.add(family.name);
        continue;
      }
      const count = family.keys.length;
      for (let from = 0; from < count; from += seriesPerClockRead) {
        merged.add(family, source.worker, from, Math.min(count, from + seriesPerClockRead));
        yield;
      }
    }
  }

  add(source: MetricsSource, only?: (type: WireType) => boolean): void {
    runToEnd(this.addSteps(source, only));
  }

  /** Adds already merged totals (exited workers' counters) into families of the same shape. */
  *addMergedSteps(retired: FamilyMerger): Generator<void, void, undefined> {
    for (const [name, family] of retired.families) {
      const mine = this.families.get(name);
      if (mine === undefined) {
        const copy = new MergedFamily(family.name, family.help, family.type, 'sum', family.le);
        this.families.set(name, copy);
        yield* copy.addMergedSteps(family);
      } else if (mine.type === family.type && mine.le?.length === family.le?.length) {
        yield* mine.addMergedSteps(family);
      } else {
        this.conflicts.add(name);
      }
    }
  }

  addMerged(retired: FamilyMerger): void {
    runToEnd(this.addMergedSteps(retired));
  }

  /** The exposition, family by family, a few series a step; `# EOF` last for OpenMetrics. */
  *chunks(openMetrics: boolean): Generator<string, void, undefined> {
    for (const family of this.families.values()) yield* family.chunks(openMetrics);
    if (openMetrics) yield '# EOF\n';
  }

  render(openMetrics: boolean): string {
    let text = '';
    for (const chunk of this.chunks(openMetrics)) text += chunk;
    return text;
  }
}

/** What an exited worker leaves in the totals: only what only grows. */
export const keptAfterExit = (type: WireType): boolean => type === 'counter' || type === 'histogram';
