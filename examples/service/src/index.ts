export { createApp, CrashFault, type AppOptions, type ExampleApp } from './app.js';
export { faultsFromEnv, healthyFaults, parseFaultUpdate, FaultInputError, type Faults } from './faults.js';
export { defaultItemIntervalMs, ItemPipeline } from './pipelines.js';
export { launchExampleService, startExampleService, type ExampleService, type LaunchedExampleService, type LaunchOptions } from './launch.js';
