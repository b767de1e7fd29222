// A tiny HTTP proxy for tests on 127.0.0.1:0: tunnels CONNECT requests (what undici's ProxyAgent sends)
// and forwards absolute-URI requests, records every CONNECT, and can be told to refuse or drop them.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

export interface ProxyHit {
  /** `host:port` the client asked to reach. */
  target: string;
  at: number;
  /** Arrival order across every fake proxy of this process (`at` has only millisecond resolution). */
  seq: number;
  /** The Proxy-Authorization header, to check credentials from the proxy URL arrive. */
  auth?: string;
}

export type ProxyMode = 'ok' | 'refuse' | 'drop' | 'hang' | 'banned';

let arrivals = 0;
/** What a banned exit gets (the site's page, not the proxy's). */
const BANNED = '<html><body>Access denied</body></html>';

export class FakeProxy {
  readonly hits: ProxyHit[] = [];
  /**
   * 'refuse' answers CONNECT with 403, 'drop' closes the connection without a word, 'hang' never answers,
   * 'banned' opens the tunnel but every request through it gets the site's 403 (Kaspi banning this exit IP).
   */
  mode: ProxyMode = 'ok';
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The proxy URL with credentials, e.g. `http://user:pass@127.0.0.1:port`. */
  urlWithAuth(user: string, password: string): string {
    return `http://${user}:${password}@127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => this.forward(req, res));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => this.tunnel(req, client, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private tunnel(req: IncomingMessage, client: Socket, head: Buffer): void {
    this.hits.push({ target: req.url ?? '', at: Date.now(), seq: ++arrivals, auth: req.headers['proxy-authorization'] });
    if (this.mode === 'drop') return void client.destroy();
    if (this.mode === 'hang') return;
    if (this.mode === 'refuse') return void client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
    if (this.mode === 'banned') {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      const banned = () =>
        client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/html\r\ncontent-length: ${BANNED.length}\r\nconnection: close\r\n\r\n${BANNED}`);
      if (head.length) banned();
      else client.once('data', banned);
      client.on('error', () => {});
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    this.sockets.add(upstream);
    upstream.on('close', () => this.sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  }

  private forward(req: IncomingMessage, res: import('node:http').ServerResponse): void {
    const target = new URL(req.url ?? '/');
    this.hits.push({ target: target.host, at: Date.now(), seq: ++arrivals, auth: req.headers['proxy-authorization'] });
    if (this.mode === 'drop') return void req.socket.destroy();
    if (this.mode === 'hang') return;
    if (this.mode === 'refuse') return void res.writeHead(403).end();
    if (this.mode === 'banned') return void res.writeHead(403, { 'content-type': 'text/html' }).end(BANNED);
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}

export async function startFakeProxy(): Promise<FakeProxy> {
  return new FakeProxy().start();
}
