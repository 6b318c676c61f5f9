import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

/**
 * Grafana replaces these before a query reaches Prometheus; the parser must see what
 * Prometheus sees. Each stands in as a plain duration, and the spans are kept so a check can
 * tell `[$__rate_interval]` from a literal `[5m]`.
 */
const grafanaDurationVariables: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '15s',
  __range: '1h',
};

const grafanaVariablePattern = /\$(?:\{(__rate_interval|__interval|__range)\}|(__rate_interval|__interval|__range)\b)/g;

export interface ReplacedVariable {
  readonly name: string;
  /** Span of the stand-in in the interpolated text. */
  readonly from: number;
  readonly to: number;
  /** Length of the variable as written (`$__rate_interval` or `${__rate_interval}`). */
  readonly writtenLength: number;
}

export interface LabelMatcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

export interface SeriesSelector {
  /** Metric name, from the bare name or a `__name__="..."` matcher; undefined when it has neither. */
  readonly metricName: string | undefined;
  readonly matchers: readonly LabelMatcher[];
  readonly text: string;
}

/** The range of a `rate`, `irate` or `increase` call: a matrix selector's or a subquery's. */
export interface RangeFunctionCall {
  readonly func: string;
  readonly range: string;
  readonly usesRateInterval: boolean;
  readonly text: string;
}

export interface SyntaxProblem {
  /** Offset in the original expression (approximate when a Grafana variable precedes it). */
  readonly position: number;
  readonly message: string;
}

export interface PromQLAnalysis {
  readonly expr: string;
  readonly syntaxErrors: readonly SyntaxProblem[];
  readonly selectors: readonly SeriesSelector[];
  readonly rangeFunctions: readonly RangeFunctionCall[];
}

const rangeFunctionNames = new Set(['rate', 'irate', 'increase']);

/** The expression as Prometheus sees it: Grafana's duration variables replaced by stand-ins. */
export function interpolate(expr: string): { text: string; replaced: ReplacedVariable[] } {
  const replaced: ReplacedVariable[] = [];
  let text = '';
  let last = 0;
  for (const match of expr.matchAll(grafanaVariablePattern)) {
    const name = (match[1] ?? match[2])!;
    const standIn = grafanaDurationVariables[name]!;
    text += expr.slice(last, match.index);
    replaced.push({ name, from: text.length, to: text.length + standIn.length, writtenLength: match[0].length });
    text += standIn;
    last = match.index + match[0].length;
  }
  return { text: text + expr.slice(last), replaced };
}

function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  if (quote === '"') {
    try {
      return JSON.parse(literal) as string;
    } catch {
      return body;
    }
  }
  return body.replace(/\\(.)/g, '$1');
}

function children(node: SyntaxNode): SyntaxNode[] {
  const list: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) list.push(child);
  return list;
}

function readMatcher(node: SyntaxNode, text: string): LabelMatcher | { metricName: string } | undefined {
  const parts = children(node);
  const label = parts.find((part) => part.name === 'LabelName' || part.name === 'QuotedLabelName');
  const op = parts.find((part) => part.name === 'MatchOp');
  const value = parts.find((part) => part.name === 'StringLiteral');
  if (!value) return undefined;
  // `{"metric.name"}`: a quoted metric name on its own.
  if (!label || !op) return { metricName: unquote(text.slice(value.from, value.to)) };
  const labelText = text.slice(label.from, label.to);
  return {
    label: label.name === 'QuotedLabelName' ? unquote(labelText) : labelText,
    op: text.slice(op.from, op.to) as LabelMatcher['op'],
    value: unquote(text.slice(value.from, value.to)),
  };
}

function readSelector(node: SyntaxNode, text: string): SeriesSelector {
  let metricName: string | undefined;
  const matchers: LabelMatcher[] = [];
  for (const part of children(node)) {
    if (part.name === 'Identifier') metricName = text.slice(part.from, part.to);
    if (part.name !== 'LabelMatchers') continue;
    for (const matcherNode of children(part)) {
      const matcher = readMatcher(matcherNode, text);
      if (!matcher) continue;
      if ('metricName' in matcher) metricName = matcher.metricName;
      else if (matcher.label === '__name__' && matcher.op === '=') metricName = matcher.value;
      else matchers.push(matcher);
    }
  }
  return { metricName, matchers, text: text.slice(node.from, node.to) };
}

function readRangeCall(call: SyntaxNode, text: string, replaced: readonly ReplacedVariable[]): RangeFunctionCall | undefined {
  const identifier = call.getChild('FunctionIdentifier');
  if (!identifier) return undefined;
  const func = text.slice(identifier.from, identifier.to);
  if (!rangeFunctionNames.has(func)) return undefined;
  const body = call.getChild('FunctionCallBody');
  const argument = body?.getChild('MatrixSelector') ?? body?.getChild('SubqueryExpr');
  const duration = argument?.getChild('DurationExpr');
  if (!duration) return { func, range: '', usesRateInterval: false, text: text.slice(call.from, call.to) };
  const usesRateInterval = replaced.some(
    (variable) => variable.name === '__rate_interval' && variable.from === duration.from && variable.to === duration.to,
  );
  return { func, range: text.slice(duration.from, duration.to), usesRateInterval, text: text.slice(call.from, call.to) };
}

/** Maps an offset in the interpolated text back to the expression as written. */
export function originalPosition(position: number, replaced: readonly ReplacedVariable[]): number {
  let shift = 0;
  for (const variable of replaced) {
    if (variable.to > position) break;
    shift += variable.writtenLength - (variable.to - variable.from);
  }
  return position + shift;
}

/** Parses a PromQL expression (as Grafana would send it) and lists what the checks need. */
export function analysePromQL(expr: string): PromQLAnalysis {
  if (expr.trim() === '') return { expr, syntaxErrors: [{ position: 0, message: 'empty expression' }], selectors: [], rangeFunctions: [] };
  const { text, replaced } = interpolate(expr);
  const tree: Tree = parser.parse(text);
  const syntaxErrors: SyntaxProblem[] = [];
  const selectors: SeriesSelector[] = [];
  const rangeFunctions: RangeFunctionCall[] = [];
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) {
        const near = text.slice(ref.from, Math.min(text.length, ref.from + 20));
        syntaxErrors.push({
          position: originalPosition(ref.from, replaced),
          message: near === '' ? 'unexpected end of expression' : `unexpected input at "${near}"`,
        });
        return;
      }
      if (ref.name === 'VectorSelector') selectors.push(readSelector(ref.node, text));
      if (ref.name === 'FunctionCall') {
        const call = readRangeCall(ref.node, text, replaced);
        if (call) rangeFunctions.push(call);
      }
    },
  });
  return { expr, syntaxErrors, selectors, rangeFunctions };
}
