// Prepared statements for hot paths on PostgreSQL (see PREPARED).
import { createHash } from 'node:crypto';

/**
 * A statement whose text starts with this comment is prepared once per PostgreSQL connection (named
 * by a hash of its text) and then only bound and executed: for hot paths that run thousands of
 * times with the same text, where parsing and planning a large statement each time costs more than
 * running it (the Kaspi scrape's statements, then one per product: ~0.6 ms of server CPU per product). Plain
 * text elsewhere, and on PGlite the comment is just a comment.
 */
export const PREPARED = '/* mp:prepared */';

/** Makes the client send statements marked PREPARED as named (prepared) statements. */
export function preparePrefixed(client: { query: (...args: any[]) => any }): void {
  const query = client.query.bind(client);
  const names = new Map<string, string>();
  client.query = (text: unknown, ...rest: any[]) => {
    if (typeof text !== 'string' || !text.startsWith(PREPARED)) return query(text, ...rest);
    let name = names.get(text);
    if (!name) {
      name = `mp_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      names.set(text, name);
    }
    const [values, callback] = rest;
    return query({ name, text, values }, callback);
  };
}
