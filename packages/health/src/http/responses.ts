import { createHash, timingSafeEqual } from 'node:crypto';
import type { Health } from '../health.js';
import { describeError } from '../secrets.js';

export interface HealthEndpointOptions {
  /** Prefix of the three endpoints. Default `/health` (`/health`, `/health/live`, `/health/ready`). */
  readonly basePath?: string;
  /**
   * When set, only a request with `Authorization: Bearer <token>` gets the detailed reports
   * (check names and errors, pool figures, memory, pid, version); any other request gets
   * `{ "status": ... }` with the same status code, which is all an orchestrator needs.
   */
  readonly token?: string;
}

export interface HealthResponse {
  readonly statusCode: number;
  readonly body: unknown;
}

export type HealthEndpoint = 'live' | 'ready' | 'diagnostics';

/** Which endpoint a request path names, ignoring the query string and a trailing slash. */
export function matchEndpoint(url: string | undefined, basePath = '/health'): HealthEndpoint | undefined {
  if (!url) return undefined;
  const queryAt = url.indexOf('?');
  let path = queryAt === -1 ? url : url.slice(0, queryAt);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const base = basePath.endsWith('/') ? basePath.slice(0, -1) : basePath;
  if (path === base) return 'diagnostics';
  if (path === `${base}/live`) return 'live';
  if (path === `${base}/ready`) return 'ready';
  return undefined;
}

/** Rejects an empty token at set-up: it would look protected and protect nothing. */
export function checkEndpointOptions(options: HealthEndpointOptions): void {
  if (options.token !== undefined && (typeof options.token !== 'string' || options.token.length < 16)) {
    throw new TypeError('@vigil/health: the health endpoint token must be a string of at least 16 characters');
  }
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * True when no token is configured, or the Authorization header carries it. Compared through
 * fixed-length digests in constant time, so the answer time says nothing about the token.
 */
export function isAuthorized(authorization: string | string[] | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return false;
  return timingSafeEqual(digest(match[1] as string), digest(token));
}

/**
 * The status code and JSON body of an endpoint; never rejects (a failure becomes a masked 500).
 * Without `detailed`, the body is the status alone.
 */
export async function healthResponse(health: Health, endpoint: HealthEndpoint, detailed = true): Promise<HealthResponse> {
  const answer = (statusCode: number, body: { status: string }): HealthResponse => ({
    statusCode,
    body: detailed ? body : { status: body.status },
  });
  try {
    switch (endpoint) {
      case 'live': {
        const report = health.live();
        return answer(report.status === 'pass' ? 200 : 503, report);
      }
      case 'ready': {
        const report = await health.ready();
        return answer(report.status === 'pass' ? 200 : 503, report);
      }
      case 'diagnostics': {
        const report = await health.diagnostics();
        return answer(report.status === 'fail' ? 503 : 200, report);
      }
    }
  } catch (error) {
    const failure = { status: 'fail', error: describeError(error) };
    return answer(500, failure);
  }
}

export const responseHeaders = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
} as const;
