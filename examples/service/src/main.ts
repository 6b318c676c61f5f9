/**
 * Process wiring for the example service. Environment (see README): PORT, HOST, VIGIL_SERVICE,
 * SERVICE_VERSION, PIPELINES, ITEM_INTERVAL_MS, FAULT_*, ADMIN_FAULTS, ADMIN_TOKEN(_FILE); health: FRESHNESS_WINDOW_MS,
 * FRESHNESS_CRITICALITY, HEALTH_REFRESH_MS, DATABASE_URL, REDIS_URL,
 * SHUTDOWN_READINESS_DELAY_MS, SHUTDOWN_DRAIN_DEADLINE_MS.
 *
 * Start-up runs in phases (config, dependencies) and exits 1 naming the phase when one fails.
 * Only then does it listen and print one JSON line on stdout:
 * {"event":"listening","url":"http://127.0.0.1:PORT"}. Start-up logs go to stderr so that
 * line stays the first on stdout. SIGTERM/SIGINT shut down gracefully.
 */
import { Registry } from 'prom-client';
import { createHealth, expressHealth, freshnessCheck, gracefulShutdown, startupOrExit, type Health, type Logger } from '@vigil/health';
import { createApp, type ExampleApp } from './app.js';
import { configFromEnv, type ServiceConfig } from './config.js';
import { openDependencies, type Dependency } from './dependencies.js';

const stderrLog: Logger = (record) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  // The JSON line escapes quotes; a plain line keeps the reason readable (and greppable).
  if (record['event'] === 'startup_failed') process.stderr.write(`examples/service: ${String(record['error'])}\n`);
};

interface Wiring {
  readonly config: ServiceConfig;
  readonly app: ExampleApp;
  readonly health: Health;
  readonly dependencies: readonly Dependency[];
}

function redisOf(dependencies: readonly Dependency[]): { redis?: NonNullable<Dependency['redis']> } {
  const redis = dependencies.find((dependency) => dependency.redis !== undefined)?.redis;
  return redis === undefined ? {} : { redis };
}

function wire(config: ServiceConfig, registry: Registry): Wiring {
  const dependencies = openDependencies(config);
  const health = createHealth({
    registry,
    service: config.service,
    version: config.version,
    refreshIntervalMs: config.healthRefreshMs,
    checks: dependencies.map((dependency) => dependency.check),
  });
  const app = createApp({
    service: config.service,
    version: config.version,
    pipelines: config.pipelines,
    itemIntervalMs: config.itemIntervalMs,
    faults: config.faults,
    ...(config.adminToken === undefined ? {} : { adminToken: config.adminToken }),
    registry,
    countUnhandledErrors: true,
    ...(config.cgroupRoot === undefined ? {} : { cgroupRoot: config.cgroupRoot }),
    configure: (express) => express.use(expressHealth(health)),
    ...redisOf(dependencies),
  });
  for (const pipeline of app.pipelines.values()) {
    health.addCheck(
      freshnessCheck({
        name: `pipeline:${pipeline.name}`,
        windowMs: config.freshnessWindowMs,
        criticality: config.freshnessCriticality,
        lastItemAtMs: () => pipeline.metrics.lastItemCreatedAt,
      }),
    );
  }
  return { config, app, health, dependencies };
}

const registry = new Registry();
let wiring: Wiring | undefined;
await startupOrExit(
  [
    {
      name: 'config',
      steps: [{ name: 'env', run: () => void (wiring = wire(configFromEnv(process.env), registry)) }],
    },
    {
      name: 'dependencies',
      timeoutMs: 15_000,
      // Which dependencies exist is only known once the config phase has run, and a phase's
      // steps are read when it starts.
      get steps() {
        return wiring?.dependencies.map((dependency) => dependency.startupStep) ?? [];
      },
    },
  ],
  { log: stderrLog, registry },
);

const { config, app, health, dependencies } = wiring!;
const shutdown = gracefulShutdown({
  health,
  servers: [app.server],
  readinessDelayMs: config.shutdownReadinessDelayMs,
  drainDeadlineMs: config.shutdownDrainDeadlineMs,
});
// Hooks run in reverse order: pipelines stop first, dependencies close after, health last.
shutdown.addHook('health', () => health.close());
for (const dependency of dependencies) shutdown.addHook(dependency.name, () => dependency.close());
shutdown.addHook('pipelines', () => app.close());

const url = await app.listen(config.port, config.host);
// Status series carry a real value from the first scrape, not only after the first refresh.
void health.refresh();
process.stdout.write(`${JSON.stringify({ event: 'listening', url })}\n`);
