import { createServer, type Server, type Socket } from 'node:net';

/** A TCP server on 127.0.0.1 that accepts connections and never answers: a hung dependency. */
export interface SilentServer {
  readonly port: number;
  /** Connections open right now. */
  readonly open: number;
  /** Connections accepted since start. */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    // Read and drop what arrives: a paused socket would never see the client's FIN.
    socket.resume();
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('silent server has no TCP address');
  return {
    port: address.port,
    get open() {
      return sockets.size;
    },
    get accepted() {
      return accepted;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
