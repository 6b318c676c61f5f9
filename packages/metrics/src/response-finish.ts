/**
 * Times responses of Node's HTTP server without a listener on each response.
 *
 * Node's HTTP server publishes every response it finishes on the `http.server.response.finish`
 * diagnostics channel, with the request, the response and the connection (in every Node version this
 * package supports). Watching a response is four writes on its connection; its finish reaches one
 * subscriber for the whole process. A 'close' listener per response cost more than the rest of the
 * measurement on a small request: `on()` writes Node's per-response listener table through V8's
 * generic keyed store, and 'close' then calls the listener through EventEmitter's dispatch.
 *
 * A response whose client goes away first never finishes. Its connection's 'close' counts it instead:
 * one listener per connection, added on the connection's first watched request, so a keep-alive
 * connection that serves thousands of requests has one.
 *
 * What this leaves to the caller (who falls back to a 'close' listener on the response): a response
 * that is not the ServerResponse of its own request on a connection of Node's server (a test double,
 * one built by hand, light-my-request's `inject()`, HTTP/2's compatibility API), one that another
 * watcher holds (two Vigil instances wrapping one handler), and a request pipelined behind a response
 * that has not finished.
 *
 * Once anything is watched, every HTTP server of the process publishes its finishes, watched or not:
 * an object and a call per response, which the subscriber passes over with one comparison.
 */
import { subscribe } from 'node:diagnostics_channel';
import { ServerResponse, type IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { monotonicMs } from './clock.js';

/** `status` of a response whose client went away before it finished (nginx's 499). */
export const clientClosedStatusCode = 499;

/** Where a watched response's measurement goes. Called once per response; must not throw. */
export interface FinishedResponseSink<C> {
  finished(context: C, status: number, durationMs: number): void;
}

const servingKey = Symbol('vigil.http.serving');
const sinkKey = Symbol('vigil.http.sink');
const contextKey = Symbol('vigil.http.context');
const startKey = Symbol('vigil.http.start');

/**
 * What is watched is kept on the connection, not on the response: a connection serves one response
 * at a time, its hidden class settles after its first request, and Express gives every response a
 * prototype (and so a hidden class) of its own, which makes each write to one a slow lookup.
 *
 * A response is counted only while it is the one its connection is serving, and stops being that
 * when it is counted: so each is counted once, by its finish or by its connection's close,
 * whichever comes first.
 */
interface ServedSocket extends Socket {
  /** The watched response the connection is serving; null between responses. Absent until its first. */
  [servingKey]?: ServerResponse | null;
  [sinkKey]: FinishedResponseSink<unknown>;
  [contextKey]: unknown;
  [startKey]: number;
}

/** The channel's message for a finished response (Node's `resOnFinish`). */
interface ResponseFinishMessage {
  readonly response: ServerResponse;
  readonly socket: ServedSocket;
}

let subscribed = false;

/**
 * Starts timing `response` now and returns true, or returns false when it cannot be watched here
 * (see above) and the caller must watch it itself. Never throws.
 */
export function watchUntilFinished<C>(request: IncomingMessage, response: ServerResponse, sink: FinishedResponseSink<C>, context: C): boolean {
  const socket = request.socket as ServedSocket | null;
  if (!(response instanceof ServerResponse) || response.req !== request || socket === null) return false;
  const serving = socket[servingKey];
  if (serving === undefined) {
    // The connection's first watched request. Only Node's HTTP server publishes finishes, and it
    // hands a response to the app already on its connection; a response built by hand has none.
    if (!(socket instanceof Socket) || response.socket !== socket) return false;
    if (!subscribed) {
      subscribe('http.server.response.finish', responseFinished);
      subscribed = true;
    }
    socket.on('close', connectionClosed);
  } else if (serving !== null) {
    // Pipelined behind a response that has not finished, or this response, watched already.
    return false;
  }
  // The same order every time, so every connection takes the same hidden-class steps.
  socket[servingKey] = response;
  socket[sinkKey] = sink as FinishedResponseSink<unknown>;
  socket[contextKey] = context;
  socket[startKey] = monotonicMs();
  return true;
}

/**
 * Hands `response` from `from` to `to` if `from` is watching it here: a hook that runs after the watch
 * began and knows more (the Fastify route the request matched) names the sink that labels it. A
 * response watched by a 'close' listener, or by another sink, is left as it is. Never throws.
 */
export function handOver<C>(response: ServerResponse, from: FinishedResponseSink<C>, to: FinishedResponseSink<C>): void {
  // Optional: a response that is not Node's (a test double) may have no `socket` at all.
  const socket = response.socket as ServedSocket | null | undefined;
  if (socket?.[servingKey] === response && socket[sinkKey] === from) socket[sinkKey] = to as FinishedResponseSink<unknown>;
}

function responseFinished(message: unknown): void {
  try {
    const { response, socket } = message as ResponseFinishMessage;
    // Also how the responses of servers that watch nothing are passed over.
    if (socket[servingKey] === response) count(socket, response.statusCode);
  } catch {
    // A throw here would reach Node's HTTP server.
  }
}

function connectionClosed(this: ServedSocket): void {
  try {
    const response = this[servingKey];
    if (response !== null && response !== undefined) count(this, response.writableFinished ? response.statusCode : clientClosedStatusCode);
  } catch {
    // See responseFinished.
  }
}

function count(socket: ServedSocket, status: number): void {
  const end = monotonicMs();
  const context = socket[contextKey];
  socket[servingKey] = null;
  // Not kept past its response: an idle keep-alive connection holds no request.
  socket[contextKey] = undefined;
  socket[sinkKey].finished(context, status, end - socket[startKey]);
}
