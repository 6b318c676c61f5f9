import type { Health } from '../health.js';
import { checkEndpointOptions, healthResponse, isAuthorized, responseHeaders, type HealthEndpoint, type HealthEndpointOptions } from './responses.js';

/** The parts of a Fastify reply used here. */
export interface FastifyReplyLike {
  code(statusCode: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload: string): unknown;
}

/** The parts of a Fastify request used here. */
export interface FastifyRequestLike {
  readonly headers: { readonly authorization?: string | string[] | undefined };
}

/** The parts of a Fastify instance used here; typed structurally so Fastify stays optional. */
export interface FastifyLike {
  get(path: string, handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>): unknown;
}

/** Registers `/health`, `/health/live` and `/health/ready` (GET, and HEAD through Fastify's exposeHeadRoutes). */
export function fastifyHealth(app: FastifyLike, health: Health, options: HealthEndpointOptions = {}): void {
  checkEndpointOptions(options);
  const base = (options.basePath ?? '/health').replace(/\/$/, '');
  const routes: ReadonlyArray<readonly [string, HealthEndpoint]> = [
    [base, 'diagnostics'],
    [`${base}/live`, 'live'],
    [`${base}/ready`, 'ready'],
  ];
  for (const [path, endpoint] of routes) {
    app.get(path, async (request, reply) => {
      const detailed = isAuthorized(request.headers.authorization, options.token);
      const { statusCode, body } = await healthResponse(health, endpoint, detailed);
      // Serialised here so Fastify's default serialiser cannot reshape the report.
      return reply.code(statusCode).headers({ ...responseHeaders }).send(JSON.stringify(body));
    });
  }
}
