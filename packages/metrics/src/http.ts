/**
 * HTTP RED metrics for node:http, Express and Fastify. The `route` label is always a route
 * template (`/api/items/:id`) or the fixed `unmatched`, never the raw path, so label sets stay
 * bounded by the application's routes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HistogramFamily, HistogramSeries } from './families.js';

/** `route` label of requests that matched no route (404s, scanners). */
export const unmatchedRoute = 'unmatched';
/** `status_code` of requests whose client went away before the response finished (nginx's 499). */
export const clientClosedStatus = '499';

/**
 * Paths the middleware skips unless told otherwise: the scrape endpoint and @vigil/health's
 * probes. Orchestrators probe every few seconds, which would swamp request rates and latency,
 * and a readiness probe answering 503 during a dependency outage would feed HighErrorRate on
 * top of DependencyDown.
 */
export const defaultExcludedPaths: readonly string[] = ['/metrics', '/health', '/health/live', '/health/ready'];

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE']);

export class HttpRecorder {
  private readonly cache = new Map<string, HistogramSeries>();
  private readonly excludedPaths: ReadonlySet<string>;

  constructor(
    private readonly family: HistogramFamily,
    private readonly maxCached: () => number,
    excludedPaths: readonly string[] = defaultExcludedPaths,
  ) {
    for (const path of excludedPaths) {
      if (typeof path !== 'string' || !path.startsWith('/')) {
        throw new Error(`@vigil/metrics: excludePaths entry ${JSON.stringify(path)} must be a path starting with "/"`);
      }
    }
    this.excludedPaths = new Set(excludedPaths);
  }

  /** Whether a request URL is one the middleware does not measure. Never throws. */
  excludes(url: string | undefined): boolean {
    return this.excludedPaths.size > 0 && this.excludedPaths.has(pathOf(url));
  }

  /** Never throws: called from response events. */
  record(method: string | undefined, route: string, statusCode: number | string, durationMs: number): void {
    try {
      const normalisedMethod = method !== undefined && knownMethods.has(method) ? method : 'other';
      const status = String(statusCode);
      const key = `${normalisedMethod} ${status} ${route}`;
      let series = this.cache.get(key);
      if (series === undefined) {
        series = this.family.seriesFor([normalisedMethod, route, status]);
        if (series.overflow === null && this.cache.size < this.maxCached()) this.cache.set(key, series);
      }
      series.observe(durationMs);
    } catch {
      // Instrumentation never breaks a response.
    }
  }
}

/** Explicit route template for a request, for handlers that do their own routing. */
const explicitRoutes = new WeakMap<IncomingMessage, string>();

export function setRouteTemplate(request: IncomingMessage, template: string): void {
  explicitRoutes.set(request, template);
}

type RouteMatcher = (path: string) => string | undefined;

/**
 * Compiles templates such as `/api/items/:id` or `/static/*`; the first template that matches
 * the path (query string removed) names the route.
 */
