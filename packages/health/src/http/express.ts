import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Health } from '../health.js';
import { healthHandler } from './node.js';
import type { HealthEndpointOptions } from './responses.js';

/**
 * Express middleware (`app.use(expressHealth(health))`). Express's request and response
 * extend node's, so this is the node:http handler with `next()` for other paths; typed
 * structurally so Express stays an optional dependency.
 */
export function expressHealth(
  health: Health,
  options: HealthEndpointOptions = {},
): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  const handle = healthHandler(health, options);
  return (req, res, next) => {
    if (!handle(req, res)) next();
  };
}
