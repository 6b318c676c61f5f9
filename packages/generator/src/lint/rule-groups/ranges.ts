import type { SyntaxNode } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';
import { parseDuration } from '../../spec/duration.js';
import { orOperands } from './or-operands.js';

/** A range in an expression: `[5m]` of a matrix selector or subquery, with the function it feeds. */
export interface ExpressionRange {
  /** The innermost function call the range is an argument of ("rate", "max_over_time", ...), or "" at top level. */
  readonly func: string;
  readonly seconds: number;
  readonly text: string;
}

export interface ExpressionFacts {
  readonly ranges: readonly ExpressionRange[];
  /** Names of every function called. */
  readonly functions: ReadonlySet<string>;
  /** Values of every `job="..."` matcher. */
  readonly jobs: readonly string[];
}

function enclosingFunction(node: SyntaxNode, text: string): string {
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (parent.name === 'FunctionCall') {
      const identifier = parent.getChild('FunctionIdentifier');
      return identifier ? text.slice(identifier.from, identifier.to) : '';
    }
  }
  return '';
}

// Every check reads the same expressions, and a fleet's rules differ mostly in their label
// values: parse each shape (string literals blanked) once, read the job values by pattern.
// Long `or` chains (the constant-series rules) are parsed per operand shape (or-operands.ts).
const factsByRule = new WeakMap<object, ExpressionFacts>();
type ShapeFacts = Omit<ExpressionFacts, 'jobs'>;
const factsByShape = new Map<string, ShapeFacts>();
const maxShapes = 10_000;
const jobMatcher = /\bjob\s*=\s*"((?:[^"\\]|\\.)*)"/g;

function shapeFacts(shape: string): ShapeFacts {
  let shared = factsByShape.get(shape);
  if (shared === undefined) {
    const { ranges, functions } = expressionFacts(shape);
    shared = { ranges, functions };
    if (factsByShape.size >= maxShapes) factsByShape.clear();
    factsByShape.set(shape, shared);
  }
  return shared;
}

// Number literals outside `[...]` say nothing about ranges or functions, and the constant
// series differ in them (one threshold per target): operands are cached with them as 0.
const rangeOrNumber = /\[[^\]]*\]|(?<![\w:.])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w:.])/g;
const withoutNumbers = (shape: string): string => shape.replace(rangeOrNumber, (text) => (text.startsWith('[') ? text : '0'));

/** The facts of an `or` chain: those of its operands, in source order. */
function chainFacts(shape: string): ShapeFacts {
  const operands = orOperands(shape);
  if (operands === undefined || operands.length < 2) return shapeFacts(shape);
  const ranges: ExpressionRange[] = [];
  const functions = new Set<string>();
  for (const { from, to } of operands) {
    const operand = shapeFacts(withoutNumbers(shape.slice(from, to)));
    ranges.push(...operand.ranges);
    for (const name of operand.functions) functions.add(name);
  }
  return { ranges, functions };
}

/** expressionFacts of a rule's expr, computed once per rule object and parsed once per shape. */
export function ruleFacts(rule: { readonly expr: string }): ExpressionFacts {
  let facts = factsByRule.get(rule);
  if (facts === undefined) {
    const shape = rule.expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
    facts = { ...(factsByShape.get(shape) ?? chainFacts(shape)), jobs: [...rule.expr.matchAll(jobMatcher)].map((match) => match[1]!) };
    factsByRule.set(rule, facts);
  }
  return facts;
}

/** What the rule checks need from an expression, from one parse. */
export function expressionFacts(expr: string): ExpressionFacts {
  const ranges: ExpressionRange[] = [];
  const functions = new Set<string>();
  const jobs: string[] = [];
  parser.parse(expr).iterate({
    enter(ref) {
      if (ref.name === 'FunctionIdentifier') functions.add(expr.slice(ref.from, ref.to));
      if (ref.name === 'MatrixSelector' || ref.name === 'SubqueryExpr') {
        const duration = ref.node.getChild('DurationExpr') ?? ref.node.getChild('NumberDurationLiteralInDurationContext');
        if (duration) {
          const literal = expr.slice(duration.from, duration.to);
          const ms = parseDuration(literal);
          if (ms !== undefined) ranges.push({ func: enclosingFunction(ref.node, expr), seconds: ms / 1000, text: literal });
        }
      }
      if (ref.name === 'UnquotedLabelMatcher' || ref.name === 'LabelMatcher') {
        const matcher = expr.slice(ref.from, ref.to);
        const job = /^job\s*=\s*"([^"]*)"$/.exec(matcher);
        if (job) jobs.push(job[1]!);
      }
    },
  });
  return { ranges, functions, jobs };
}
