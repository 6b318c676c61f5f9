/**
 * What a worker sends its primary (or a thread its main thread) when asked for its metrics: one
 * snapshot of its Registry, already in exposition form per series, so the primary merges by
 * string key and writes lines without formatting a single label.
 *
 * Cluster IPC serialises as JSON, which has no NaN or infinities; those travel as strings.
 */

export type WireNumber = number | 'NaN' | '+Inf' | '-Inf';

export type WireType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface WireFamily {
  readonly name: string;
  readonly help: string;
  readonly type: WireType;
  /**
   * Set on a histogram sent in bucket form: the `le` values, +Inf last. Then `keys` are the
   * series' label pairs (what goes between the braces, '' for none) and `values` hold, per
   * series, the cumulative bucket counts, the sum and the count.
   * Without it (sample form) each key is a whole sample name with its labels, `name{a="x"}`,
   * and `values` holds one value per key.
   */
  readonly le?: readonly string[];
  readonly keys: readonly string[];
  readonly values: readonly WireNumber[];
}

export const metricsReadyType = 'vigil:metrics-ready';
export const metricsRequestType = 'vigil:metrics-request';
export const metricsSnapshotType = 'vigil:metrics-snapshot';

/** Sent once by a worker when it starts answering: only workers that report are asked. */
export interface MetricsReady {
  readonly type: typeof metricsReadyType;
  readonly worker: string;
}

export interface MetricsRequest {
  readonly type: typeof metricsRequestType;
  readonly id: number;
}

export interface MetricsSnapshot {
  readonly type: typeof metricsSnapshotType;
  /** The request this answers. */
  readonly id: number;
  /** The `worker` label this worker's per-worker gauges carry. */
  readonly worker: string;
  readonly families: readonly WireFamily[];
}

export function toWire(value: number): WireNumber {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? '+Inf' : '-Inf';
}

export function fromWire(value: WireNumber | null): number {
  if (typeof value === 'number') return value;
  if (value === '+Inf') return Infinity;
  if (value === '-Inf') return -Infinity;
  return Number.NaN;
}

export function isMetricsReady(message: unknown): message is MetricsReady {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === metricsReadyType;
}

export function isMetricsRequest(message: unknown): message is MetricsRequest {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === metricsRequestType;
}

export function isMetricsSnapshot(message: unknown): message is MetricsSnapshot {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === metricsSnapshotType &&
    Array.isArray((message as { families?: unknown }).families)
  );
}
