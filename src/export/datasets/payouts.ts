// Payouts (sql/0004_payouts.sql) as export datasets. Recipient details are masked here as
// everywhere they are shown; the event trail includes events of deleted payouts.
import { sql } from 'kysely';
import { defineDataset } from '../dataset.js';

export const payouts = defineDataset({
  name: 'payouts',
  description: 'payout requests: amount, currency, masked recipient, status, attempts, times',
  key: 'seq',
  since: 'created_at',
  columns: [
    { name: 'seq', type: 'integer', description: 'creation order' },
    { name: 'id', type: 'text', from: sql`id::text` },
    { name: 'amount', type: 'decimal', scale: 2 },
    { name: 'currency', type: 'text' },
    {
      name: 'recipient',
      type: 'text',
      description: 'masked: ****1234',
      // The mask stored beside the sealed value (sql/0022); a row still plain is masked here.
      from: sql`coalesce(recipient_masked, case when recipient ~ '^v1[.]' or char_length(recipient) <= 4 then '****' else '****' || right(recipient, 4) end)`,
    },
    { name: 'comment', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'attempts', type: 'integer' },
    { name: 'last_error', type: 'text' },
    { name: 'idempotency_key', type: 'text' },
    { name: 'created_at', type: 'timestamp' },
    { name: 'updated_at', type: 'timestamp' },
    { name: 'processed_at', type: 'timestamp' },
  ],
  source: (db) => db.selectFrom('payouts'),
});

export const payoutEvents = defineDataset({
  name: 'payout-events',
  description: 'every status change of every payout: from, to, when, which worker, why',
  key: 'id',
  since: 'at',
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'payout_id', type: 'text', from: sql`payout_id::text` },
    { name: 'from_status', type: 'text' },
    { name: 'to_status', type: 'text' },
    { name: 'at', type: 'timestamp' },
    { name: 'worker', type: 'text' },
    { name: 'detail', type: 'text' },
  ],
  source: (db) => db.selectFrom('payout_events'),
});

export const payoutDatasets = [payouts, payoutEvents];
