/**
 * Name checks run when something is declared (decorated, registered, bound), never per call:
 * a bad name is a start-up error naming the value, not a silent runtime drop.
 */

const metricNamePattern = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const operationNamePattern = /^[A-Za-z_$#][\w$#.:/-]*$/;
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f]/;
const maxNameLength = 200;

export class MetricsNameError extends Error {
  override readonly name = 'MetricsNameError';
}

export function assertMetricName(name: unknown, where: string): asserts name is string {
  if (typeof name !== 'string' || !metricNamePattern.test(name)) {
    throw new MetricsNameError(
      `@vigil/metrics: invalid metric name ${JSON.stringify(name)} (${where}): expected [a-zA-Z_:][a-zA-Z0-9_:]*`,
    );
  }
}

export function assertLabelName(name: unknown, where: string): asserts name is string {
  if (typeof name !== 'string' || !labelNamePattern.test(name) || name.startsWith('__')) {
    throw new MetricsNameError(
      `@vigil/metrics: invalid label name ${JSON.stringify(name)} (${where}): expected [a-zA-Z_][a-zA-Z0-9_]* not starting with "__"`,
    );
  }
}

/** Operation names become label values; the pattern keeps them readable in PromQL and dashboards. */
export function assertOperationName(name: unknown, where: string): asserts name is string {
  if (typeof name !== 'string' || name.length > maxNameLength || !operationNamePattern.test(name)) {
    throw new MetricsNameError(
      `@vigil/metrics: invalid operation name ${JSON.stringify(name)} (${where}): expected 1-${maxNameLength} characters of letters, digits, _ $ # . : / - starting with a letter, _, $ or #`,
    );
  }
}

/** Static label values (pipeline, item type, source) fixed at binding time. */
export function assertLabelValue(value: unknown, label: string, where: string): asserts value is string {
  if (
    typeof value !== 'string' ||
    value.length === 0 ||
    value.length > maxNameLength ||
    controlCharacters.test(value)
  ) {
    throw new MetricsNameError(
      `@vigil/metrics: invalid value ${JSON.stringify(value)} for label "${label}" (${where}): expected a non-empty string of at most ${maxNameLength} printable characters`,
    );
  }
}

/** Default byte limit of one label value set at run time (a route, a validation reason). */
export const defaultMaxLabelValueBytes = 128;
/** What an empty label value becomes: Prometheus reads an empty value as an absent label. */
export const emptyLabelValue = '__empty__';
/** Hex digits of the hash that keeps distinct over-long values distinct once folded. */
const foldHashLength = 8;

/** FNV-1a over UTF-16 units: cheap, stable across processes, enough to tell values apart. */
function fnv1a(value: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(foldHashLength, '0');
}

/** Whether a run-time label value fits in `maxBytes` UTF-8 bytes and is not empty. */
export function labelValueFits(value: string, maxBytes: number): boolean {
  // A UTF-16 unit is at most 3 UTF-8 bytes, so most values pass on their length alone.
  return value.length !== 0 && (value.length * 3 <= maxBytes || Buffer.byteLength(value) <= maxBytes);
}

/**
 * An over-long value folded into at most `maxBytes` bytes: its longest whole-character prefix
 * that fits, `~`, and a hash of the whole value, so two long values that share a prefix stay two
 * series. Lone surrogates become U+FFFD so the folded value is valid UTF-8.
 */
export function foldLabelValue(value: string, maxBytes: number): string {
  if (value.length === 0) return emptyLabelValue;
  const suffix = `~${fnv1a(value)}`;
  const budget = Math.max(0, maxBytes - suffix.length);
  let prefix = '';
  let bytes = 0;
  for (const codePoint of value) {
    const code = codePoint.charCodeAt(0);
    const character = codePoint.length === 1 && code >= 0xd800 && code <= 0xdfff ? '\ufffd' : codePoint;
    const size = Buffer.byteLength(character);
    if (bytes + size > budget) break;
    prefix += character;
    bytes += size;
  }
  return prefix + suffix;
}

export function assertMaxLabelValueBytes(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 32) {
    throw new RangeError(`@vigil/metrics: maxLabelValueBytes must be an integer of at least 32, got ${JSON.stringify(value)}`);
  }
}
