// Payout requests: create (with idempotency), read, list, edit, cancel and delete. Shared by the CLI
// and the REST API; both get the same errors (codes map to exit codes and HTTP statuses).
import type { Kysely } from 'kysely';
import { OtherUsersObjectError, UsageError, UserError } from '../core/errors.js';
import { fromMinor, toMinor } from '../core/money.js';
import type { Database } from '../db/schema.js';
import type { PayoutInserter } from './insert-batcher.js';
import { checkIdempotencyKey, type FieldErrors, isStatus, isUuid, requestHash, type Status, validateCreate, validateUpdate } from './payout.validation.js';
import * as repo from './payouts.repository.js';
import { openRecipient, sealRecipient, shownRecipient } from './recipient-seal.js';

type Db = Kysely<Database>;

/**
 * Who works on payouts: the database, the secret key that seals recipients at rest, and the user
 * (MP_USER) whose payouts they are; undefined user: every payout (workers, tools, tests).
 */
export interface PayoutAccess {
  db: Db;
  key: Buffer;
  user?: string;
  /**
   * The mp_users id of `user` when the caller knows it already (the REST API: the token's user):
   * a payout is then created without a lookup, so concurrent POSTs reach the insert batch in the
   * order they came, one query fewer each.
   */
  userId?: string;
}

/** The ids of the access's user (none yet: an empty list); undefined when there is no user. */
async function ownerIds(access: PayoutAccess): Promise<string[] | undefined> {
  return access.user === undefined ? undefined : repo.userIds(access.db, access.user);
}

/** A payout the access may see: its own, or one with no user (from before users). */
async function visible(access: PayoutAccess, row: repo.PayoutRow | undefined): Promise<repo.PayoutRow | undefined> {
  if (!row || row.owner_id === null || access.user === undefined) return row;
  return (await ownerIds(access))!.includes(row.owner_id) ? row : undefined;
}

/** A payout as shown to people and API clients: recipient masked, no lease internals. */
export interface PublicPayout {
  id: string;
  amount: string;
  currency: string;
  recipient: string;
  comment: string | null;
  status: string;
  attempts: number;
  last_error: string | null;
  idempotency_key: string | null;
  created_at: string;
  updated_at: string;
  processed_at: string | null;
}

export interface PublicEvent {
  id: string;
  from: string | null;
  to: string;
  at: string;
  worker: string | null;
  detail: string | null;
}

/** A payout as shown: the recipient masked, or in clear with `reveal` (the key opens it). */
export function presentPayout(row: repo.PayoutRow, reveal?: { key: Buffer }): PublicPayout {
  return {
    id: row.id,
    // Two places whoever wrote the row (the column refuses more, and SQL writers may give fewer).
    amount: fromMinor(toMinor(row.amount, 2), 2),
    currency: row.currency,
    recipient: reveal ? openRecipient(row.recipient, reveal.key) : shownRecipient(row),
    comment: row.comment,
    status: row.status,
    attempts: row.attempts,
    last_error: row.last_error,
    idempotency_key: row.idempotency_key,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    processed_at: row.processed_at ? row.processed_at.toISOString() : null,
  };
}

export function presentEvent(row: repo.PayoutEventRow): PublicEvent {
  return { id: row.id, from: row.from_status, to: row.to_status, at: row.at.toISOString(), worker: row.worker, detail: row.detail };
}

/** Invalid input: one message per field (exit 2 on the CLI, 422 over HTTP). */
export function invalidPayout(errors: FieldErrors): UsageError {
  const list = Object.entries(errors).map(([f, m]) => `${f} ${m}`);
  return new UsageError('PAYOUT_INVALID', `invalid payout: ${list.join('; ')}`, { details: { fields: errors } });
}

function notFound(id: string): UserError {
  return new UserError('PAYOUT_NOT_FOUND', notFoundMessage(id));
}

function notFoundMessage(id: string): string {
  return `no payout with id ${id}; list them with \`mp payouts list\``;
}

