import { analysePromQL } from './parse.js';
import type { KnownMetrics } from './known-metrics.js';

/** Where an expression lives, for the error message: a dashboard panel or a rule. */
export interface ExpressionSource {
  /** Dashboard title, or the rule file path. */
  readonly document: string;
  /** Panel title, or the alert / recording rule name. */
  readonly item: string;
  readonly expr: string;
}

export interface PromQLProblem {
  readonly source: ExpressionSource;
  readonly problem: string;
}

export function formatPromQLProblem({ source, problem }: PromQLProblem): string {
  return `${source.document} › ${source.item}: ${problem}\n    expr: ${source.expr}`;
}

/** Syntax errors and unknown metric names in one expression. */
export function checkExpression(source: ExpressionSource, known: KnownMetrics): PromQLProblem[] {
  const analysis = analysePromQL(source.expr);
  const problems: PromQLProblem[] = analysis.syntaxErrors.map((error) => ({
    source,
    problem: `syntax error at offset ${error.position}: ${error.message}`,
  }));
  const reported = new Set<string>();
  for (const selector of analysis.selectors) {
    const name = selector.metricName;
    if (name === undefined) {
      problems.push({ source, problem: `selector ${selector.text} names no metric` });
      continue;
    }
    if (known.has(name) || reported.has(name)) continue;
    reported.add(name);
    problems.push({
      source,
      problem: `unknown metric "${name}": not in the metrics catalog, not a Vigil recording rule, not up/ALERTS, and not a metric of an exporter the spec declares`,
    });
  }
  return problems;
}

export function checkExpressions(sources: Iterable<ExpressionSource>, known: KnownMetrics): PromQLProblem[] {
  const problems: PromQLProblem[] = [];
  for (const source of sources) problems.push(...checkExpression(source, known));
  return problems;
}
