// The worker's SQL on payouts: claim a batch with FOR UPDATE SKIP LOCKED and a lease, renew and
// release leases, and finish a whole batch in one statement (UPDATE … FROM unnest + one INSERT of
// events). Each function is a single round trip, so throughput scales with the batch size.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database>;

/** A claimed payout, as the gateway needs it. */
export interface ClaimedPayout {
  id: string;
  amount: string;
  currency: string;
  recipient: string;
  comment: string | null;
  /** Including this claim. */
  attempts: number;
  last_error: string | null;
}

/**
 * Claims up to `limit` payouts: NEW ones (oldest first) and PROCESSING ones whose lease (or retry
 * back-off) has ended. Sets PROCESSING, counts the attempt, takes a lease of `leaseMs` for
 * `worker`, and writes one event per payout.
 */
export async function claimPayouts(db: Db, worker: string, limit: number, leaseMs: number): Promise<ClaimedPayout[]> {
  const { rows } = await sql<ClaimedPayout>`
    with expired as (
      select id, status from payouts
      where status = 'PROCESSING' and locked_until <= now()
      order by locked_until limit ${limit}
      for update skip locked
    ), fresh as (
      select id, status from payouts
      where status = 'NEW'
      order by created_at limit ${limit}
      for update skip locked
    ), picked as (
      select id from expired union all select id from fresh limit ${limit}
    ), claimed as (
      -- = any(array(…)) keeps the update on the primary key (a join here can turn into a seq scan).
      update payouts p set
        status = 'PROCESSING', attempts = p.attempts + 1, locked_by = ${worker},
        locked_until = now() + ${leaseMs} * interval '1 millisecond', updated_at = now()
      where p.id = any(array(select id from picked))
      returning p.id, p.amount, p.currency, p.recipient, p.comment, p.attempts, p.last_error
    ), ev as (
      insert into payout_events (payout_id, from_status, to_status, worker, detail)
      select c.id, coalesce(e.status, 'NEW'), 'PROCESSING', ${worker},
        case when e.id is null then 'attempt ' || c.attempts
             else 'attempt ' || c.attempts || ' (lease expired or retry due' || coalesce('; last error: ' || c.last_error, '') || ')' end
      from claimed c left join expired e on e.id = c.id
    )
    select id, amount, currency, recipient, comment, attempts, last_error from claimed`.execute(db);
  return rows;
}

/** What happened to one claimed payout. */
export interface Outcome {
  id: string;
  result: 'COMPLETED' | 'FAILED' | 'RETRY';
  /** Reason for FAILED / RETRY, or a provider reference for COMPLETED. */
  detail: string | null;
  /** RETRY only: back-off before the payout can be claimed again. */
  retryInMs?: number;
}

/**
 * Writes the outcomes of a batch in one statement: COMPLETED/FAILED rows end their lease and get an
 * event; RETRY rows stay PROCESSING with the lease moved to the back-off time and no owner. Only
 * rows this worker still holds are touched (a lease stolen after expiry is not overwritten).
 * Returns how many rows were written.
 */
export async function finishPayouts(db: Db, worker: string, outcomes: readonly Outcome[]): Promise<number> {
  if (outcomes.length === 0) return 0;
  // Final outcomes and retries travel as separate arrays: each update then joins only its own rows
  // (one mixed input made the retry update a nested loop over the whole batch).
  const final = outcomes.filter((o) => o.result !== 'RETRY');
  const retry = outcomes.filter((o) => o.result === 'RETRY');
  const { rows } = await sql<{ n: string }>`
    with final as (
      update payouts p set
        status = i.result, last_error = case when i.result = 'FAILED' then i.detail else null end,
        processed_at = now(), updated_at = now(), locked_by = null, locked_until = null
      from unnest(${final.map((o) => o.id)}::uuid[], ${final.map((o) => o.result)}::text[], ${final.map((o) => o.detail)}::text[]) as i(id, result, detail)
      where p.id = i.id and p.status = 'PROCESSING' and p.locked_by = ${worker}
      returning p.id, i.result, i.detail
    ), retry as (
      update payouts p set
        last_error = i.detail, locked_by = null, updated_at = now(),
        locked_until = now() + i.delay_ms * interval '1 millisecond'
      from unnest(${retry.map((o) => o.id)}::uuid[], ${retry.map((o) => o.detail)}::text[], ${retry.map((o) => Math.round(o.retryInMs ?? 0))}::int[]) as i(id, detail, delay_ms)
      where p.id = i.id and p.status = 'PROCESSING' and p.locked_by = ${worker}
      returning p.id
    ), ev as (
      insert into payout_events (payout_id, from_status, to_status, worker, detail)
      select id, 'PROCESSING', result, ${worker}, detail from final
    )
    select (select count(*) from final) + (select count(*) from retry) as n`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Extends the lease of payouts this worker still holds (called while the gateway works). */
export async function renewLeases(db: Db, worker: string, ids: readonly string[], leaseMs: number): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await sql`
    update payouts set locked_until = now() + ${leaseMs} * interval '1 millisecond'
    where id = any(${[...ids]}::uuid[]) and status = 'PROCESSING' and locked_by = ${worker}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Gives claimed payouts that this worker has not sent yet back to the queue (graceful stop), the
 * attempt uncounted: a first attempt goes back to NEW; a retry stays PROCESSING (an earlier attempt
 * may have reached the provider, so it must not become cancellable) with its lease ended.
 */
export async function releasePayouts(db: Db, worker: string, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await sql<{ id: string }>`
    with rel as (
      update payouts set
        status = case when attempts <= 1 then 'NEW' else 'PROCESSING' end,
        attempts = greatest(attempts - 1, 0), locked_by = null, updated_at = now(),
        locked_until = case when attempts <= 1 then null else now() end
      where id = any(${[...ids]}::uuid[]) and status = 'PROCESSING' and locked_by = ${worker}
      returning id, status
    ), ev as (
      insert into payout_events (payout_id, from_status, to_status, worker, detail)
      select id, 'PROCESSING', status, ${worker}, 'released on shutdown before the gateway call' from rel
    )
    select id from rel`.execute(db);
  return rows.length;
}

/** Whether any payout is still NEW or PROCESSING, and how long until the earliest lease ends. */
export async function pendingWork(db: Db): Promise<{ pending: number; nextLeaseEndsInMs: number | null }> {
  const { rows } = await sql<{ pending: number; wait_ms: string | null }>`
    select
      -- Two EXISTS, so each is answered from its small partial index, never a scan of the history.
      (exists (select 1 from payouts where status = 'NEW') or exists (select 1 from payouts where status = 'PROCESSING'))::int as pending,
      (select greatest(0, extract(epoch from (min(locked_until) - now())) * 1000)::bigint from payouts where status = 'PROCESSING') as wait_ms`.execute(db);
  const row = rows[0]!;
  return { pending: Number(row.pending), nextLeaseEndsInMs: row.wait_ms === null ? null : Number(row.wait_ms) };
}
