import { maskSecrets, maskUrl } from '../secrets.js';

export const exitCodes = { healthy: 0, warning: 1, critical: 2 } as const;

export interface HealthcheckArgs {
  readonly url: string;
  readonly timeoutMs: number;
  /** Sent as `Authorization: Bearer` (from $VIGIL_HEALTHCHECK_TOKEN) when /health is token-protected. */
  readonly token?: string;
}

/** The most of a response body the probe reads; a health report is a few kB. */
export const maxBodyBytes = 64 * 1024;
/** Longest line printed per failing check. */
const maxLineChars = 300;

export const usage = `usage: vigil-healthcheck [URL] [--url URL] [--timeout MS|Ns]
  Queries a service's /health and exits 0 healthy, 1 warning, 2 critical (also when it does not
  answer within the timeout). URL defaults to $VIGIL_HEALTHCHECK_URL, else http://127.0.0.1:$PORT/health
  (PORT defaults to 3000). Timeout defaults to 5s. $VIGIL_HEALTHCHECK_TOKEN is sent as a bearer
  token when set.`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): HealthcheckArgs {
  let url: string | undefined;
  let timeoutMs = 5000;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      i += 1;
      return next;
    };
    if (flag === '--url') url = value();
    else if (flag === '--timeout') timeoutMs = parseDuration(value());
    else if (flag === '--help' || flag === '-h') throw new UsageError('');
    else if (!flag.startsWith('-') && url === undefined) url = flag;
    else throw new UsageError(`unknown argument ${JSON.stringify(maskSecrets(arg))}`);
  }
  url ??= env.VIGIL_HEALTHCHECK_URL ?? `http://127.0.0.1:${env.PORT || '3000'}/health`;
  try {
    new URL(url);
  } catch {
    throw new UsageError(`not an absolute URL: ${JSON.stringify(maskUrl(url))}`);
  }
  const token = env.VIGIL_HEALTHCHECK_TOKEN;
  return token ? { url, timeoutMs, token } : { url, timeoutMs };
}

/**
 * What a service said, made safe to print: control characters (terminal escapes, newlines that
 * would forge extra lines) become `?`, secrets are masked, and the text is cut to a line's length.
 */
export function printable(text: string, maxChars = maxLineChars): string {
  const clean = maskSecrets(text).replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '?');
  return clean.length > maxChars ? `${clean.slice(0, maxChars - 3)}...` : clean;
}

class BodyTooLarge extends Error {}

/** Reads at most maxBodyBytes of the body; a larger one is abandoned at the limit. */
async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--timeout must be milliseconds or a number followed by "s", got ${JSON.stringify(text)}`);
  const value = Number(match[1]) * (match[2] === 's' ? 1000 : 1);
  if (!(value > 0)) throw new UsageError(`--timeout must be positive, got ${JSON.stringify(text)}`);
  return value;
}

interface CheckSummary {
  name?: unknown;
  criticality?: unknown;
  status?: unknown;
  error?: unknown;
}

/**
 * Exit code and the lines to print (one per failing check). Never rejects; never waits past
 * `budgetMs` (default the timeout).
 */
export async function runHealthcheck(
  args: HealthcheckArgs,
  budgetMs = args.timeoutMs,
): Promise<{ code: number; lines: string[] }> {
  const shown = printable(maskUrl(args.url));
  let response: Response;
  let text: string;
  try {
    const signal = AbortSignal.timeout(Math.max(1, budgetMs));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (args.token) headers.authorization = `Bearer ${args.token}`;
    response = await fetch(args.url, { signal, headers });
    text = await readCapped(response);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      return { code: exitCodes.critical, lines: [`critical: ${shown} answered a body larger than ${maxBodyBytes} bytes`] };
    }
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { code: exitCodes.critical, lines: [`critical: no answer from ${shown} within ${args.timeoutMs}ms`] };
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return { code: exitCodes.critical, lines: [`critical: cannot reach ${shown}: ${printable(reason)}`] };
  }

  const httpOk = response.status >= 200 && response.status < 300;
  let body: { status?: unknown; checks?: unknown; shuttingDown?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
    if (typeof body !== 'object' || body === null) throw new TypeError('not an object');
  } catch {
    return { code: exitCodes.critical, lines: [`critical: ${shown} answered HTTP ${response.status} without a JSON health report`] };
  }
  const lines: string[] = [];
  if (body.shuttingDown === true) lines.push('critical: the service is shutting down');
  const checks = Array.isArray(body.checks) ? (body.checks as CheckSummary[]) : [];
  for (const check of checks.slice(0, 50)) {
    if (check === null || typeof check !== 'object' || check.status === 'pass') continue;
    const level = check.criticality === 'warning' ? 'warning' : 'critical';
    lines.push(`${level}: ${printable(String(check.name), 80)}: ${printable(String(check.error ?? 'failing'))}`);
  }
  // A non-2xx answer fails whatever its body says: a proxy's error page or a stale report is no pass.
  if (!httpOk) {
    if (body.status !== 'fail' || lines.length === 0) lines.push(`critical: ${shown} answered HTTP ${response.status}`);
    return { code: exitCodes.critical, lines };
  }
  switch (body.status) {
    case 'pass':
      return { code: exitCodes.healthy, lines };
    case 'warn':
      return { code: exitCodes.warning, lines };
    case 'fail':
      if (lines.length === 0) lines.push(`critical: ${shown} reports status fail (HTTP ${response.status})`);
      return { code: exitCodes.critical, lines };
    default:
      return { code: exitCodes.critical, lines: [...lines, `critical: ${shown} answered HTTP ${response.status} with no known status`] };
  }
}

/** Entry point of the `vigil-healthcheck` bin. */
export async function main(argv: readonly string[]): Promise<never> {
  let args: HealthcheckArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message ? `vigil-healthcheck: ${error.message}\n` : ''}${usage}\n`);
      process.exit(error.message ? exitCodes.critical : exitCodes.healthy);
    }
    throw error;
  }
  // The timeout counts from process start, as a container runtime's HEALTHCHECK timeout does.
  const budgetMs = Math.max(50, args.timeoutMs - Math.round(process.uptime() * 1000) - 25);
  // Belt and braces: whatever happens inside fetch, the process answers within its timeout.
  const guard = setTimeout(() => {
    process.stdout.write(`critical: no answer from ${printable(maskUrl(args.url))} within ${args.timeoutMs}ms\n`);
    process.exit(exitCodes.critical);
  }, budgetMs + 20);
  const { code, lines } = await runHealthcheck(args, budgetMs);
  clearTimeout(guard);
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(code);
}
