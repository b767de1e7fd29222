// The PostgreSQL wire protocol over one PGlite, for many clients (the other mp processes, through
// `pg`). PGlite is one session: a client's statements must not interleave with another's inside a
// transaction or an extended-protocol exchange (Parse … Sync), or one would run in the other's
// transaction, drop its unnamed statement or skip its messages after an error. So a client takes
// the database when it sends something and keeps it until PGlite answers ReadyForQuery "idle" (its
// statement or transaction is over); the others wait their turn in order. (pglite-socket switches
// clients between single messages and only holds the database across BEGIN…COMMIT.)
//
// What a session would hold beyond a turn is kept per client here instead:
// - advisory locks: PGlite's are re-entrant inside its one session, so every client would get every
//   lock. Queries that start with a `/*mp:lock try|unlock|held <hex name>*/` marker are answered here
//   from a table of locks held per connection, released when the connection closes (as PostgreSQL
//   releases a dead session's); see src/db/locks.ts, which sends the same text to PostgreSQL.
// - named prepared statements would clash between clients and outlive them: mp prepares none on
//   the embedded database (src/db/prepared.ts is attached to real PostgreSQL connections only).
// A client that dies holding its turn is rolled back; one idle inside a transaction for longer than
// `idleInTransactionMs` is disconnected (its transaction rolled back), as PostgreSQL's
// idle_in_transaction_session_timeout does, so a stuck process cannot stop everyone.
import type { Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const MARKER = /^\/\*mp:(lock (try|unlock|held) ([0-9a-f]*)|owner)\*\//;
const TEXT_OID = 25;
const BOOL_OID = 16;

export interface OwnerInfo {
  pid: number;
  since: string;
  dataDir: string;
  endpoint: string;
  clients: number;
  pgliteVersion: string;
}

export interface WireServerOptions {
  /** ParameterStatus pairs sent at startup (server_version, TimeZone, …). */
  parameters: Record<string, string>;
  idleInTransactionMs: number;
  info: () => Omit<OwnerInfo, 'clients'>;
  log: (message: string) => void;
}

class Client {
  buffer: Buffer = Buffer.alloc(0);
  started = false;
  closed = false;
  /** Transaction status after the client's last exchange: I, T or E ('?' mid-exchange). */
  status = 'I';
  locks = new Map<string, number>();
  chain: Promise<void> = Promise.resolve();
  idleTimer?: NodeJS.Timeout;
  constructor(
    readonly id: number,
    readonly socket: Socket,
  ) {}
}

export class WireServer {
  private readonly clients = new Set<Client>();
  private holder?: Client;
  private readonly waiting: { client: Client; resolve: () => void }[] = [];
  private readonly lockOwners = new Map<string, Client>();
  private nextId = 1;
  private closing = false;
  lastActivity = Date.now();

  constructor(
    private readonly pglite: PGlite,
    private readonly options: WireServerOptions,
  ) {}

  get connections(): number {
    return this.clients.size;
  }

  /** Serves one accepted connection. */
  attach(socket: Socket): void {
    const client = new Client(this.nextId++, socket);
    this.lastActivity = Date.now();
    if (this.closing) {
      socket.end(errorResponse('FATAL', '57P01', 'the embedded database is shutting down'));
      return;
    }
    this.clients.add(client);
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => {
      this.lastActivity = Date.now();
      client.buffer = client.buffer.length ? Buffer.concat([client.buffer, data]) : data;
      client.chain = client.chain.then(() => this.drain(client)).catch((error: unknown) => this.fail(client, error));
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      client.closed = true;
      client.chain = client.chain.then(() => this.disconnect(client));
    });
  }

  /** Refuses new connections and ends the current ones (their open transactions rolled back). */
  async close(): Promise<void> {
    this.closing = true;
    for (const client of this.clients)
      client.socket.end(errorResponse('FATAL', '57P01', 'the embedded database is shutting down'), () => client.socket.destroy());
    await Promise.all([...this.clients].map((c) => c.chain));
    for (const client of [...this.clients]) await this.disconnect(client);
  }

  private async drain(client: Client): Promise<void> {
    while (!client.closed) {
      if (!client.started) {
        if (!this.startup(client)) return;
        continue;
      }
      // A run of complete messages, up to (not including) one answered here.
      let end = 0;
      let special: { start: number; end: number } | undefined;
      let terminate = false;
      while (client.buffer.length - end >= 5) {
        const length = client.buffer.readInt32BE(end + 1);
        if (client.buffer.length - end < 1 + length) break;
        const type = client.buffer[end];
        if (type === 0x58 /* X */) {
          terminate = true;
          break;
        }
        if (type === 0x51 /* Q */ && MARKER.test(client.buffer.toString('utf8', end + 5, Math.min(end + 5 + 300, end + length)))) {
          special = { start: end, end: end + 1 + length };
          break;
        }
        end += 1 + length;
      }
      if (end > 0) {
        const batch = client.buffer.subarray(0, end);
        client.buffer = client.buffer.subarray(end);
        await this.execute(client, batch);
        continue;
      }
      if (special) {
        const text = client.buffer.toString('utf8', special.start + 5, special.end - 1);
        client.buffer = client.buffer.subarray(special.end);
        this.answer(client, text);
        continue;
      }
      if (terminate) client.socket.end();
      return;
    }
  }

  /** Handles the startup phase; false when more bytes are needed. */
  private startup(client: Client): boolean {
    const buf = client.buffer;
    if (buf.length < 8) return false;
    const length = buf.readInt32BE(0);
    if (buf.length < length) return false;
    const code = buf.readInt32BE(4);
    client.buffer = buf.subarray(length);
    if (code === SSL_REQUEST || code === GSS_REQUEST) {
      client.socket.write('N');
      return true;
    }
    if (code !== PROTOCOL_3) {
      // A cancel request (nothing to cancel: statements run to the end) or an unknown protocol.
      if (code !== CANCEL_REQUEST) client.socket.write(errorResponse('FATAL', '0A000', `unsupported frontend protocol ${code >> 16}.${code & 0xffff}`));
      client.socket.end();
      client.closed = true;
      return false;
    }
    const parts: Buffer[] = [message('R', int32(0))];
    for (const [name, value] of Object.entries(this.options.parameters)) parts.push(message('S', Buffer.concat([cstring(name), cstring(value)])));
    parts.push(message('K', Buffer.concat([int32(process.pid), int32(client.id)])));
    parts.push(readyForQuery('I'));
    client.socket.write(Buffer.concat(parts));
    client.started = true;
    return true;
  }

  private async execute(client: Client, batch: Buffer): Promise<void> {
    await this.acquire(client);
    if (client.closed) return;
    clearTimeout(client.idleTimer);
    const out = this.pglite.execProtocolRawSync(batch);
    if (out.length) client.socket.write(out);
    const status = lastReadyStatus(out);
    client.status = status ?? '?';
    if (status === 'I') this.release(client);
    else if (status === 'T' || status === 'E') {
      client.idleTimer = setTimeout(() => {
        this.options.log(`client ${client.id} idle in a transaction for ${this.options.idleInTransactionMs} ms: disconnected, its transaction rolled back`);
        client.socket.end(errorResponse('FATAL', '25P03', 'terminating connection due to idle-in-transaction timeout'));
        client.socket.destroy();
      }, this.options.idleInTransactionMs);
      client.idleTimer.unref();
    }
  }

  /** Answers a marked query (advisory locks, owner info) without PGlite. */
  private answer(client: Client, text: string): void {
    const m = MARKER.exec(text)!;
    let column: string;
    let value: string;
    let oid = BOOL_OID;
    if (m[1] === 'owner') {
      column = 'owner';
      oid = TEXT_OID;
      value = JSON.stringify({ ...this.options.info(), clients: this.clients.size });
    } else {
      const name = Buffer.from(m[3]!, 'hex').toString('utf8');
      const holder = this.lockOwners.get(name);
      let ok = false;
      if (m[2] === 'try') {
        if (!holder || holder === client) {
          this.lockOwners.set(name, client);
          client.locks.set(name, (client.locks.get(name) ?? 0) + 1);
          ok = true;
        }
        column = 'ok';
      } else if (m[2] === 'unlock') {
        if (holder === client) {
          const count = (client.locks.get(name) ?? 1) - 1;
          if (count > 0) client.locks.set(name, count);
          else {
            client.locks.delete(name);
            this.lockOwners.delete(name);
          }
          ok = true;
        }
        column = 'ok';
      } else {
        ok = holder !== undefined;
        column = 'held';
      }
      value = ok ? 't' : 'f';
    }
    const row = Buffer.concat([int16(1), int32(Buffer.byteLength(value)), Buffer.from(value)]);
    client.socket.write(
      Buffer.concat([
        message('T', Buffer.concat([int16(1), cstring(column), int32(0), int16(0), int32(oid), int16(oid === BOOL_OID ? 1 : -1), int32(-1), int16(0)])),
        message('D', row),
        message('C', cstring('SELECT 1')),
        readyForQuery(this.holder === client && client.status !== '?' ? client.status : 'I'),
      ]),
    );
  }

  private acquire(client: Client): Promise<void> {
    if (this.holder === client) return Promise.resolve();
    if (!this.holder) {
      this.holder = client;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ client, resolve }));
  }

  private release(client: Client): void {
    if (this.holder !== client) return;
    this.holder = undefined;
    const next = this.waiting.shift();
    if (next) {
      this.holder = next.client;
      next.resolve();
    }
  }

  private fail(client: Client, error: unknown): void {
    this.options.log(`client ${client.id}: ${(error as Error)?.stack ?? error}`);
    client.socket.destroy();
  }

  /** A closed connection: its locks go, its unfinished exchange or transaction is rolled back. */
  private async disconnect(client: Client): Promise<void> {
    if (!this.clients.delete(client)) return;
    clearTimeout(client.idleTimer);
    for (const name of client.locks.keys()) if (this.lockOwners.get(name) === client) this.lockOwners.delete(name);
    client.locks.clear();
    const waiter = this.waiting.findIndex((w) => w.client === client);
    if (waiter >= 0) this.waiting.splice(waiter, 1)[0]!.resolve();
    if (this.holder !== client) return;
    try {
      let status = client.status;
      if (status === '?') status = lastReadyStatus(this.pglite.execProtocolRawSync(message('S', Buffer.alloc(0)))) ?? 'E';
      if (status !== 'I') this.pglite.execProtocolRawSync(message('Q', cstring('ROLLBACK')));
    } catch (error) {
      this.options.log(`rollback after client ${client.id} left failed: ${(error as Error).message}`);
    }
    this.release(client);
  }
}

/** The transaction status of the last ReadyForQuery when it ends the output, else undefined. */
export function lastReadyStatus(out: Uint8Array): string | undefined {
  let i = 0;
  let status: string | undefined;
  while (i + 5 <= out.length) {
    const length = ((out[i + 1]! << 24) | (out[i + 2]! << 16) | (out[i + 3]! << 8) | out[i + 4]!) >>> 0;
    status = out[i] === 0x5a /* Z */ && i + 6 <= out.length ? String.fromCharCode(out[i + 5]!) : undefined;
    i += 1 + length;
  }
  return status;
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function readyForQuery(status: string): Buffer {
  return message('Z', Buffer.from(status, 'latin1'));
}

/** An ErrorResponse message. */
export function errorResponse(severity: string, code: string, text: string): Buffer {
  return message(
    'E',
    Buffer.concat([
      Buffer.from('S'),
      cstring(severity),
      Buffer.from('V'),
      cstring(severity),
      Buffer.from('C'),
      cstring(code),
      Buffer.from('M'),
      cstring(text),
      Buffer.from([0]),
    ]),
  );
}

function cstring(s: string): Buffer {
  return Buffer.from(`${s}\0`, 'utf8');
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
