/**
 * HTTP RED metrics for node:http, Express and Fastify. The `route` label is always a route
 * template (`/api/items/:id`) or the fixed `unmatched`, never the raw path, so label sets stay
 * bounded by the application's routes.
 */
import { EventEmitter } from 'node:events';
import { OutgoingMessage, ServerResponse, type IncomingMessage } from 'node:http';
import { monotonicMs } from './clock.js';
import type { HistogramFamily, HistogramSeries } from './families.js';
import { clientClosedStatusCode, handOver, watchUntilFinished, type FinishedResponseSink } from './response-finish.js';
import { compileRoutes, type RouteMatcher } from './route-templates.js';

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

/** The standard methods, each its own `method` label; anything else is `other`. */
const knownMethods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE'] as const;
const otherMethod = 'other';
/**
 * A method's index in `knownMethods`. A switch rather than a Map: Node's method strings are not
 * internalized, so a Map lookup pays a hash-table probe before the string comparison, and GET, most
 * requests, is the first comparison here. The http tests check the label of every standard method.
 */
function methodIndexOf(method: string | undefined): number {
  switch (method) {
    case 'GET':
      return 0;
    case 'HEAD':
      return 1;
    case 'POST':
      return 2;
    case 'PUT':
      return 3;
    case 'DELETE':
      return 4;
    case 'PATCH':
      return 5;
    case 'OPTIONS':
      return 6;
    case 'CONNECT':
      return 7;
    case 'TRACE':
      return 8;
    default:
      return knownMethods.length;
  }
}
const methodLabels: readonly string[] = [...knownMethods, otherMethod];
/** Slots per status code in a route's series key: one per method label. */
const methodSlots = 16;

/** Status codes a route's series are keyed by without building a string; others take the slow path. */
function isCacheableStatus(status: number | string): status is number {
  return typeof status === 'number' && (status | 0) === status && status >= 0 && status <= 999;
}

/** Up to this many excluded paths are compared in place; more go through a Set (one slice per request). */
const maxComparedExclusions = 8;

export class HttpRecorder {
  /**
   * Series by route label, then by `status * methodSlots + method`. Route strings from route
   * tables are the same string objects every request, so the lookups hash nothing new and build
   * no key: a request costs two map reads and the bucket scan.
   */
  private readonly routes = new Map<string, Map<number, HistogramSeries>>();
  private cachedSeries = 0;
  private readonly excludedPaths: ReadonlySet<string>;
  private readonly comparedExclusions: readonly string[] | null;

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
    this.comparedExclusions = this.excludedPaths.size <= maxComparedExclusions ? [...this.excludedPaths] : null;
  }

  /** Whether a request URL is one the middleware does not measure. Never throws. */
  excludes(url: string | undefined): boolean {
    const compared = this.comparedExclusions;
    if (compared === null) return this.excludedPaths.has(pathOf(url));
    if (url === undefined) return this.excludedPaths.has('/');
    // In place: no slice of the URL and no hash of it on the path of every measured request. The
    // length and the character after the path are compared first: for nearly every request they
    // differ, and two integer comparisons cost less than a string comparison. A URL as long as the
    // path is compared with `===`, which V8 runs inline; `startsWith` is a call that it does not
    // inline, left for URLs with a query string.
    const length = url.length;
    for (let i = 0; i < compared.length; i++) {
      const path = compared[i]!;
      const end = path.length;
      if (length === end ? url === path : length > end && url.charCodeAt(end) === 63 /* ? */ && url.startsWith(path)) return true;
    }
    return false;
  }

  /**
   * Never throws: called from response events. `statusCode` is the response's status, or
   * `clientClosedStatus` (as a number or string) when the client went away first.
   */
  record(method: string | undefined, route: string, statusCode: number | string, durationMs: number): void {
    try {
      const methodIndex = methodIndexOf(method);
      if (isCacheableStatus(statusCode)) {
        const key = statusCode * methodSlots + methodIndex;
        const cached = this.routes.get(route)?.get(key);
        if (cached !== undefined) {
          cached.observe(durationMs);
          return;
        }
      }
      this.seriesFor(methodIndex, route, statusCode).observe(durationMs);
    } catch {
      // Instrumentation never breaks a response.
    }
  }

  /** The first request of a label set: bound labels, the family's limit, then the cache. */
  private seriesFor(methodIndex: number, route: string, statusCode: number | string): HistogramSeries {
    const boundedRoute = this.family.boundValue(route);
    const series = this.family.seriesFor([methodLabels[methodIndex]!, boundedRoute, String(statusCode)]);
    // Only a route that is its own bounded value is a key, so the cache never holds a long string.
    if (series.overflow === null && boundedRoute === route && isCacheableStatus(statusCode) && this.cachedSeries < this.maxCached()) {
      let byStatus = this.routes.get(route);
      if (byStatus === undefined) {
        byStatus = new Map();
        this.routes.set(route, byStatus);
      }
      byStatus.set(statusCode * methodSlots + methodIndex, series);
      this.cachedSeries += 1;
    }
    return series;
  }
}

