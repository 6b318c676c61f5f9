/**
 * Scoping a PromQL expression to extra selector labels (the spec's `selectorLabels`, e.g.
 * `{ environment: 'prod', cluster: 'eu-1' }`): one pure text pass over an expression, with
 * positions taken from the lezer-promql parse tree, never from regular expressions.
 *
 * - Every vector selector gets one equality matcher per label: bare names (`up`), selectors with
 *   matchers (`up{job="api"}`), `{__name__="up"}` forms, selectors inside range vectors,
 *   subqueries and `offset`/`@` modifiers alike.
 * - Every non-empty `by (...)` of an aggregation and every non-empty `on (...)` of a binary
 *   operation gets the label names, so an aggregation over raw series keeps the labels that
 *   recorded series (which carry them as rule labels) have, and one-to-one matching between the
 *   two still finds its pairs. All series an expression reads share one value per label, so the
 *   extra grouping never splits a group. Empty `by ()`/`on ()` and aggregations without a
 *   clause are left alone: they are deliberately label-free (matched against `vector(...)` or
 *   a single value), and rule labels put the scope labels back on what a rule records.
 *
 * A selector that already matches on one of the labels is refused: silently overriding or
 * adding a second, contradicting matcher would change what the expression means.
 */
import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { interpolate, originalPosition } from './parse.js';

export class SelectorScopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SelectorScopeError';
  }
}

interface Insertion {
  /** Offset in the interpolated text. */
  readonly at: number;
  readonly text: string;
}

const matcherText = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(', ');

/** Offset of the last non-whitespace character before `end`, or -1. */
function previousVisible(text: string, end: number): number {
  let index = end - 1;
  while (index >= 0 && /\s/.test(text[index]!)) index -= 1;
  return index;
}

/** Text to insert before a closing bracket at `close` so `items` follow what the list already has. */
function appendToList(text: string, close: number, items: string): string {
  const before = text[previousVisible(text, close)];
  return before === '(' || before === '{' || before === ',' ? items : `, ${items}`;
}

function matcherLabelName(matcher: SyntaxNode, text: string): string | undefined {
  const unquoted = matcher.getChild('LabelName');
  if (unquoted) return text.slice(unquoted.from, unquoted.to);
  const quoted = matcher.getChild('QuotedLabelName');
  if (!quoted || matcher.name === 'QuotedLabelName') return undefined; // `{"metric.name"}` is the metric name
  const literal = text.slice(quoted.from, quoted.to);
  try {
    return literal.startsWith('"') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
  } catch {
    return literal.slice(1, -1);
  }
}

function selectorInsertion(node: SyntaxNode, text: string, labels: Readonly<Record<string, string>>, expr: string): Insertion {
  const matchers = node.getChild('LabelMatchers');
  if (!matchers) return { at: node.to, text: `{${matcherText(labels)}}` };
  for (let matcher = matchers.firstChild; matcher; matcher = matcher.nextSibling) {
    const name = matcherLabelName(matcher, text);
    if (name !== undefined && Object.hasOwn(labels, name)) {
      throw new SelectorScopeError(
        `cannot scope "${expr}" to ${name}="${labels[name]}": its selector ${text.slice(node.from, node.to)} already matches on ${name}`,
      );
    }
  }
  const close = matchers.to - 1;
  return { at: close, text: appendToList(text, close, matcherText(labels)) };
}

function groupingInsertion(grouping: SyntaxNode, text: string, names: readonly string[]): Insertion | undefined {
  const present = new Set<string>();
  for (let label = grouping.firstChild; label; label = label.nextSibling) {
    if (label.name === 'LabelName') present.add(text.slice(label.from, label.to));
  }
  // Empty groupings drop every label on purpose (see the module comment).
  if (present.size === 0) return undefined;
  const missing = names.filter((name) => !present.has(name));
  if (missing.length === 0) return undefined;
  const close = grouping.to - 1;
  return { at: close, text: appendToList(text, close, missing.join(', ')) };
}

/**
 * `expr` with every vector selector matching `labels` and every non-empty `by`/`on` list keeping
 * them. Grafana's `$__rate_interval`-style variables are kept as written. Throws
 * SelectorScopeError on a syntax error or a selector that already matches one of the labels.
 */
export function scopeExpression(expr: string, labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels);
  if (names.length === 0) return expr;
  const { text, replaced } = interpolate(expr);
  const tree = parser.parse(text);
  const insertions: Insertion[] = [];
  let syntaxError: number | undefined;
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) {
        syntaxError ??= ref.from;
        return false;
      }
      if (ref.name === 'VectorSelector') {
        insertions.push(selectorInsertion(ref.node, text, labels, expr));
        return false;
      }
      if (ref.name === 'AggregateModifier' && ref.node.getChild('By')) {
        const insertion = groupingInsertion(ref.node.getChild('GroupingLabels')!, text, names);
        if (insertion) insertions.push(insertion);
      }
      if (ref.name === 'MatchingModifierClause' && ref.node.getChild('On')) {
        // The first GroupingLabels is the `on` list; a second one belongs to group_left/right.
        const insertion = groupingInsertion(ref.node.getChild('GroupingLabels')!, text, names);
        if (insertion) insertions.push(insertion);
      }
      return undefined;
    },
  });
  if (syntaxError !== undefined) {
    throw new SelectorScopeError(`cannot scope "${expr}": syntax error at offset ${originalPosition(syntaxError, replaced)}`);
  }
  let result = expr;
  for (const insertion of insertions.sort((a, b) => b.at - a.at)) {
    const at = originalPosition(insertion.at, replaced);
    result = result.slice(0, at) + insertion.text + result.slice(at);
  }
  return result;
}
