export { CheckRunner, defaultCacheTtlMs, defaultCheckTimeoutMs } from './checks.js';
export type { CheckRunnerOptions, CheckDetails, CheckResult, CheckReturn, Criticality, HealthCheck } from './checks.js';
export { Health, createHealth, defaultRefreshIntervalMs, overallStatus } from './health.js';
export type {
  DiagnosticsReport,
  HealthOptions,
  LivenessReport,
  MemoryReport,
  OverallStatus,
  ReadinessReport,
} from './health.js';
export { readContainerMemory } from './cgroup.js';
export type { CgroupPaths, ContainerMemory } from './cgroup.js';
export { pgCheck } from './adapters/pg.js';
export type { PgCheckOptions, PgQueryable } from './adapters/pg.js';
export { redisCheck } from './adapters/redis.js';
export type { RedisCheckOptions, RedisPingable } from './adapters/redis.js';
export { httpCheck } from './adapters/http.js';
export type { HttpCheckOptions } from './adapters/http.js';
export { freshnessCheck } from './freshness.js';
export type { FreshnessCheckOptions } from './freshness.js';
export { healthHandler, healthListener, listenHealth } from './http/node.js';
export type { HealthServerOptions } from './http/node.js';
export { expressHealth } from './http/express.js';
export { fastifyHealth } from './http/fastify.js';
export type { FastifyLike, FastifyReplyLike, FastifyRequestLike } from './http/fastify.js';
export { healthResponse, isAuthorized, matchEndpoint } from './http/responses.js';
export type { HealthEndpoint, HealthEndpointOptions, HealthResponse } from './http/responses.js';
export { StartupError, startup, startupOrExit, defaultPhaseTimeoutMs } from './startup.js';
export type {
  StartupOptions,
  StartupOrExitOptions,
  StartupPhase,
  StartupReport,
  StartupStep,
  StartupStepReport,
} from './startup.js';
export { GracefulShutdown, gracefulShutdown } from './shutdown.js';
export type {
  GracefulShutdownOptions,
  ShutdownHookOptions,
  ShutdownHookReport,
  ShutdownProcess,
  ShutdownReport,
} from './shutdown.js';
export { MASK, describeError, maskSecrets, maskUrl, registerSecret } from './secrets.js';
export { TimeoutError, withTimeout } from './timeout.js';
export { healthMetrics } from './metrics.js';
export type { HealthMetrics } from './metrics.js';
export { jsonLineLogger } from './log.js';
export type { LogRecord, Logger } from './log.js';
