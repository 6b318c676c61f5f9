import { maskSecrets, maskUrl } from '../secrets.js';

export const exitCodes = { healthy: 0, warning: 1, critical: 2 } as const;

export interface HealthcheckArgs {
  readonly url: string;
  readonly timeoutMs: number;
}

export const usage = `usage: vigil-healthcheck [URL] [--url URL] [--timeout MS|Ns]
  Queries a service's /health and exits 0 healthy, 1 warning, 2 critical (also when it does not
  answer within the timeout). URL defaults to $VIGIL_HEALTHCHECK_URL, else http://127.0.0.1:$PORT/health
  (PORT defaults to 3000). Timeout defaults to 5s.`;

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
  return { url, timeoutMs };
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
  const shown = maskUrl(args.url);
  let response: Response;
  let text: string;
  try {
    const signal = AbortSignal.timeout(Math.max(1, budgetMs));
    response = await fetch(args.url, { signal, headers: { accept: 'application/json' } });
    text = await response.text();
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { code: exitCodes.critical, lines: [`critical: no answer from ${shown} within ${args.timeoutMs}ms`] };
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
    return { code: exitCodes.critical, lines: [`critical: cannot reach ${shown}: ${maskSecrets(reason)}`] };
  }

  let body: { status?: unknown; checks?: unknown; shuttingDown?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { code: exitCodes.critical, lines: [`critical: ${shown} answered ${response.status} without a JSON health report`] };
  }
  const lines: string[] = [];
  if (body.shuttingDown === true) lines.push('critical: the service is shutting down');
  const checks = Array.isArray(body.checks) ? (body.checks as CheckSummary[]) : [];
  for (const check of checks) {
    if (check.status === 'pass') continue;
    const level = check.criticality === 'warning' ? 'warning' : 'critical';
    lines.push(`${level}: ${String(check.name)}: ${maskSecrets(String(check.error ?? 'failing'))}`);
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
      return { code: exitCodes.critical, lines: [...lines, `critical: ${shown} answered ${response.status} with no known status`] };
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
    process.stdout.write(`critical: no answer from ${maskUrl(args.url)} within ${args.timeoutMs}ms\n`);
    process.exit(exitCodes.critical);
  }, budgetMs + 20);
  const { code, lines } = await runHealthcheck(args, budgetMs);
  clearTimeout(guard);
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(code);
}
