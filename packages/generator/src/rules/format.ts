import { parameterTemplate, targetLabelNames, valueFor, type ParameterValues } from './parameters.js';

/**
 * Prometheus template functions (humanize, humanizePercentage, humanizeDuration, printf "%.4g"),
 * re-implemented so generated promtool tests can state the exact annotation text they expect.
 * They follow Go's `%.4g` formatting: four significant digits, trailing zeros dropped,
 * exponent form below 1e-4 and from 1e4 with a two-digit exponent.
 */
export function formatG4(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const { digits, exponent } = fourSignificantDigits(value);
  const sign = value < 0 ? '-' : '';
  const trimmed = digits.replace(/0+$/, '');
  if (exponent < -4 || exponent >= 4) {
    const mantissa = trimmed.length > 1 ? `${trimmed[0]}.${trimmed.slice(1)}` : trimmed;
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${trimmed}`;
  const integer = trimmed.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = trimmed.slice(exponent + 1);
  return `${sign}${integer}${fraction === '' ? '' : `.${fraction}`}`;
}

/**
 * |value| rounded to four significant digits as Go does: to nearest, exact ties to even
 * (JavaScript's toPrecision rounds ties up: 1234.5 -> "1235" where Go prints "1234").
 */
function fourSignificantDigits(value: number): { digits: string; exponent: number } {
  // toExponential is exact to 50 digits, enough to tell an exact tie from a near one.
  const [mantissa, exponentText] = Math.abs(value).toExponential(50).split('e') as [string, string];
  const all = mantissa.replace('.', '');
  let exponent = Number(exponentText);
  let kept = Number(all.slice(0, 4));
  const rest = all.slice(4);
  const tie = rest[0] === '5' && /^0*$/.test(rest.slice(1));
  if (rest[0]! > '5' || (rest[0] === '5' && !tie) || (tie && kept % 2 === 1)) kept += 1;
  if (kept === 10000) {
    kept = 1000;
    exponent += 1;
  }
  return { digits: String(kept), exponent };
}

export function humanize(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return formatG4(value);
  let v = value;
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return `${formatG4(v)}${prefix}`;
}

export function humanizePercentage(value: number): string {
  return `${formatG4(value * 100)}%`;
}

export function humanizeDuration(value: number): string {
  if (!Number.isFinite(value)) return formatG4(value);
  if (value === 0) return `${formatG4(value)}s`;
  let v = value;
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    const total = Math.trunc(v);
    const seconds = total % 60;
    const minutes = Math.trunc(total / 60) % 60;
    const hours = Math.trunc(total / 3600) % 24;
    const days = Math.trunc(total / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${formatG4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${formatG4(v)}${prefix}s`;
}

type TemplateFunction = 'humanize' | 'humanizePercentage' | 'humanizeDuration' | 'g4';

const templateFunctions: Record<TemplateFunction, { readonly go: string; readonly render: (value: number) => string }> = {
  humanize: { go: '{{ $value | humanize }}', render: humanize },
  humanizePercentage: { go: '{{ $value | humanizePercentage }}', render: humanizePercentage },
  humanizeDuration: { go: '{{ $value | humanizeDuration }}', render: humanizeDuration },
  g4: { go: '{{ printf "%.4g" $value }}', render: formatG4 },
};

/**
 * An annotation written once and rendered two ways: as the Go template Prometheus evaluates,
 * and as the text a test expects for a given value and labels. Parts are literal text,
 * `{ value: fn }` or `{ label: name }`.
 */
export type TemplatePart =
  | string
  | { readonly value: TemplateFunction }
  | { readonly label: string }
  /** `prefix` and the label's value when the alert has that label, else nothing (a cluster's `worker`). */
  | { readonly optionalLabel: string; readonly prefix: string }
  /** A per-target parameter (a threshold): read from its series when the target overrides it. */
  | { readonly parameter: ParameterValues; readonly format: TemplateFunction };

/** Go pipeline of a template function applied to `input`. */
const goPipe = (fn: TemplateFunction, input: string): string => (fn === 'g4' ? `printf "%.4g" (${input})` : `${input} | ${fn}`);

export function goTemplate(parts: readonly TemplatePart[]): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if ('value' in part) return templateFunctions[part.value].go;
      if ('parameter' in part) {
        const fn = templateFunctions[part.format];
        return parameterTemplate(part.parameter, (input) => goPipe(part.format, input), fn.render(part.parameter.defaultValue));
      }
      if ('optionalLabel' in part) return `{{ with $labels.${part.optionalLabel} }}${part.prefix}{{ . }}{{ end }}`;
      return `{{ $labels.${part.label} }}`;
    })
    .join('');
}

export function renderTemplate(parts: readonly TemplatePart[], value: number, labels: Readonly<Record<string, string>>): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if ('value' in part) return templateFunctions[part.value].render(value);
      if ('parameter' in part) {
        const target = Object.fromEntries(targetLabelNames[part.parameter.kind].map((name) => [name, labels[name] ?? '']));
        return templateFunctions[part.format].render(valueFor(part.parameter, target));
      }
      if ('optionalLabel' in part) {
        const present = labels[part.optionalLabel];
        return present === undefined || present === '' ? '' : `${part.prefix}${present}`;
      }
      const labelValue = labels[part.label];
      if (labelValue === undefined) throw new Error(`template label "${part.label}" not among the expected labels`);
      return labelValue;
    })
    .join('');
}

/** A number as PromQL and YAML show it: shortest round-trip form, no exponent for ordinary values. */
export function promNumber(value: number): string {
  return String(value);
}

/** A ratio as a percentage for prose ("10%"), free of floating-point noise (0.1 * 100). */
export function percentText(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(12))}%`;
}