/** Explicit route template for a request, for handlers that do their own routing. */
const explicitRoutes = new WeakMap<IncomingMessage, string>();

/** Whether any request was given an explicit template: until then the integrations skip the lookup. */
let explicitRoutesSet = false;

export function setRouteTemplate(request: IncomingMessage, template: string): void {
  explicitRoutesSet = true;
  explicitRoutes.set(request, template);
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

/**
 * EventEmitter's `on` and OutgoingMessage's state getters (`writableFinished`, `writableEnded`), called on a ServerResponse
 * directly instead of looked up on it. Express gives every response a prototype of its own
 * (`Object.setPrototypeOf` per request), so each response has a hidden class no other object
 * shares and every lookup through its prototype chain misses V8's caches: on this machine
 * about 1.5 us for `on` and 3 us for `writableFinished`, per request. On a ServerResponse the
 * direct call runs what the lookup finds (Express overrides neither); anything else is looked up.
 */
const addListener = EventEmitter.prototype.on;

function listenForClose(response: Pick<ServerResponse, 'on'>, listener: () => void): void {
  if (response instanceof ServerResponse) addListener.call(response, 'close', listener);
  else response.on('close', listener);
}

/** Reads one of OutgoingMessage's state getters, called directly on a ServerResponse (see above). */
function responseFlag(name: 'writableFinished' | 'writableEnded'): (response: ServerResponse) => boolean {
  const getter = Object.getOwnPropertyDescriptor(OutgoingMessage.prototype, name)?.get;
  return (response) => (getter !== undefined && response instanceof ServerResponse ? getter.call(response) === true : response[name]);
}
/** Whether the response reached its client: 'finish' came before 'close'. */
const isFinished = responseFlag('writableFinished');
/** Whether the app ended the response, whether or not it was flushed before 'close'. */
const isEnded = responseFlag('writableEnded');

/**
 * Records a response once it is over: its method, its route (`unmatched` when resolving it throws),
 * its status and how long it took. Never throws: it runs from response and connection events.
 */
class ResponseRecorder<C> implements FinishedResponseSink<C> {
  constructor(
    private readonly recorder: HttpRecorder,
    private readonly methodOf: (context: C) => string | undefined,
    private readonly routeOf: (context: C) => string,
  ) {}

  finished(context: C, status: number, durationMs: number): void {
    let route = unmatchedRoute;
    try {
      route = this.routeOf(context);
    } catch {
      // Fall back to the fixed label.
    }
    try {
      this.recorder.record(this.methodOf(context), route, status, durationMs);
    } catch {
      // A throw here would be an uncaught exception in the app.
    }
  }
}

/**
 * Measures responses from the moment `watch` is called until they close, with a 'close' listener
 * per response: for the responses response-finish.ts leaves to its caller. 'close' comes once per
 * response, after 'finish' or when the client went away first (then the status is 499).
 *
 * Each response gets its own small listener closing over the start time and the request, and
 * nothing is written onto the response. Express gives every request and response their own
 * prototype (`Object.setPrototypeOf` per request), so each of them has a hidden class no other
 * object shares: adding a property to one copies that class, several microseconds a property,
 * far more than allocating the closure.
 */
function responseWatcher<C>(sink: FinishedResponseSink<C>, answered: (response: ServerResponse) => boolean = isFinished): (response: ServerResponse, context: C) => void {
  return (response, context) => {
    const start = monotonicMs();
    listenForClose(response, () => {
      try {
        const end = monotonicMs();
        sink.finished(context, answered(response) ? response.statusCode : clientClosedStatusCode, end - start);
      } catch {
        // A throw here would be an uncaught exception in the app.
      }
    });
  };
}

/**
 * Watches a request's response from now to its finish, from Node's diagnostics channel with no listener
 * on the response (response-finish.ts); a response it leaves to its caller gets a 'close' listener.
 */
function finishWatcher<C extends IncomingMessage>(sink: FinishedResponseSink<C>): (response: ServerResponse, request: C) => void {
  const watchByListener = responseWatcher(sink);
  return (response, request) => {
    if (!watchUntilFinished(request, response, sink, request)) watchByListener(response, request);
  };
}

const methodOfRequest = (request: IncomingMessage): string | undefined => request.method;

/** The node:http integration: each response is timed from the handler's call to its finish (see finishWatcher). */
export function instrumentNodeHandler(recorder: HttpRecorder, handler: NodeHandler, options: NodeHttpOptions): NodeHandler {
  const matchRoute: (request: IncomingMessage) => string | undefined =
    typeof options.routes === 'function'
      ? options.routes
      : ((matchUrl: RouteMatcher) => (request: IncomingMessage) => matchUrl(request.url ?? '/'))(compileRoutes(options.routes));
  const routeOf = (request: IncomingMessage): string => (explicitRoutesSet ? explicitRoutes.get(request) : undefined) ?? matchRoute(request) ?? unmatchedRoute;
  return watchedHandler(recorder, handler, finishWatcher(new ResponseRecorder<IncomingMessage>(recorder, methodOfRequest, routeOf)));
}

/** `handler`, watching every response it is given that the recorder does not exclude. */
function watchedHandler(recorder: HttpRecorder, handler: NodeHandler, watch: (response: ServerResponse, request: IncomingMessage) => void): NodeHandler {
  const instrumented = function (this: unknown, request: IncomingMessage, response: ServerResponse): void | Promise<void> {
    try {
      if (!recorder.excludes(request.url)) watch(response, request);
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

/**
 * The app's router stack. `_router` first: Express 4 keeps its router there, and its `router` getter
 * throws ("'app.router' is deprecated!"); Express 5 has no `_router` and a `router`.
 */
function stackOf(app: unknown): readonly RouterLayer[] | undefined {
  const candidate = app as { router?: { stack?: unknown }; _router?: { stack?: unknown } } | undefined;
  const stack = candidate?._router?.stack ?? candidate?.router?.stack;
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
  const explicit = explicitRoutesSet ? explicitRoutes.get(request) : undefined;
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

/**
 * Whether each of Vigil's Express middlewares stands aside, keyed by the middleware. An app measured
 * by `expressHandler` turns off the middlewares in its router stack, so a request is never counted
 * twice; the flag is a closure's field, so the middleware pays nothing per request to read it.
 */
const middlewareSwitches = new WeakMap<object, { standAside: boolean; readonly recorder: HttpRecorder }>();

export function expressMiddleware(recorder: HttpRecorder): ExpressMiddleware {
  const watch = finishWatcher(new ResponseRecorder<ExpressLikeRequest>(recorder, methodOfRequest, expressRoute));
  const state = { standAside: false, recorder };
  const middleware: ExpressMiddleware = function vigilHttpMetrics(request, response, next) {
    try {
      if (!state.standAside && !recorder.excludes(request.url)) watch(response, request);
    } catch {
      // See watchedHandler.
    }
    next();
  };
  middlewareSwitches.set(middleware, state);
  return middleware;
}

/**
 * Turns off the middlewares of `recorder` in `stack` and the routers it mounts, to `maxMountDepth`
 * levels. Another VigilMetrics' middleware keeps counting: it is a second measurement, not a double.
 */
function silenceMiddlewares(recorder: HttpRecorder, stack: readonly RouterLayer[], depth: number): void {
  for (const layer of stack) {
    const handle = layer.handle as object | undefined;
    const state = handle === undefined ? undefined : middlewareSwitches.get(handle);
    if (state?.recorder === recorder) state.standAside = true;
    const nested = layer.handle?.stack;
    if (Array.isArray(nested) && depth < maxMountDepth) silenceMiddlewares(recorder, nested as RouterLayer[], depth + 1);
  }
}

/**
 * An Express app measured from the server's side: `http.createServer(vigil.expressHandler(app))`.
 * No layer in the app's router, so it costs less than the middleware (Express runs every middleware
 * through its router's layer machinery, which alone costs a few percent of a small request), and it
 * sees every request, those answered by middleware ahead of where Vigil's would sit included. Labels
 * are the middleware's: read from the request once the response is over, after Express has routed
 * it. Vigil's middleware, if the app also has it, stands aside: the stack is looked at on each of the
 * first requests until the app has routes, as apps add them after wrapping.
 */
export function expressHandler(recorder: HttpRecorder, app: NodeHandler): NodeHandler {
  const watch = finishWatcher(new ResponseRecorder<ExpressLikeRequest>(recorder, methodOfRequest, expressRoute));
  let stackChecked = false;
  return watchedHandler(recorder, app, (response, request) => {
    if (!stackChecked) {
      const stack = stackOf(app);
      if (stack !== undefined && stack.length > 0) {
        silenceMiddlewares(recorder, stack, 0);
        stackChecked = true;
      }
    }
    watch(response, request);
  });
}

/** The parts of a Fastify 4/5 instance, request and reply the plugin uses. */
export interface FastifyLikeRequest {
  readonly method: string;
  readonly raw: IncomingMessage;
  // `| undefined`: Fastify declares this as possibly undefined, and a user's
  // exactOptionalPropertyTypes must still accept a real Fastify instance.
  readonly routeOptions?: { readonly url?: string | undefined } | undefined;
}
export interface FastifyLikeReply {
  readonly raw: ServerResponse;
}
type FastifyLikeHook = (request: FastifyLikeRequest, reply: FastifyLikeReply, done: () => void) => void;
type FastifyLikeSendHook = (request: FastifyLikeRequest, reply: FastifyLikeReply, payload: unknown, done: (error: null, payload: unknown) => void) => void;
/** The options of a route as Fastify's `onRoute` hook passes them, which it lets the hook change. */
export interface FastifyLikeRouteOptions {
  readonly url: string;
  onRequest?: FastifyLikeHook | readonly FastifyLikeHook[] | undefined;
}
export interface FastifyLikeInstance {
  addHook(name: 'onRequest', hook: FastifyLikeHook): unknown;
  addHook(name: 'onSend', hook: FastifyLikeSendHook): unknown;
  addHook(name: 'onRoute', hook: (routeOptions: FastifyLikeRouteOptions) => void): unknown;
}
export type FastifyPlugin = (instance: FastifyLikeInstance, options: unknown, done: (error?: Error) => void) => void;

/** A Fastify request's explicit template (setRouteTemplate on its raw request), if it was given one. */
function explicitFastifyRoute(request: FastifyLikeRequest): string | undefined {
  return explicitRoutesSet ? explicitRoutes.get(request.raw) : undefined;
}

/**
 * The route label of a Fastify request: an explicit template, the route's url, or `unmatched`. Never
 * throws. For responses no route's own hook labelled (see fastifyPlugin): `routeOptions` is a getter
 * that builds a dozen-field object and asks the router about version constraints on every read.
 */
function fastifyRoute(request: FastifyLikeRequest): string {
  try {
    // Read once. Its `url` is undefined exactly when the request is a 404 (`is404` tests the same field).
    return explicitFastifyRoute(request) ?? request.routeOptions?.url ?? unmatchedRoute;
  } catch {
    return unmatchedRoute;
  }
}

const methodOfFastifyRequest = (request: FastifyLikeRequest): string => request.method;

/**
 * The plugin watches each raw response, as the node:http integration does, from one of two hooks,
 * so every response is counted once:
 * - `onRequest` watches every request that reaches Vigil's hook.
 * - `onSend` watches a response whose reply was sent before Vigil's `onRequest` ran: Fastify skips
 *   later `onRequest` hooks once one has replied or failed, as a rate limiter or CORS preflight
 *   registered ahead of Vigil does; their replies (and errors) still pass through `onSend`. Those are
 *   timed from the reply, the only moment Vigil sees them.
 *
 * Labels: every route registered after the plugin gets an `onRequest` hook of its own (through
 * `onRoute`), which runs after the app-wide ones and hands the response to a sink that knows the
 * route's url. A response that never reaches it (a 404, a reply from an earlier hook, a route added
 * before the plugin) is labelled at its finish from `routeOptions`, which costs more per request than
 * the route's hook does.
 *
 * No `onResponse` hook: having one makes Fastify add its own 'finish' and 'error' listeners to every
 * response (`setupResponseListeners`, which it otherwise does only with its logger on), and that cost
 * more than all of Vigil's code. On a server, responses are timed to their finish as node:http's are
 * (see finishWatcher). Under `inject()` they get a 'close' listener, and at 'close' a response the app
 * ended counts with its status and one it never ended as 499: light-my-request's socket never
 * flushes, so `writableFinished` stays false on responses that did finish.
 */
export function fastifyPlugin(recorder: HttpRecorder): FastifyPlugin {
  // One mark per plugin, so two VigilMetrics on one app each count every response.
  const watched: unique symbol = Symbol('vigil.http.watched');
  type WatchedResponse = ServerResponse & { [watched]?: true };
  const sink = new ResponseRecorder<FastifyLikeRequest>(recorder, methodOfFastifyRequest, fastifyRoute);
  const watchByListener = responseWatcher(sink, isEnded);
  const start = (request: FastifyLikeRequest, reply: FastifyLikeReply): void => {
    if (recorder.excludes(request.raw.url)) return;
    // Written on Fastify's raw response, a plain ServerResponse (no per-request prototype as under
    // Express), so every response takes the same hidden-class step.
    (reply.raw as WatchedResponse)[watched] = true;
    if (!watchUntilFinished(request.raw, reply.raw, sink, request)) watchByListener(reply.raw, request);
  };
  /**
   * This plugin's route hooks. Options copied from a route that already has one (a plugin that adds
   * a route from another's options, in its own `onRoute`) carry that route's hook and its url, which
   * is replaced here; left in place, it would take the response first and label it with the other url.
   */
  const routeHooks = new WeakSet<FastifyLikeHook>();
  const labelRoute = (routeOptions: FastifyLikeRouteOptions): void => {
    const { url } = routeOptions;
    const routeSink = new ResponseRecorder<FastifyLikeRequest>(recorder, methodOfFastifyRequest, (request) => explicitFastifyRoute(request) ?? url);
    const hook: FastifyLikeHook = (_request, reply, hookDone) => {
      try {
        handOver(reply.raw, sink, routeSink);
      } catch {
        // See watchedHandler.
      }
      hookDone();
    };
    const existing = routeOptions.onRequest;
    const hooks = existing === undefined ? [] : typeof existing === 'function' ? [existing] : existing;
    routeHooks.add(hook);
    // A new array: the one in the options may be the user's own.
    routeOptions.onRequest = [...hooks.filter((each) => !routeHooks.has(each)), hook];
  };
  const plugin: FastifyPlugin = (instance, _options, done) => {
    instance.addHook('onRequest', (request, reply, hookDone) => {
      try {
        start(request, reply);
      } catch {
        // See watchedHandler.
      }
      hookDone();
    });
    instance.addHook('onSend', (request, reply, payload, hookDone) => {
      try {
        if ((reply.raw as WatchedResponse)[watched] !== true) start(request, reply);
      } catch {
        // See watchedHandler.
      }
      hookDone(null, payload);
    });
    instance.addHook('onRoute', (routeOptions) => {
      try {
        labelRoute(routeOptions);
      } catch {
        // A route Vigil cannot add its hook to is labelled at its finish instead.
      }
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
