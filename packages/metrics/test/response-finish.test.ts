import { createServer, request as httpRequest, Agent, IncomingMessage, ServerResponse, type RequestListener, type Server } from 'node:http';
import { connect, Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { clientClosedStatusCode, handOver, watchUntilFinished, type FinishedResponseSink } from '../src/response-finish.js';

interface Finished {
  readonly context: string;
  readonly status: number;
  readonly durationMs: number;
}

/** A sink that keeps what it is given, labelled by the request's URL. */
function collectingSink(): FinishedResponseSink<string> & { readonly finishes: Finished[] } {
  const finishes: Finished[] = [];
  return { finishes, finished: (context, status, durationMs) => void finishes.push({ context, status, durationMs }) };
}

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

async function listen(handler: RequestListener): Promise<{ readonly server: Server; readonly port: number }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return { server, port: (server.address() as { port: number }).port };
}

/** Waits until `check` holds; bounded. */
async function until(check: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !check(); attempt++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('watchUntilFinished', () => {
  it('times every response of a keep-alive connection to its finish, with one listener on the connection and none on a response', async () => {
    const sink = collectingSink();
    const watched: boolean[] = [];
    const listenersSeen: number[] = [];
    const { server, port } = await listen((request, response) => {
      watched.push(watchUntilFinished(request, response, sink, request.url!));
      listenersSeen.push(response.listenerCount('close'));
      setTimeout(() => response.writeHead(request.url === '/missing' ? 404 : 200).end('x'), 20);
    });
    const connections: Socket[] = [];
    server.on('connection', (socket: Socket) => connections.push(socket));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    closers.push(async () => agent.destroy());
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        httpRequest({ port, host: '127.0.0.1', path, agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode!));
        })
          .on('error', reject)
          .end();
      });
    const closeListenersBefore: number[] = [];
    for (let i = 0; i < 20; i++) {
      await get(i === 7 ? '/missing' : `/items/${i}`);
      closeListenersBefore.push(connections[0]!.listenerCount('close'));
    }
    expect(connections).toHaveLength(1);
    expect(watched).toEqual(new Array(20).fill(true));
    expect(sink.finishes).toHaveLength(20);
    expect(sink.finishes.filter((finish) => finish.status === 404).map((finish) => finish.context)).toEqual(['/missing']);
    // Timed from the watch to the finish: at least most of the handler's 20 ms (libuv's clock may run a little behind).
    expect(sink.finishes.every((finish) => finish.durationMs >= 10)).toBe(true);
    expect(listenersSeen.every((count) => count === 0)).toBe(true);
    // Node's server adds its own listeners to the connection; Vigil's is added once, not per request.
    expect(new Set(closeListenersBefore).size).toBe(1);
  });

  it('counts a response whose client left as 499, once, and the responses before it on that connection with their status', async () => {
    const sink = collectingSink();
    let received!: () => void;
    const abandonedArrived = new Promise<void>((resolve) => (received = resolve));
    let lateResponse: ServerResponse | undefined;
    const { port } = await listen((request, response) => {
      watchUntilFinished(request, response, sink, request.url!);
      if (request.url === '/slow') {
        lateResponse = response;
        received();
      } else {
        response.end('fast');
      }
    });
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => sink.finishes.length === 1);
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await abandonedArrived;
    socket.destroy();
    await until(() => sink.finishes.length === 2);
    // The app answers after the client has gone: no second count.
    lateResponse!.end('late');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sink.finishes.map(({ context, status }) => [context, status])).toEqual([
      ['/fast', 200],
      ['/slow', clientClosedStatusCode],
    ]);
  });

  it('leaves a request pipelined behind an unfinished one to the caller, and still counts the first', async () => {
    const sink = collectingSink();
    const answers: Array<[string, boolean]> = [];
    const { port } = await listen((request, response) => {
      answers.push([request.url!, watchUntilFinished(request, response, sink, request.url!)]);
      setTimeout(() => response.end(request.url), request.url === '/first' ? 30 : 0);
    });
    const socket = connect(port, '127.0.0.1');
    closers.push(async () => socket.destroy());
    let replies = '';
    socket.on('data', (chunk: Buffer) => (replies += chunk.toString()));
    socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n');
    await until(() => replies.includes('/second'));
    await until(() => sink.finishes.length === 1);
    expect(answers).toEqual([
      ['/first', true],
      ['/second', false],
    ]);
    expect(sink.finishes.map(({ context, status }) => [context, status])).toEqual([['/first', 200]]);
  });

  it("leaves to the caller a response that is not its request's own on a real connection, or that another watcher holds", async () => {
    const sink = collectingSink();
    // A socket that is not a net.Socket (light-my-request's, under Fastify's inject()): Node's server
    // never finishes its responses, so nothing would be counted.
    const onMockSocket = new IncomingMessage({} as Socket);
    expect(watchUntilFinished(onMockSocket, new ServerResponse(onMockSocket), sink, 'mock')).toBe(false);
    const request = new IncomingMessage(new Socket());
    expect(watchUntilFinished(request, new ServerResponse(new IncomingMessage(new Socket())), sink, 'another request')).toBe(false);
    // Built by hand over a real socket, as a handler's unit test may: no server will publish its finish.
    expect(watchUntilFinished(request, new ServerResponse(request), sink, 'by hand')).toBe(false);

    const second = collectingSink();
    const results: boolean[] = [];
    const { port } = await listen((request, response) => {
      results.push(watchUntilFinished(request, response, sink, 'first'), watchUntilFinished(request, response, second, 'second'));
      response.end();
    });
    await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(results).toEqual([true, false]);
    await until(() => sink.finishes.length === 1);
    expect(sink.finishes.map((finish) => finish.context)).toEqual(['first']);
    expect(second.finishes).toEqual([]);
  });

  it('does not count or disturb the responses of a server it watches nothing on', async () => {
    const sink = collectingSink();
    const watched = await listen((request, response) => {
      watchUntilFinished(request, response, sink, 'watched');
      response.end('a');
    });
    const other = await listen((_request, response) => void response.writeHead(201).end('b'));
    await (await fetch(`http://127.0.0.1:${watched.port}/`)).text();
    const otherResponse = await fetch(`http://127.0.0.1:${other.port}/`);
    expect([otherResponse.status, await otherResponse.text()]).toEqual([201, 'b']);
    await until(() => sink.finishes.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.finishes.map((finish) => finish.context)).toEqual(['watched']);
  });

  it('hands a watched response to another sink only from the sink that watches it', async () => {
    const first = collectingSink();
    const labelled = collectingSink();
    const stranger = collectingSink();
    const { port } = await listen((request, response) => {
      watchUntilFinished(request, response, first, request.url!);
      if (request.url === '/handed') handOver(response, first, labelled);
      // A sink that does not watch this response cannot take it.
      if (request.url === '/kept') handOver(response, stranger, labelled);
      response.end();
    });
    for (const path of ['/handed', '/kept']) await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
    await until(() => first.finishes.length + labelled.finishes.length === 2);
    expect(labelled.finishes.map((finish) => finish.context)).toEqual(['/handed']);
    expect(first.finishes.map((finish) => finish.context)).toEqual(['/kept']);
    expect(stranger.finishes).toEqual([]);
    // Responses it does not watch (built by hand, or a double with no socket) are left alone.
    const request = new IncomingMessage(new Socket());
    expect(() => handOver(new ServerResponse(request), first, labelled)).not.toThrow();
    expect(() => handOver({} as ServerResponse, first, labelled)).not.toThrow();
  });

  it('keeps the server answering when the sink throws', async () => {
    const throwing: FinishedResponseSink<null> = {
      finished: () => {
        throw new Error('sink broke');
      },
    };
    const { port } = await listen((request, response) => {
      watchUntilFinished(request, response, throwing, null);
      response.end('still here');
    });
    for (let i = 0; i < 3; i++) expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('still here');
  });
});
