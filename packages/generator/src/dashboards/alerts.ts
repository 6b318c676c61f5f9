/**
 * Names of the alerts dashboards show. They are the names the rules engineer gives the
 * rules in `alerts/*.yml`; a panel links to each one's `runbookUrl(model, name)`
 * (model/runbook.ts).
 */
export const alertNames = {
  serviceDown: 'ServiceDown',
  serviceRestarting: 'ServiceRestarting',
  serviceRestartingPersistently: 'ServiceRestartingPersistently',
  highErrorRate: 'HighErrorRate',
  highLatencyP95: 'HighLatencyP95',
  unhandledErrorsBurst: 'UnhandledErrorsBurst',
  memoryHigh: 'MemoryHigh',
  cpuHigh: 'CPUHigh',
  eventLoopLagHigh: 'EventLoopLagHigh',
  dependencyDown: 'DependencyDown',
  pipelineNoItemsCreated: 'PipelineNoItemsCreated',
  pipelineItemRateLow: 'PipelineItemRateLow',
  pipelineFieldCoverageDrop: 'PipelineFieldCoverageDrop',
  pipelineValidationErrorsHigh: 'PipelineValidationErrorsHigh',
  circuitBreakerOpen: 'CircuitBreakerOpen',
  circuitBreakerOpenLong: 'CircuitBreakerOpenLong',
  nodeFilesystemAlmostOutOfSpace: 'NodeFilesystemAlmostOutOfSpace',
  nodeFilesystemSpaceFillingUp: 'NodeFilesystemSpaceFillingUp',
  nodeFilesystemReadOnly: 'NodeFilesystemReadOnly',
  nodeMemoryHighUtilization: 'NodeMemoryHighUtilization',
  nodeCPUHighUsage: 'NodeCPUHighUsage',
  nodeClockSkewDetected: 'NodeClockSkewDetected',
  postgresqlDown: 'PostgresqlDown',
  postgresqlTooManyConnections: 'PostgresqlTooManyConnections',
  postgresqlDeadlocks: 'PostgresqlDeadlocks',
  postgresqlReplicationLag: 'PostgresqlReplicationLag',
  redisDown: 'RedisDown',
  redisOutOfMemory: 'RedisOutOfMemory',
  redisRejectedConnections: 'RedisRejectedConnections',
} as const;

export type AlertName = (typeof alertNames)[keyof typeof alertNames];
