/**
 * The example service, as a function: createApp(options) builds the HTTP server, the item
 * pipelines and the fault controls without touching process-wide state beyond its own registry,
 * so tests and other packages can run it in-process; src/main.ts is the process wiring.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { Registry } from 'prom-client';
import { createVigilMetrics, type VigilMetrics } from '@vigil/metrics';
import { isAuthorized } from '@vigil/health';
import { itemCache, type RedisCommands } from './item-cache.js';
import { ErrorBudget, FaultInputError, healthyFaults, parseFaultUpdate, type Faults } from './faults.js';
import { defaultItemIntervalMs, ItemPipeline } from './pipelines.js';

export interface AppOptions {
  /** Service name: the `service` label (and the Prometheus job). Default `api`. */
  readonly service?: string;
  readonly version?: string;
  /** Pipelines to run, e.g. ['orders', 'events']. Default none. */
  readonly pipelines?: readonly string[];
  readonly itemIntervalMs?: number;
  /** Initial fault state (FAULT_* env in main.ts). */
  readonly faults?: Partial<Faults>;
  /**
   * Mounts `GET`/`POST /admin/faults`, answering only requests with `Authorization: Bearer
   * <adminToken>`. Without it the endpoint does not exist (404): fault switches are for test
   * rigs, never for a service anyone can reach (ADMIN_FAULTS=1 and ADMIN_TOKEN in main.ts).
   */
  readonly adminToken?: string;
  /** Registry to expose; default a fresh one per app. */
  readonly registry?: Registry;
  /** Count unhandled rejections / uncaught exceptions (process-wide hooks); default false. */
  readonly countUnhandledErrors?: boolean;
  /** cgroup root the container limit gauges read (VIGIL_CGROUP_ROOT in main.ts); default `/sys/fs/cgroup`. */
  readonly cgroupRoot?: string;
  /** What the crash fault does; default an uncaught exception on the next tick. */
  readonly crash?: () => void;
  /**
   * Extra routes mounted before the 404 handler. This is where @vigil/health is wired in
   * (e.g. `app.use(expressHealth(health))`); the service has no health endpoints of its own.
   */
  readonly configure?: (app: Express, vigil: VigilMetrics) => void;
  /** Redis for the item cache; without it the cache lives in memory. Either way behind a breaker. */
  readonly redis?: RedisCommands;
}

export interface ExampleApp {
  readonly server: Server;
  readonly express: Express;
  readonly vigil: VigilMetrics;
  readonly registry: Registry;
  readonly pipelines: ReadonlyMap<string, ItemPipeline>;
  faults(): Faults;
  setFaults(update: Partial<Faults>): Faults;
  /** Listens (port 0 picks a free one) and starts the pipelines; resolves to the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export class CrashFault extends Error {
  override readonly name = 'CrashFault';
}

function defaultCrash(): void {
  process.nextTick(() => {
    throw new CrashFault('crash fault injected through the admin switch');
  });
}

export function createApp(options: AppOptions = {}): ExampleApp {
  const registry = options.registry ?? new Registry();
  const vigil = createVigilMetrics({
    registry,
    defaultLabels: { service: options.service ?? 'api', version: options.version ?? '0.1.0' },
    countUnhandledErrors: options.countUnhandledErrors ?? false,
    ...(options.cgroupRoot === undefined ? {} : { cgroupRoot: options.cgroupRoot }),
  });
  let faults: Faults = healthyFaults();
  const crash = options.crash ?? defaultCrash;
  const setFaults = (update: Partial<Faults>): Faults => {
    faults = { ...faults, ...update };
    if (faults.crash) crash();
    return faults;
  };

  const pipelines = new Map<string, ItemPipeline>();
  for (const name of options.pipelines ?? []) {
    if (pipelines.has(name)) throw new Error(`examples/service: pipeline "${name}" listed twice`);
    pipelines.set(name, new ItemPipeline(name, vigil, () => faults, options.itemIntervalMs ?? defaultItemIntervalMs));
  }

  const cache = itemCache(vigil, options.redis);
  class ItemRepository {
    @vigil.timedOperation()
    async find(id: string): Promise<Record<string, unknown> | undefined> {
      const cached = await cache.get(id);
      if (cached !== undefined) return cached;
      const found = this.lookUp(id);
      if (found !== undefined) await cache.set(id, found);
      return found;
    }

    private lookUp(id: string): Record<string, unknown> | undefined {
      for (const pipeline of pipelines.values()) {
        const found = pipeline.recent.find((item) => item['id'] === id);
        if (found !== undefined) return found;
      }
      // Without pipelines every numeric id exists, so the API is useful on its own.
      return /^\d+$/.test(id) ? { id, name: `item ${id}` } : undefined;
    }
  }
  const repository = new ItemRepository();
  const errorBudget = new ErrorBudget();

  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', (request, response) => void vigil.metricsHandler(request, response));

  if (options.adminToken !== undefined) {
    const token = options.adminToken;
    if (token.length < 16) throw new Error('examples/service: adminToken must be at least 16 characters');
    app.use('/admin/faults', (request, response, next) => {
      if (isAuthorized(request.headers.authorization, token)) next();
      else response.status(401).json({ error: 'admin token required (Authorization: Bearer <ADMIN_TOKEN>)' });
    });
    app.get('/admin/faults', (_request, response) => {
      response.json(faults);
    });
    app.post('/admin/faults', express.json({ strict: false, limit: '4kb' }), (request, response) => {
      try {
        response.json(setFaults(parseFaultUpdate(request.body)));
      } catch (error) {
        if (!(error instanceof FaultInputError)) throw error;
        response.status(400).json({ error: error.message });
      }
    });
  }

  app.get('/api/items/:id', async (request, response, next) => {
    try {
      const current = faults;
      if (current.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, current.latencyMs));
      if (errorBudget.shouldFail(current.errorRate)) {
        response.status(500).json({ error: 'injected failure (errorRate fault)' });
        return;
      }
      const item = await repository.find(String(request.params.id));
      if (item === undefined) response.status(404).json({ error: `no item ${request.params.id}` });
      else response.json(item);
    } catch (error) {
      next(error);
    }
  });

  options.configure?.(app, vigil);

  app.use((_request, response) => {
    response.status(404).json({ error: 'not found' });
  });
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const status = (error as { status?: unknown }).status;
    response.status(typeof status === 'number' && status >= 400 && status < 600 ? status : 500).json({ error: (error as Error).message });
  });

  // Measured from the server's side: every request, whichever middleware answers it.
  const server = createServer(vigil.expressHandler(app));
  if (options.faults !== undefined) setFaults(options.faults);

  return {
    server,
    express: app,
    vigil,
    registry,
    pipelines,
    faults: () => faults,
    setFaults,
    async listen(port = 0, host = '127.0.0.1') {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      for (const pipeline of pipelines.values()) pipeline.start();
      const address = server.address() as AddressInfo;
      return `http://${host}:${address.port}`;
    },
    async close() {
      cache.close();
      for (const pipeline of pipelines.values()) pipeline.stop();
      vigil.close();
      if (!server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
