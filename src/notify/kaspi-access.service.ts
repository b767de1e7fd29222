// A Kaspi store's access, once per incident: the cabinet session or the Shop API token refused is one
// access_refused alert when it starts failing, none while it keeps failing, and a new one only after it
// worked again. The state is a notify_health row per store and credential, changed in the caller's
// transaction (the one that stores what the failure changed).
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { lockHealth, saveHealth } from './health.repository.js';
import { insertKaspiEvents } from './kaspi-events.repository.js';

/** The credential that failed: the merchant cabinet session (repricer, login) or the Shop API token (orders). */
export type KaspiCredential = 'session' | 'shop_api';

export interface AccessFailure {
  message: string;
  /** What to run to renew it. */
  command: string;
}

/**
 * Records the credential's state: a failure opens an incident (one access_refused event, key
 * `<credential>:<incident number>`) unless one is open; `ok` closes it. Returns how many events were written.
 */
export async function recordKaspiAccess(
  db: Kysely<Database>,
  storeId: string,
  credential: KaspiCredential,
  failure: AccessFailure | 'ok',
  now: Date,
): Promise<number> {
  const subject = `kaspi:${storeId}:${credential}`;
  const previous = await lockHealth(db, subject);
  if (failure === 'ok') {
    if (previous && previous.level !== 'ok') await saveHealth(db, subject, 'ok', null, previous.crossings, now);
    return 0;
  }
  if (previous?.level === 'critical') return 0;
  const incident = (previous?.crossings ?? 0) + 1;
  await saveHealth(db, subject, 'critical', null, incident, now);
  return insertKaspiEvents(db, storeId, [
    {
      type: 'access_refused',
      eventKey: `${credential}:${incident}`,
      occurredAt: now,
      payload: { credential, message: failure.message, command: failure.command },
    },
  ]);
}
