// `--shard i/n`: a process handles the products whose id hashes to shard i of n, so n hosts (or n
// processes) on one database split scrape and demper work between them. The same hash everywhere:
// the scrape, the repricer and their jobs agree on which shard owns a product.
import { UsageError } from './errors.js';

export interface Shard {
  index: number;
  count: number;
}

/** FNV-1a 32-bit: a stable hash, the same on every host and Node version. */
export function stableHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Whether a product belongs to shard i of n (by its Kaspi product id); every product without a shard. */
export function inShard(productId: string, shard: Shard | undefined): boolean {
  return !shard || stableHash(productId) % shard.count === shard.index;
}

/**
 * Parses `i/n` (0 ≤ i < n ≤ 1000); undefined stays undefined. `flag` names where the text came from
 * (`--shard`, an environment variable) in the usage error.
 */
export function parseShard(text: string | undefined, flag = '--shard', code = 'BAD_OPTION'): Shard | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  // At most 1000 shards: 1/99999999999999999999 was accepted and silently matched nothing.
  if (!m || count < 1 || count > 1000 || index >= count) throw new UsageError(code, `${flag} must be i/n with 0 ≤ i < n ≤ 1000, e.g. 0/2, got "${text}"`);
  return { index, count };
}

/** `shard=i/n` for lock names and messages; `all` without a shard (it overlaps every shard). */
export function shardLabel(shard: Shard | undefined): string {
  return shard ? `shard=${shard.index}/${shard.count}` : 'all';
}

/** `i/n` (job_runs.shard, job lock names), or null without a shard. */
export function shardText(shard: Shard | undefined): string | null {
  return shard ? `${shard.index}/${shard.count}` : null;
}
