import type { Health } from '../health.js';
import { describeError } from '../secrets.js';

export interface HealthEndpointOptions {
  /** Prefix of the three endpoints. Default `/health` (`/health`, `/health/live`, `/health/ready`). */
  readonly basePath?: string;
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

/** The status code and JSON body of an endpoint; never rejects (a failure becomes a masked 500). */
export async function healthResponse(health: Health, endpoint: HealthEndpoint): Promise<HealthResponse> {
  try {
    switch (endpoint) {
      case 'live': {
        const report = health.live();
        return { statusCode: report.status === 'pass' ? 200 : 503, body: report };
      }
      case 'ready': {
        const report = await health.ready();
        return { statusCode: report.status === 'pass' ? 200 : 503, body: report };
      }
      case 'diagnostics': {
        const report = await health.diagnostics();
        return { statusCode: report.status === 'fail' ? 503 : 200, body: report };
      }
    }
  } catch (error) {
    return { statusCode: 500, body: { status: 'fail', error: describeError(error) } };
  }
}

export const responseHeaders = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
} as const;
