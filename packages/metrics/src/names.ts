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
