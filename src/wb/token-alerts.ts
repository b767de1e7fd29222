// Alerts about a cabinet's access, written by the sync (and so by cron and the daemon) through the
// notification engine: the token expires in 14 or 3 days, it has expired, or WB refused it (401).
// Each is a wb_events row whose event key names the token (a prefix of its hash) and the stage, so it
// is written once per token and stage however often the sync runs; a new token starts afresh.
import { AuthError } from '../core/errors.js';
import { updateCabinet, type WbCabinet } from './cabinet.repository.js';
import { insertEvents } from './event.repository.js';
import type { Db } from './recordset.js';
import { decodeWbToken, renewCommand } from './token.js';

const DAY = 86_400_000;
/** Days before the expiry at which the token is warned about, the latest first. */
export const TOKEN_WARNING_DAYS = [3, 14] as const;

function tokenKey(cabinet: Pick<WbCabinet, 'token_hash'>): string {
  return cabinet.token_hash.slice(0, 16);
}

/**
 * Before a cabinet's sync: an expired token is an error (the cabinet is marked unauthorized and one
 * access_refused event written, in one transaction) and the sync makes no request; a token expiring
 * within 14 (3) days writes one token_expiring event for that stage. Returns the error, if any.
 */
export async function checkTokenExpiry(db: Db, cabinet: WbCabinet, token: string, now: Date): Promise<AuthError | undefined> {
  let expiresAt: Date | undefined;
  try {
    expiresAt = decodeWbToken(token).expiresAt ?? cabinet.token_expires_at ?? undefined;
  } catch {
    expiresAt = cabinet.token_expires_at ?? undefined;
  }
  if (!expiresAt) return undefined;
  const left = expiresAt.getTime() - now.getTime();
  const command = renewCommand(cabinet.name);
  if (left <= 0) {
    const error = new AuthError(
      'WB_TOKEN_EXPIRED',
      `the Wildberries token of cabinet "${cabinet.name}" expired on ${expiresAt.toISOString().slice(0, 10)}: create a new one in the seller cabinet (Settings → API access) and run ${command}`,
    );
    await db.transaction().execute(async (trx) => {
      await updateCabinet(trx, cabinet.id, { status: 'unauthorized', status_detail: error.message });
      await insertEvents(trx, cabinet.id, [
        {
          type: 'access_refused',
          eventKey: `refused:${tokenKey(cabinet)}`,
          occurredAt: now,
          payload: { reason: 'expired', expiresAt: expiresAt.toISOString(), message: error.message, command: command.replaceAll('`', '') },
        },
      ]);
    });
    return error;
  }
  const stage = TOKEN_WARNING_DAYS.find((d) => left <= d * DAY);
  if (stage !== undefined) {
    await insertEvents(db, cabinet.id, [
      {
        type: 'token_expiring',
        eventKey: `${tokenKey(cabinet)}:${stage}`,
        occurredAt: now,
        payload: { expiresAt: expiresAt.toISOString(), days: Math.floor(left / DAY), stage, command: command.replaceAll('`', '') },
      },
    ]);
  }
  return undefined;
}

/**
 * WB answered 401 to a stream: the cabinet is marked unauthorized and one access_refused event is
 * written for this token (in one transaction), however many streams and runs fail with it (the same
 * key as an expired token: one alert per token).
 */
export async function recordTokenRefused(db: Db, cabinet: WbCabinet, message: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await updateCabinet(trx, cabinet.id, { status: 'unauthorized', status_detail: message });
    await insertEvents(trx, cabinet.id, [
      {
        type: 'access_refused',
        eventKey: `refused:${tokenKey(cabinet)}`,
        occurredAt: now,
        payload: { reason: 'refused', message, command: renewCommand(cabinet.name).replaceAll('`', '') },
      },
    ]);
  });
}
