export { analysePromQL, type PromQLAnalysis, type SeriesSelector, type LabelMatcher, type RangeFunctionCall } from './parse.js';
export { checkExpression, checkExpressions, formatPromQLProblem, type ExpressionSource, type PromQLProblem } from './check.js';
export { knownMetrics, prometheusSyntheticSeries, type KnownMetrics } from './known-metrics.js';
export { exporterMetrics, declaredExporterMetrics } from './exporters.js';
export { dashboardExpressions, ruleExpressions, recordedNames } from './sources.js';
