// All SQL for demper_xml_feeds: the price lists written, so the next one can be compared with the last.
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export async function lastFeedCount(db: Kysely<Database>, storeId: string): Promise<number | undefined> {
  const row = await db.selectFrom('demper_xml_feeds').select('offer_count').where('store_id', '=', storeId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.offer_count;
}

export async function recordFeed(db: Kysely<Database>, storeId: string, path: string, offerCount: number): Promise<void> {
  await db.insertInto('demper_xml_feeds').values({ store_id: storeId, path, offer_count: offerCount }).execute();
}
