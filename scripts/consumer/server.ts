// src/server.ts: a plain node:http service with Vigil's RED metrics, /metrics and health endpoints.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Counter } from 'prom-client';
import { createVigilMetrics } from '@vigil/metrics';
import { createHealth, gracefulShutdown, healthHandler } from '@vigil/health';

const metrics = createVigilMetrics({ defaultLabels: { service: 'my-service', version: '1.0.0' } });
const orders = metrics.pipeline('orders', { itemType: 'order', source: 'api', requiredFields: ['id'] });
const health = createHealth({ version: '1.0.0', checks: [{ name: 'self', run: () => undefined }] });
const handleHealth = healthHandler(health);
// The service's own metric, on prom-client's global registry next to Vigil's; its alert is in
// the spec's extraRules.
const ordersRejected = new Counter({ name: 'orders_rejected_total', help: 'Orders refused by validation.', labelNames: ['service'] });
ordersRejected.inc({ service: 'my-service' }, 0);

const placeOrder = metrics.timed('orders.place', (id: string) => {
  orders.created({ id });
  return { id };
});

function app(request: IncomingMessage, response: ServerResponse): void {
  if (request.url === '/orders' && request.method === 'POST') {
    response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(placeOrder(String(Date.now()))));
    return;
  }
  response.writeHead(404).end();
}

const instrumented = metrics.httpHandler(app, { routes: ['/orders'] });
const server = createServer((request, response) => {
  if (request.url === '/metrics') return void metrics.metricsHandler(request, response);
  if (handleHealth(request, response)) return;
  instrumented(request, response);
});

gracefulShutdown({ health, servers: [server] });
const port = Number(process.env['PORT'] ?? 3000);
server.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