export function compileRoutes(templates: readonly string[]): RouteMatcher {
  const compiled = templates.map((template) => {
    if (typeof template !== 'string' || !template.startsWith('/')) {
      throw new Error(`@vigil/metrics: route template ${JSON.stringify(template)} must start with "/"`);
    }
    const pattern = template
      .split('/')
      .map((segment) => {
        if (segment === '*') return '.*';
        if (segment.startsWith(':')) return '[^/]+';
        return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    return { template, regexp: new RegExp(`^${pattern}/?$`) };
  });
  return (path) => {
    for (const route of compiled) if (route.regexp.test(path)) return route.template;
    return undefined;
  };
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

export type NodeHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface NodeHttpOptions {
  /** Route templates to match raw paths against, or a function returning the template. */
  readonly routes: readonly string[] | ((request: IncomingMessage) => string | undefined);
}

export function instrumentNodeHandler(recorder: HttpRecorder, handler: NodeHandler, options: NodeHttpOptions): NodeHandler {
  const routeOf =
    typeof options.routes === 'function'
      ? options.routes
      : ((match: RouteMatcher) => (request: IncomingMessage) => match(pathOf(request.url)))(compileRoutes(options.routes));
  const instrumented = function (this: unknown, request: IncomingMessage, response: ServerResponse): void | Promise<void> {
    if (recorder.excludes(request.url)) return handler.call(this, request, response);
    const start = performance.now();
    try {
      response.once('close', () => {
        let route: string | undefined;
        try {
          route = explicitRoutes.get(request) ?? routeOf(request);
        } catch {
          route = undefined;
        }
        const status = response.writableFinished ? response.statusCode : clientClosedStatus;
        recorder.record(request.method, route ?? unmatchedRoute, status, performance.now() - start);
      });
    } catch {
      // Never stand between the server and its handler.
    }
    return handler.call(this, request, response);
  };
  Object.defineProperty(instrumented, 'name', { value: handler.name, configurable: true });
  return instrumented;
}

/** The parts of Express 4/5 request and response the middleware reads. */
export interface ExpressLikeRequest extends IncomingMessage {
  readonly baseUrl?: string;
  readonly route?: { readonly path?: unknown };
}

export type ExpressMiddleware = (request: ExpressLikeRequest, response: ServerResponse, next: (error?: unknown) => void) => void;

function expressRoute(request: ExpressLikeRequest): string {
  const explicit = explicitRoutes.get(request);
  if (explicit !== undefined) return explicit;
  const path = request.route?.path;
  if (path === undefined) return unmatchedRoute;
  const template = typeof path === 'string' ? path : Array.isArray(path) ? path.map(String).join('|') : String(path);
  // baseUrl is the mount path of the router; Express expands its parameters, so routers mounted
  // under a parameterised path should call setRouteTemplate() (the cardinality guard bounds it).
  const base = request.baseUrl ?? '';
  return base === '' ? template : `${base}${template === '/' ? '' : template}`;
}

export function expressMiddleware(recorder: HttpRecorder): ExpressMiddleware {
  return function vigilHttpMetrics(request, response, next) {
    if (recorder.excludes(request.url)) {
      next();
      return;
    }
    const start = performance.now();
    try {
      response.once('close', () => {
        let route = unmatchedRoute;
        try {
          route = expressRoute(request);
        } catch {
          // Fall back to the fixed label.
        }
        const status = response.writableFinished ? response.statusCode : clientClosedStatus;
        recorder.record(request.method, route, status, performance.now() - start);
      });
    } catch {
      // See instrumentNodeHandler.
    }
    next();
  };
}

/** The parts of a Fastify 4/5 instance, request and reply the plugin uses. */
export interface FastifyLikeRequest {
  readonly method: string;
  readonly raw: IncomingMessage;
  readonly routeOptions?: { readonly url?: string };
  readonly is404?: boolean;
}
export interface FastifyLikeReply {
  readonly statusCode: number;
  readonly elapsedTime: number;
}
export interface FastifyLikeInstance {
  addHook(
    name: 'onResponse',
    hook: (request: FastifyLikeRequest, reply: FastifyLikeReply, done: () => void) => void,
  ): unknown;
}
export type FastifyPlugin = (instance: FastifyLikeInstance, options: unknown, done: (error?: Error) => void) => void;

export function fastifyPlugin(recorder: HttpRecorder): FastifyPlugin {
  const plugin: FastifyPlugin = (instance, _options, done) => {
    instance.addHook('onResponse', (request, reply, hookDone) => {
      try {
        if (recorder.excludes(request.raw.url)) {
          hookDone();
          return;
        }
        const explicit = explicitRoutes.get(request.raw);
        const url = request.is404 === true ? undefined : request.routeOptions?.url;
        recorder.record(request.method, explicit ?? url ?? unmatchedRoute, reply.statusCode, reply.elapsedTime);
      } catch {
        // See instrumentNodeHandler.
      }
      hookDone();
    });
    done();
  };
  // fastify-plugin's convention: without encapsulation the hook sees every route of the app.
  Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: 'vigil-http-metrics',
  });
  return plugin;
}
