import type { Criticality, HealthCheck } from '../checks.js';
import { registerSecret } from '../secrets.js';

/**
 * The parts of an `ioredis` or node-redis (`redis`) client the check uses, typed
 * structurally so this package imports neither (both are optional peer dependencies).
 */
export interface RedisPingable {
  ping(): Promise<unknown>;
  /** ioredis: `ready`, `connecting`, `reconnecting`, `end`, ... */
  readonly status?: string;
  /** node-redis: connected and authenticated. */
  readonly isReady?: boolean;
  readonly isOpen?: boolean;
  readonly options?: unknown;
}

export interface RedisCheckOptions {
  /** Default `redis`. */
  readonly name?: string;
  readonly timeoutMs?: number;
  readonly criticality?: Criticality;
  readonly cacheTtlMs?: number;
}

/**
 * Checks Redis with PING. Both clients queue commands while reconnecting, so a PING during
 * an outage would wait rather than fail: once the client has been seen ready, a lost
 * connection fails the check at once with its state. Before that (a start-up step racing the
 * first connection) the PING is sent and the timeout bounds the wait. A client that was
 * never connected, or was closed, fails at once.
 */
export function redisCheck(client: RedisPingable, options: RedisCheckOptions = {}): HealthCheck {
  registerClientSecrets(client.options);
  let seenReady = false;
  return {
    name: options.name ?? 'redis',
    criticality: options.criticality ?? 'critical',
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.cacheTtlMs === undefined ? {} : { cacheTtlMs: options.cacheTtlMs }),
    async run() {
      const state = connectionState(client);
      if (state === 'ready') seenReady = true;
      else if (seenReady || state === 'end' || state === 'close' || state === 'closed') {
        throw new Error(`redis connection is ${state}`);
      }
      const reply = await client.ping();
      if (reply !== 'PONG') throw new Error(`redis answered PING with ${JSON.stringify(reply)}`);
    },
    details: () => ({ connection: connectionState(client) }),
  };
}

function connectionState(client: RedisPingable): string {
  if (typeof client.status === 'string') return client.status;
  if (typeof client.isReady === 'boolean') {
    if (client.isReady) return 'ready';
    return client.isOpen ? 'reconnecting' : 'closed';
  }
  return 'ready';
}

function registerClientSecrets(options: unknown): void {
  if (!options || typeof options !== 'object') return;
  const { password, url } = options as { password?: unknown; url?: unknown };
  if (typeof password === 'string') registerSecret(password);
  if (typeof url === 'string') {
    try {
      registerSecret(decodeURIComponent(new URL(url).password));
    } catch {
      // Not a URL: nothing to extract.
    }
  }
}
