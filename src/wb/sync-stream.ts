// What every stream implementation gets, and the rule that turns detected changes into events.

import type { Logger } from '../core/log.js';
import type { Clock } from '../core/time.js';
import type { WbStream } from '../db/schema/wb.js';
import { insertEvents, type NewEvent } from './event.repository.js';
import { syncGapEvent } from './event-payloads.js';
import type { Db } from './recordset.js';
import type { StreamState } from './sync-state.repository.js';
import type { WbClient } from './wb-client.js';

/** A gap longer than this since a stream's last success gets one sync_gap event, not a burst. */
export const GAP_MS = 24 * 3_600_000;

export interface StreamRun {
  db: Db;
  cabinetId: string;
  stream: WbStream;
  runId: string;
  client: WbClient;
  clock: Clock;
  log: Logger;
  state: StreamState | undefined;
  /** First sync of this stream: rows only, no events. */
  initial: boolean;
  /** Backfill start for an initial sync. */
  since: Date;
  /** The wait between statistics requests once WB says the burst is spent (WB: 60 s). */
  statisticsIntervalMs: number;
}

export interface StreamCounts {
  rowsNew: number;
  rowsUpdated: number;
  events: number;
}

/**
 * Collects the events of one unit of work that is written in several chunks (one transaction):
 * each chunk's events are inserted at once, except after a gap, when only their counts are kept
 * and `flush` writes the one sync_gap summary.
 */
export class EventSink {
  private readonly held: NewEvent[] = [];
  written = 0;
  constructor(private readonly run: StreamRun) {}

  private get gap(): boolean {
    const last = this.run.state?.last_success_at;
    return Boolean(last && this.run.clock.now().getTime() - last.getTime() > GAP_MS);
  }

  async add(trx: Db, events: readonly NewEvent[]): Promise<void> {
    if (this.run.initial || events.length === 0) return;
    // Only type counts are needed for the summary: keep tiny stand-ins, not the payloads.
    if (this.gap) for (const e of events) this.held.push({ type: e.type, eventKey: '', occurredAt: e.occurredAt, payload: {} });
    else this.written += await insertEvents(trx, this.run.cabinetId, events);
  }

  async flush(trx: Db, unitKey: string): Promise<void> {
    if (this.held.length === 0) return;
    this.written += await writeEvents(trx, this.run, this.held, unitKey);
    this.held.length = 0;
  }
}

/**
 * Writes the events of one unit of work inside its transaction: none on an initial sync, one
 * sync_gap summary after a gap of more than 24 h, else each event (deduplicated by key).
 */
export async function writeEvents(trx: Db, run: StreamRun, events: readonly NewEvent[], unitKey: string): Promise<number> {
  if (run.initial || events.length === 0) return 0;
  const last = run.state?.last_success_at;
  const now = run.clock.now();
  if (last && now.getTime() - last.getTime() > GAP_MS) {
    return insertEvents(trx, run.cabinetId, [syncGapEvent(run.stream, `${run.stream}:${run.runId}:${unitKey}`, events, last, now)]);
  }
  return insertEvents(trx, run.cabinetId, events);
}
