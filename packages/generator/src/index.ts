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
export { monitoringSpecSchema } from './spec/schema.js';
export { buildModel, type BuildModelOptions } from './model/build.js';
export { applyOverrides } from './model/overrides.js';
export { runbookUrl, runbookAlertName } from './model/runbook.js';
export { renderFile, writeGeneratedFiles, generatedHeader, hasGeneratedHeader, WriteError, type WriteOptions, type WriteResult, type WriterFileSystem } from './writer.js';
export { generate, loadModel, renderModel, defaultConfigPath, type GenerateOptions, type GenerateResult } from './generate.js';
export { findRepoRoot } from './repo-root.js';
export { recordingRuleNames, type RecordingRuleName } from './rules/recording.js';
export { localImages, localImagesOverridePath, selectImage } from './compose/local-images.js';
