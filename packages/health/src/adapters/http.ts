import type { Criticality, HealthCheck } from '../checks.js';
import { maskUrl, registerSecret } from '../secrets.js';

export interface HttpCheckOptions {
  readonly name: string;
  readonly url: string;
  /** Default `GET`. */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Which statuses count as healthy. Default: 200-399. */
  readonly expectStatus?: (status: number) => boolean;
  readonly timeoutMs?: number;
  readonly criticality?: Criticality;
  readonly cacheTtlMs?: number;
}

/** Checks an HTTP dependency. Credentials in the URL or headers are never echoed in errors. */
export function httpCheck(options: HttpCheckOptions): HealthCheck {
  let parsed: URL;
  try {
    parsed = new URL(options.url);
  } catch {
    throw new TypeError(`@vigil/health: httpCheck "${options.name}": url must be an absolute URL, got ${maskUrl(String(options.url))}`);
  }
  const expectStatus = options.expectStatus ?? ((status: number) => status >= 200 && status < 400);
  const method = options.method ?? 'GET';
  const shown = maskUrl(parsed.href);
  // fetch refuses URLs with credentials: send them as Basic authentication instead.
  const headers: Record<string, string> = { ...options.headers };
  if (parsed.username || parsed.password) {
    const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    registerSecret(decodeURIComponent(parsed.password));
    headers.authorization ??= `Basic ${Buffer.from(credentials).toString('base64')}`;
    parsed = new URL(parsed.href);
    parsed.username = '';
    parsed.password = '';
  }
  for (const [name, value] of Object.entries(headers)) {
    if (/^(authorization|x-api-key|api-key|x-auth-token)$/i.test(name)) registerSecret(value.replace(/^(bearer|basic)\s+/i, ''));
  }
  return {
    name: options.name,
    criticality: options.criticality ?? 'critical',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.cacheTtlMs === undefined ? {} : { cacheTtlMs: options.cacheTtlMs }),
    async run(signal) {
      let response: Response;
      try {
        response = await fetch(parsed, { method, headers, signal, redirect: 'manual' });
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        const reason = cause instanceof Error ? cause.message || (cause as { code?: string }).code : undefined;
        throw new Error(`${method} ${shown}: ${reason ?? (error instanceof Error ? error.message : String(error))}`);
      }
      // Release the connection; the body is not needed.
      await response.body?.cancel().catch(() => undefined);
      if (!expectStatus(response.status)) throw new Error(`${method} ${shown} answered ${response.status}`);
      return { details: { status: response.status } };
    },
  };
}
