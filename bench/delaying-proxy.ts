import { connect, createServer, type Server, type Socket } from 'node:net';

export interface DelayingProxy {
  url: string;
  close(): Promise<void>;
}

// A TCP proxy that delivers every chunk `delayMs` after it arrived, in each direction, in order: a long link in
// front of a server on localhost. Chunks in flight overlap, as on a real link (one held per chunk in turn would
// cost a response cut into two writes, nginx's header then its sendfile body, two delays instead of one). Being
// below TLS, it treats HTTP/1.1 and HTTP/2 alike.
export async function delayingProxy(target: URL, delayMs: number): Promise<DelayingProxy> {
  const sockets = new Set<Socket>();
  const relay = (from: Socket, to: Socket) => {
    let delivered = Promise.resolve();
    from.on('data', (chunk) => {
      const due = Date.now() + delayMs;
      delivered = delivered
        .then(() => new Promise<void>((done) => setTimeout(done, Math.max(0, due - Date.now()))))
        .then(() => {
          if (!to.destroyed) to.write(chunk);
        });
    });
    from.on('end', () => void delivered.then(() => to.end()));
    from.on('error', () => to.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    relay(client, upstream);
    relay(upstream, client);
    const forget = () => sockets.delete(client) && sockets.delete(upstream);
    client.on('close', forget);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${target.protocol}//127.0.0.1:${port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((done) => server.close(() => done()));
    },
  };
}
