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
      const boundedRoute = this.family.boundValue(route);
      const key = `${normalisedMethod} ${status} ${boundedRoute}`;
      let series = this.cache.get(key);
      if (series === undefined) {
        series = this.family.seriesFor([normalisedMethod, boundedRoute, status]);
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
  readonly app?: unknown;
}

export type ExpressMiddleware = (request: ExpressLikeRequest, response: ServerResponse, next: (error?: unknown) => void) => void;

/** A layer of an Express router stack: router 2 (Express 5) keeps `rawPath`, Express 4 `regexp` + `keys`. */
interface RouterLayer {
  readonly handle?: { readonly stack?: unknown };
  readonly rawPath?: unknown;
  readonly matchers?: ReadonlyArray<(path: string) => false | { readonly path: string }>;
  readonly regexp?: unknown;
  readonly keys?: ReadonlyArray<{ readonly name?: unknown } | string>;
}

/** Route label of a request under a mount whose template cannot be read (a RegExp mount). */
const unknownMount = '/*';
/** Routers nest a few levels deep at most; the walk stops here whatever the app does. */
const maxMountDepth = 8;

function stackOf(app: unknown): readonly RouterLayer[] | undefined {
  const candidate = app as { router?: { stack?: unknown }; _router?: { stack?: unknown } } | undefined;
  const stack = candidate?.router?.stack ?? candidate?._router?.stack;
  return Array.isArray(stack) ? (stack as RouterLayer[]) : undefined;
}

/** The mount template a layer matched at the start of `path`, and how much of `path` it took. */
function matchMount(layer: RouterLayer, path: string): { readonly length: number; readonly template: string } | undefined {
  if (Array.isArray(layer.matchers)) {
    for (let i = 0; i < layer.matchers.length; i++) {
      const matched = layer.matchers[i]!(path);
      if (matched === false) continue;
      const raw = Array.isArray(layer.rawPath) ? (layer.rawPath as unknown[])[i] : layer.rawPath;
      const template = typeof raw === 'string' ? raw.replace(/\/$/, '') : unknownMount;
      return { length: matched.path.length, template };
    }
    return undefined;
  }
  if (layer.regexp instanceof RegExp && Array.isArray(layer.keys)) {
    const matched = layer.regexp.exec(path);
    if (matched === null) return undefined;
    // Express 4 keeps no template: rebuild it by putting each parameter's name where its
    // captured value stands, left to right.
    let template = '';
    let rest = matched[0];
    for (let i = 1; i < matched.length; i++) {
      const value = matched[i];
      const key = layer.keys[i - 1];
      const name = typeof key === 'string' ? key : key?.name;
      if (value === undefined || name === undefined) continue;
      const at = rest.indexOf(value);
      if (at === -1) return { length: matched[0].length, template: unknownMount };
      template += `${rest.slice(0, at)}:${String(name)}`;
      rest = rest.slice(at + value.length);
    }
    return { length: matched[0].length, template: (template + rest).replace(/\/$/, '') };
  }
  return undefined;
}

/** The template of the chain of mounts `path` (a request's baseUrl) went through, or undefined. */
function mountTemplate(stack: readonly RouterLayer[], path: string, depth: number): string | undefined {
  if (path === '' || path === '/') return '';
  if (depth >= maxMountDepth) return undefined;
  for (const layer of stack) {
    const nested = layer.handle?.stack;
    if (!Array.isArray(nested)) continue;
    const matched = matchMount(layer, path);
    if (matched === undefined || matched.length === 0) continue;
    const rest = mountTemplate(nested as RouterLayer[], path.slice(matched.length), depth + 1);
    if (rest !== undefined) return matched.template + rest;
  }
  return undefined;
}

/** Static mounts, by route: the same baseUrl always gets the same template without a walk. */
const staticMounts = new WeakMap<object, string>();

function mountOf(request: ExpressLikeRequest, base: string): string {
  const route = request.route as object;
  if (staticMounts.get(route) === base) return base;
  const stack = stackOf(request.app);
  const template = stack === undefined ? undefined : mountTemplate(stack, base, 0);
  if (template === base) staticMounts.set(route, base);
  // Never the raw path: a mount that cannot be read is labelled as unknown.
  return template ?? unknownMount;
}

function expressRoute(request: ExpressLikeRequest): string {
  const explicit = explicitRoutes.get(request);
  if (explicit !== undefined) return explicit;
  const path = request.route?.path;
  if (path === undefined) return unmatchedRoute;
  const template = typeof path === 'string' ? path : Array.isArray(path) ? path.map(String).join('|') : String(path);
  // baseUrl is the path the request's routers were mounted at, with parameters expanded
  // (`/users/42`); the label takes the mount's template (`/users/:id`) from the router stack.
  const base = request.baseUrl ?? '';
  if (base === '') return template;
  const mount = mountOf(request, base);
  return `${mount}${template === '/' ? '' : template}`;
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
  // `| undefined`: Fastify declares these as possibly undefined, and a user's
  // exactOptionalPropertyTypes must still accept a real Fastify instance.
  readonly routeOptions?: { readonly url?: string | undefined } | undefined;
  readonly is404?: boolean | undefined;
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
