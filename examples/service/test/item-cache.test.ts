import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/index.js';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  children.push(child);
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return child;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('redis-server did not start');
}

const sample = (text: string, outcome: string): number => {
  const line = text.split('\n').find((entry) => entry.startsWith('circuit_breaker_calls_total{') && entry.includes('breaker="redis"') && entry.includes(`outcome="${outcome}"`));
  return line === undefined ? Number.NaN : Number(line.split(' ').at(-1));
};

describe('item cache behind a circuit breaker', () => {
  it('reads through real Redis, and keeps answering from memory when Redis dies', async () => {
    const port = await freePort();
    const server = await startRedis(port);
    const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 1_000, enableOfflineQueue: false });
    redis.on('error', () => {});
    await redis.connect();
    const app = createApp({ redis });
    const base = await app.listen(0, '127.0.0.1');
    try {
      expect((await fetch(`${base}/api/items/7`)).status).toBe(200);
      expect(await redis.get('item:7')).toBe(JSON.stringify({ id: '7', name: 'item 7' }));
      expect((await fetch(`${base}/api/items/7`)).status).toBe(200);

      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
      // Redis is gone: every request still answers, from the in-memory fallback, and the breaker opens.
      for (let i = 0; i < 20; i++) expect((await fetch(`${base}/api/items/7`)).status).toBe(200);
      const scraped = await (await fetch(`${base}/metrics`)).text();
      expect(scraped).toMatch(/^circuit_breaker_state\{breaker="redis",.*\} 2$/m);
      expect(sample(scraped, 'success')).toBeGreaterThanOrEqual(2);
      expect(sample(scraped, 'failure')).toBeGreaterThanOrEqual(1);
      expect(sample(scraped, 'rejected')).toBeGreaterThanOrEqual(1);
      expect(sample(scraped, 'fallback')).toBe(sample(scraped, 'failure') + sample(scraped, 'timeout') + sample(scraped, 'rejected'));
      expect(scraped).toMatch(/^circuit_breaker_transitions_total\{breaker="redis",to="open",.*\} 1$/m);
    } finally {
      await app.close();
      redis.disconnect();
    }
  });
});
