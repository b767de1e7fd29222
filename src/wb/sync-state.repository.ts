// All SQL for wb_sync_state (per-stream cursor and next-allowed time) and wb_sync_runs.
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { processAlive } from '../core/dirs.js';
import type { WbStream } from '../db/schema/wb.js';
import type { Db } from './recordset.js';

export interface StreamState {
  cursor: string | null;
  next_allowed_at: Date | null;
  last_success_at: Date | null;
}

export async function getStreamState(db: Db, cabinetId: string, stream: WbStream): Promise<StreamState | undefined> {
  return db
    .selectFrom('wb_sync_state')
    .select(['cursor', 'next_allowed_at', 'last_success_at'])
    .where('cabinet_id', '=', cabinetId)
    .where('stream', '=', stream)
    .executeTakeFirst();
}

/** Writes the stream's state (only the fields given); call it inside the page's transaction. */
export async function saveStreamState(db: Db, cabinetId: string, stream: WbStream, values: Partial<StreamState>): Promise<void> {
  await db
    .insertInto('wb_sync_state')
    .values({ cabinet_id: cabinetId, stream, cursor: null, next_allowed_at: null, last_success_at: null, ...values })
    .onConflict((oc) => oc.columns(['cabinet_id', 'stream']).doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

export async function startRun(db: Db, cabinetId: string, stream: WbStream, initial: boolean, at: Date): Promise<string> {
  const row = await db
    .insertInto('wb_sync_runs')
    .values({ cabinet_id: cabinetId, stream, initial, started_at: at, host: hostname(), pid: process.pid })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface RunResult {
  status: 'ok' | 'skipped' | 'failed';
  rowsNew: number;
  rowsUpdated: number;
  requests: number;
  errorCode?: string;
  error?: string;
}

export async function finishRun(db: Db, runId: string, result: RunResult, at: Date): Promise<void> {
  await db
    .updateTable('wb_sync_runs')
    .set({
      finished_at: at,
      status: result.status,
      rows_new: result.rowsNew,
      rows_updated: result.rowsUpdated,
      requests: result.requests,
      error_code: result.errorCode ?? null,
      error: result.error ?? null,
    })
    .where('id', '=', runId)
    .execute();
}

/** A run whose process is gone for this long is closed even when it ran on another host. */
export const FOREIGN_RUN_LIMIT_MS = 24 * 3_600_000;

/**
 * Start-up housekeeping: runs left `running` by a process that no longer exists become `died`
 * (this host: the pid is gone; another host: no news for 24 h). Returns how many were closed.
 */
export async function closeDeadRuns(db: Db, now: Date, isAlive: (pid: number) => boolean = processAlive): Promise<number> {
  const running = await db.selectFrom('wb_sync_runs').select(['id', 'host', 'pid', 'started_at']).where('status', '=', 'running').execute();
  const here = hostname();
  const dead = running.filter((r) =>
    r.host === here ? r.pid === null || (r.pid !== process.pid && !isAlive(r.pid)) : now.getTime() - r.started_at.getTime() > FOREIGN_RUN_LIMIT_MS,
  );
  if (dead.length === 0) return 0;
  await db
    .updateTable('wb_sync_runs')
    .set({ status: 'died', finished_at: now, error_code: 'SYNC_PROCESS_DIED', error: 'the mp process running this sync ended before it finished' })
    .where('status', '=', 'running')
    .where(
      'id',
      'in',
      dead.map((r) => r.id),
    )
    .execute();
  return dead.length;
}

/** The latest run of every stream of every cabinet (or of one cabinet). */
export async function latestRuns(db: Db, cabinetId?: string) {
  const result = await sql<{
    cabinet_id: string;
    cabinet: string;
    stream: string;
    initial: boolean;
    started_at: Date;
    finished_at: Date | null;
    status: string;
    rows_new: number;
    rows_updated: number;
    requests: number;
    error: string | null;
    next_allowed_at: Date | null;
    cursor: string | null;
  }>`select distinct on (r.cabinet_id, r.stream) r.cabinet_id, c.name as cabinet, r.stream, r.initial, r.started_at, r.finished_at,
       r.status, r.rows_new, r.rows_updated, r.requests, r.error, s.next_allowed_at, s.cursor
     from wb_sync_runs r join wb_cabinets c on c.id = r.cabinet_id
     left join wb_sync_state s on s.cabinet_id = r.cabinet_id and s.stream = r.stream
     where (${cabinetId ?? null}::bigint is null or r.cabinet_id = ${cabinetId ?? null}::bigint)
     order by r.cabinet_id, r.stream, r.started_at desc, r.id desc`.execute(db);
  return result.rows;
}
