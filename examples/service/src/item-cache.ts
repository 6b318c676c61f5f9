/**
 * The item cache: Redis when the service has one, behind an opossum circuit breaker whose
 * fallback is an in-memory map, so a Redis outage degrades to a per-process cache instead of
 * failing requests. The breaker is instrumented by @vigil/metrics (`breaker="redis"`).
 */
import CircuitBreaker from 'opossum';
import type { VigilMetrics } from '@vigil/metrics';

/** The two Redis commands the cache uses (ioredis's signatures). */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, mode: 'EX', seconds: number): Promise<unknown>;
}

export interface ItemCache {
  get(id: string): Promise<Record<string, unknown> | undefined>;
  set(id: string, item: Record<string, unknown>): Promise<void>;
  close(): void;
}

/** Entries the in-memory fallback keeps; the oldest goes first. */
const memoryEntries = 1_000;
const ttlSeconds = 60;
/** Redis answers in a millisecond on a healthy network; a slow command counts as a failure. */
const commandTimeoutMs = 250;

class MemoryCache {
  private readonly entries = new Map<string, string>();
  get(key: string): string | null {
    return this.entries.get(key) ?? null;
  }
  set(key: string, value: string): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > memoryEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

export function itemCache(vigil: VigilMetrics, redis: RedisCommands | undefined): ItemCache {
  const memory = new MemoryCache();
  const options = { timeout: commandTimeoutMs, errorThresholdPercentage: 50, volumeThreshold: 5, resetTimeout: 10_000 };
  const read = new CircuitBreaker(async (key: string) => (redis === undefined ? memory.get(key) : await redis.get(key)), { ...options, name: 'redis' });
  read.fallback((key: string) => memory.get(key));
  const write = new CircuitBreaker(
    async (key: string, value: string) => {
      memory.set(key, value);
      if (redis !== undefined) await redis.set(key, value, 'EX', ttlSeconds);
    },
    { ...options, name: 'redis_write' },
  );
  write.fallback(() => undefined);
  const stops = [vigil.instrumentBreaker(read), vigil.instrumentBreaker(write)];
  return {
    async get(id) {
      const raw = await read.fire(`item:${id}`);
      return typeof raw === 'string' ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    },
    async set(id, item) {
      await write.fire(`item:${id}`, JSON.stringify(item));
    },
    close() {
      for (const stop of stops) stop();
      read.shutdown();
      write.shutdown();
    },
  };
}
