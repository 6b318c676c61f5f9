/**
 * A scrape target the test can take down: an HTTP server on 127.0.0.1 answering /metrics with one
 * gauge. Stopping it makes `up` 0, the ServiceDown fault, at a moment the test chooses, without
 * running the example service.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetricsTarget {
  /** host:port, for a scrape config's targets. */
  readonly target: string;
  stop(): Promise<void>;
}

export async function startMetricsTarget(): Promise<MetricsTarget> {
  const server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('# HELP e2e_target_up A target the test can stop.\n# TYPE e2e_target_up gauge\ne2e_target_up 1\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopped = false;
  return {
    target: `127.0.0.1:${port}`,
    stop() {
      if (stopped) return Promise.resolve();
      stopped = true;
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
