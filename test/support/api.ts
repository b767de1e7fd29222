// An `mp serve` API server on 127.0.0.1:0 for HTTP tests, and tokens for it (any user, any scopes).
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { createApiToken } from '../../src/serve/api-tokens.service.js';
import { type ApiOptions, type ApiServer, createApiServer } from '../../src/serve/server.js';
import { TEST_SECRET_KEY } from './payouts-seed.js';

export interface TestApi {
  base: string;
  server: ApiServer;
  close(): Promise<void>;
}

export async function startApi(db: Kysely<Database>, options: ApiOptions = {}): Promise<TestApi> {
  const server = createApiServer(db, { accessLog: null, secretKey: TEST_SECRET_KEY, ...options });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let n = 0;
/** A new token's `Authorization` header value for `user` (default "tester") with `scopes`. */
export async function bearer(db: Kysely<Database>, scopes: string[] = ['read', 'write', 'payouts'], user = 'tester', rate = 100_000): Promise<string> {
  const t = await createApiToken(db, { userName: user, name: `test-${process.pid}-${++n}`, scopes, rate });
  return `Bearer ${t.token}`;
}
