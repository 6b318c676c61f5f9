export type * from './model/types.js';
export { defineMonitoring } from './spec/define.js';
export { loadSpec } from './spec/load.js';
export { SpecError, formatProblem, type SpecProblem } from './spec/errors.js';
export { isDuration, parseDuration, formatDuration, normaliseDuration, durationSeconds } from './spec/duration.js';
export type {
  MonitoringSpec,
  ServiceSpec,
  PipelineSpec,
  DependencySpec,
  ReceiverSpec,
  TeamSpec,
  SpecOverrides,
} from './spec/schema.js';
export { monitoringSpecSchema, maxNameLength } from './spec/schema.js';
export { maxFieldsPerObject, maxSamplesPerWindow } from './spec/bounds.js';
export { buildModel, type BuildModelOptions } from './model/build.js';
export { applyOverrides } from './model/overrides.js';
export { runbookUrl, runbookAlertName } from './model/runbook.js';
export { renderFile, writeGeneratedFiles, generatedHeader, hasGeneratedHeader, WriteError, type WriteOptions, type WriteResult, type WriterFileSystem } from './writer.js';
export { generate, loadModel, renderModel, defaultConfigPath, type GenerateOptions, type GenerateResult } from './generate.js';
export { findRepoRoot } from './repo-root.js';
export { recordingRuleNames, type RecordingRuleName } from './rules/recording.js';
export { localImages, localImagesOverridePath, selectImage } from './compose/local-images.js';
export { runBacktest, selectScenarios, type BacktestOptions, type BacktestResult } from './backtest/run.js';
export { backtestCommand, backtestUsage } from './backtest/command.js';
export { scenarios as backtestScenarios } from './backtest/scenarios/index.js';
export type { Scenario, ScenarioKind, Expectation, AlertMatch, RequiredAlert } from './backtest/scenario.js';
export type { ScenarioResult, FiredAlert, Episode, RequiredResult } from './backtest/evaluate.js';
export type { BacktestTotals, DetectionStats, SkippedScenario } from './backtest/report.js';