/**
 * The payout `id` when the access may see it; PAYOUT_NOT_FOUND when there is none, and for another
 * user's too (an OtherUsersObjectError: "not found" on the command line, 403 over HTTP).
 */
async function ownPayout(access: PayoutAccess, id: string): Promise<repo.PayoutRow> {
  const row = isUuid(id) ? await repo.findPayout(access.db, id) : undefined;
  if (!row) throw notFound(id);
  if (!(await visible(access, row))) throw new OtherUsersObjectError('PAYOUT_NOT_FOUND', notFoundMessage(id), `payout ${id} belongs to another user`);
  return row;
}

/**
 * Creates a NEW payout (only enqueues it; workers process it). With an idempotency key: the same
 * key and the same body return the existing payout (`created: false`); another body is a conflict.
 */
export async function createPayout(
  access: PayoutAccess,
  body: Record<string, unknown>,
  idempotencyKey?: string | null,
  insert: PayoutInserter = (input, key, hash) => repo.insertPayout(access.db, input, key, hash),
): Promise<{ payout: PublicPayout; created: boolean }> {
  const checked = validateCreate(body);
  const key = checkIdempotencyKey(idempotencyKey ?? null);
  if (!checked.ok || key.error) throw invalidPayout({ ...(checked.ok ? {} : checked.errors), ...(key.error ? { idempotency_key: key.error } : {}) });
  // The hash is of the request as sent; the row keeps the recipient sealed.
  const hash = key.value ? requestHash(checked.value) : null;
  const owner = access.user === undefined ? null : (access.userId ?? (await repo.ensureUserId(access.db, access.user)));
  const stored = { ...checked.value, ...sealRecipient(checked.value.recipient, access.key), owner_id: owner };
  const outcome = await insert(stored, key.value ?? null, hash);
  if ('deletedPayoutId' in outcome) {
    throw new UserError(
      'PAYOUT_IDEMPOTENCY_KEY_DELETED',
      `idempotency key "${key.value}" created payout ${outcome.deletedPayoutId}, which was deleted; a key is never used twice, so use a new key`,
      { details: { payout_id: outcome.deletedPayoutId } },
    );
  }
  const { row, created } = outcome;
  // An idempotency key is global: another user's payout with this key is a conflict, never shown.
  if (!created && !(await visible(access, row))) {
    throw new UserError('PAYOUT_IDEMPOTENCY_CONFLICT', `idempotency key "${key.value}" is taken; use a new key`);
  }
  if (!created && row.request_hash !== hash) {
    throw new UserError(
      'PAYOUT_IDEMPOTENCY_CONFLICT',
      `idempotency key "${key.value}" was used for payout ${row.id} with a different body; send the same body or use a new key`,
      { details: { payout_id: row.id } },
    );
  }
  return { payout: presentPayout(row), created };
}

/** One payout with its events; PAYOUT_NOT_FOUND when there is none. */
export async function getPayout(
  access: PayoutAccess,
  id: string,
  options: { reveal?: boolean } = {},
): Promise<{ payout: PublicPayout; events: PublicEvent[] }> {
  const row = await ownPayout(access, id);
  const events = await repo.payoutEvents(access.db, id);
  return { payout: presentPayout(row, options.reveal ? access : undefined), events: events.map(presentEvent) };
}

export interface ListOptions {
  status?: string;
  since?: Date;
  limit?: number;
  cursor?: string;
  /** Recipients in clear (`--show-recipient`), opened with the access's key. */
  reveal?: boolean;
}

/** What is wrong with a list query, per field (empty when it is fine). */
export function listQueryErrors(options: ListOptions): FieldErrors {
  const errors: FieldErrors = {};
  if (options.status !== undefined && !isStatus(options.status.toUpperCase())) errors.status = 'must be one of NEW, PROCESSING, COMPLETED, FAILED, CANCELLED';
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) errors.limit = 'must be a whole number from 1 to 1000';
  if (options.cursor && !decodeCursor(options.cursor)) errors.cursor = 'is not a cursor returned by this API';
  return errors;
}

