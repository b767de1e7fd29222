// undici's ProxyAgent, made to fail instead of spinning when a proxy hangs up during CONNECT.
//
// undici 7 (through 7.30.2) passes the proxy's socket error (UND_ERR_SOCKET) straight to the client,
// which treats it as recoverable and reconnects in a tight loop, hundreds of CONNECTs a second, while
// the request never settles and its abort signal is ignored (nodejs/undici#3897, fixed upstream by
// #5441 in 8.x). We wrap that error in one with another code so the request fails, and the client
// retries through the next proxy.
import { type Dispatcher, Pool, ProxyAgent } from 'undici';

/** A socket failure while opening the tunnel through a proxy (code as in undici's later fix). */
export class ProxyTunnelError extends Error {
  readonly code = 'UND_ERR_PRX_CONN';
  constructor(cause: unknown) {
    super(`the proxy closed the connection while opening the tunnel: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'ProxyTunnelError';
  }
}

export function createProxyAgent(uri: string, options: { keepAliveTimeout?: number; keepAliveMaxTimeout?: number } = {}): ProxyAgent {
  return new ProxyAgent({
    uri,
    ...options,
    clientFactory: (origin: URL, opts: object): Dispatcher => {
      const pool = new Pool(origin, opts);
      const connect = pool.connect.bind(pool) as (params: Dispatcher.ConnectOptions) => Promise<Dispatcher.ConnectData>;
      // ProxyAgent only uses the promise form of connect().
      (pool as unknown as { connect: typeof connect }).connect = async (params) => {
        try {
          return await connect(params);
        } catch (error) {
          if ((error as { code?: string })?.code === 'UND_ERR_SOCKET') throw new ProxyTunnelError(error);
          throw error;
        }
      };
      return pool;
    },
  });
}
