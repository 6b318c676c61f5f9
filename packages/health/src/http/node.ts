import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Health } from '../health.js';
import { healthResponse, matchEndpoint, responseHeaders, type HealthEndpointOptions } from './responses.js';

/**
 * A node:http handler for `/health`, `/health/live` and `/health/ready`. Returns true when
 * the request was one of them (and will be answered), false to let the caller route it.
 */
export function healthHandler(
  health: Health,
  options: HealthEndpointOptions = {},
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const endpoint = matchEndpoint(req.url, options.basePath);
    if (!endpoint) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...responseHeaders, allow: 'GET, HEAD' }).end(JSON.stringify({ error: 'method not allowed' }));
      return true;
    }
    void healthResponse(health, endpoint).then(({ statusCode, body }) => {
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