/** A bad list query: one message per field (exit 2 on the CLI, 400 over HTTP). */
export function badListQuery(errors: FieldErrors): UsageError {
  const list = Object.entries(errors).map(([f, m]) => `${f} ${m}`);
  return new UsageError('PAYOUT_BAD_QUERY', `bad payout list query: ${list.join('; ')}`, { details: { fields: errors } });
}

/** A page of payouts, newest first, and the cursor of the next page (null at the end). */
export async function listPayouts(access: PayoutAccess, options: ListOptions): Promise<{ items: PublicPayout[]; next_cursor: string | null }> {
  const errors = listQueryErrors(options);
  if (Object.keys(errors).length) throw badListQuery(errors);
  const status = options.status?.toUpperCase() as Status | undefined;
  const limit = options.limit ?? 50;
  const beforeSeq = options.cursor ? decodeCursor(options.cursor) : undefined;
  const rows = await repo.listPayouts(access.db, { status, since: options.since, beforeSeq, ownerIds: await ownerIds(access), limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => presentPayout(r, options.reveal ? access : undefined)),
    next_cursor: rows.length > limit && last ? encodeCursor(last.seq) : null,
  };
}

function encodeCursor(seq: string): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

/** The largest `seq` (a PostgreSQL bigint): a cursor beyond it was not made by this API. */
const MAX_SEQ = 9_223_372_036_854_775_807n;

function decodeCursor(cursor: string): string | undefined {
  const m = /^s:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString());
  // 19 digits can overflow a bigint (the query then failed with a 500): such a cursor is a bad query.
  return m && BigInt(m[1]!) <= MAX_SEQ ? m[1] : undefined;
}

/** Changes amount, recipient or comment of a NEW payout; PAYOUT_NOT_EDITABLE once it is not NEW. */
export async function updatePayout(access: PayoutAccess, id: string, body: Record<string, unknown>): Promise<PublicPayout> {
  const { db } = access;
  const checked = validateUpdate(body);
  if (!checked.ok) throw invalidPayout(checked.errors);
  const before = await ownPayout(access, id);
  const changed = Object.entries(checked.value)
    .map(([f, v]) => (f === 'recipient' ? 'recipient changed' : `${f} ${String(before[f as 'amount'] ?? '∅')} → ${v ?? '∅'}`))
    .join('; ');
  const sealed = checked.value.recipient === undefined ? {} : sealRecipient(checked.value.recipient, access.key);
  const row = await repo.updateNewPayout(db, id, { ...checked.value, ...sealed }, `updated: ${changed}`);
  if (row) return presentPayout(row);
  const now = await repo.findPayout(db, id);
  if (!now) throw notFound(id);
  throw new UserError('PAYOUT_NOT_EDITABLE', `payout ${id} is ${now.status}: only NEW payouts can be changed`, { details: { status: now.status } });
}

/** NEW → CANCELLED; PAYOUT_NOT_CANCELLABLE once a worker has taken it. */
export async function cancelPayout(access: PayoutAccess, id: string): Promise<PublicPayout> {
  const { db } = access;
  await ownPayout(access, id);
  const row = await repo.cancelNewPayout(db, id, 'cancelled');
  if (row) return presentPayout(row);
  const now = await repo.findPayout(db, id);
  if (!now) throw notFound(id);
  throw new UserError('PAYOUT_NOT_CANCELLABLE', `payout ${id} is ${now.status}: only NEW payouts can be cancelled`, { details: { status: now.status } });
}

/** Deletes a NEW or CANCELLED payout (its event trail stays); PAYOUT_NOT_DELETABLE otherwise. */
export async function deletePayout(access: PayoutAccess, id: string): Promise<void> {
  const { db } = access;
  await ownPayout(access, id);
  if (await repo.deletePayoutRow(db, id)) return;
  const now = await repo.findPayout(db, id);
  if (!now) throw notFound(id);
  throw new UserError('PAYOUT_NOT_DELETABLE', `payout ${id} is ${now.status}: only NEW or CANCELLED payouts can be deleted`, {
    details: { status: now.status },
  });
}
