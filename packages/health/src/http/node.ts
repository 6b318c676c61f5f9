import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { Health } from '../health.js';
import {
  checkEndpointOptions,
  healthResponse,
  isAuthorized,
  matchEndpoint,
  responseHeaders,
  type HealthEndpointOptions,
} from './responses.js';

/**
 * A node:http handler for `/health`, `/health/live` and `/health/ready`. Returns true when
 * the request was one of them (and will be answered), false to let the caller route it.
 */
export function healthHandler(
  health: Health,
  options: HealthEndpointOptions = {},
): (req: IncomingMessage, res: ServerResponse) => boolean {
  checkEndpointOptions(options);
  return (req, res) => {
    const endpoint = matchEndpoint(req.url, options.basePath);
    if (!endpoint) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...responseHeaders, allow: 'GET, HEAD' }).end(JSON.stringify({ error: 'method not allowed' }));
      return true;
    }
    const detailed = isAuthorized(req.headers.authorization, options.token);
    void healthResponse(health, endpoint, detailed).then(({ statusCode, body }) => {
      if (res.writableEnded || res.destroyed) return;
      const json = JSON.stringify(body);
      res.writeHead(statusCode, { ...responseHeaders, 'content-length': Buffer.byteLength(json) });
      res.end(req.method === 'HEAD' ? undefined : json);
    });
    return true;
  };
}

/** A complete request listener: the health endpoints, 404 for anything else (for a dedicated health port). */
export function healthListener(health: Health, options: HealthEndpointOptions = {}): RequestListener {
  const handle = healthHandler(health, options);
  return (req, res) => {
    if (!handle(req, res)) res.writeHead(404, responseHeaders).end(JSON.stringify({ error: 'not found' }));
  };
}

export interface HealthServerOptions extends HealthEndpointOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * Default 127.0.0.1: reachable by a container's own HEALTHCHECK and by sidecars, not from
   * outside. Use 0.0.0.0 (or the pod IP) for Kubernetes httpGet probes.
   */
  readonly host?: string;
}

/**
 * Serves the health endpoints on their own port, apart from the API, so the API port need not
 * expose diagnostics and a firewall or network policy can treat them separately.
 */
export async function listenHealth(health: Health, options: HealthServerOptions): Promise<Server> {
  const server = createServer(healthListener(health, options));
  // Probes are small GETs: a client that holds a connection without sending a request is cut early.
  server.headersTimeout = 5_000;
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
