// Issue 23, defects 5 and 6 for payouts: payout account numbers were stored in clear text (in
// world-readable database files), and MP_USER did not scope payouts. Now a recipient is sealed with
// the secret key at rest and shown masked unless asked for; a payout belongs to the user who created
// it and another user's payout is "not found".
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelPayout, createPayout, deletePayout, getPayout, listPayouts, updatePayout } from '../../src/payouts/payouts.service.js';
import { isSealed, openRecipient } from '../../src/payouts/recipient-seal.js';
import { sealPlainRecipients } from '../../src/payouts/worker.js';
import { runMp } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testEngine } from '../support/db.js';
import { TEST_SECRET_KEY, testPayoutAccess } from '../support/payouts-seed.js';

const ACCOUNT = '40817810099910004312';
let h: TestDatabase;
beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => {
  await h?.close();
});

describe('payout recipients at rest', () => {
  it('are sealed in the database, masked in listings, in clear only when asked for (with the key)', async () => {
    const alice = testPayoutAccess(h.db, 'alice');
    const { payout } = await createPayout(alice, { amount: '10.00', currency: 'RUB', recipient: ACCOUNT });
    expect(payout.recipient).toBe('****4312');
    const row = await h.db.selectFrom('payouts').select(['recipient', 'recipient_masked']).where('id', '=', payout.id).executeTakeFirstOrThrow();
    expect(row.recipient).not.toContain(ACCOUNT);
    expect(isSealed(row.recipient)).toBe(true);
    expect(row.recipient_masked).toBe('****4312');
    expect((await listPayouts(alice, {})).items.find((p) => p.id === payout.id)?.recipient).toBe('****4312');
    expect((await getPayout(alice, payout.id, { reveal: true })).payout.recipient).toBe(ACCOUNT);
    const changed = await updatePayout(alice, payout.id, { recipient: 'DE89370400440532013000' });
    expect(changed.recipient).toBe('****3000');
    const after = await h.db.selectFrom('payouts').select('recipient').where('id', '=', payout.id).executeTakeFirstOrThrow();
    expect(openRecipient(after.recipient, TEST_SECRET_KEY)).toBe('DE89370400440532013000');
  });

  it('rows written in clear (before sealing, or by SQL) are sealed by the next worker start', async () => {
    await sql`insert into payouts (amount, currency, recipient) values (1.00, 'RUB', 'plain-acct-0001'), (2.00, 'RUB', 'plain-acct-0002')`.execute(h.db);
    expect((await listPayouts(testPayoutAccess(h.db), {})).items.filter((p) => p.recipient === '****0001')).toHaveLength(1);
    expect(await sealPlainRecipients(h.db, TEST_SECRET_KEY)).toBe(2);
    const rows = await h.db.selectFrom('payouts').select(['recipient', 'recipient_masked']).where('recipient_masked', 'in', ['****0001', '****0002']).execute();
    expect(rows.map((r) => openRecipient(r.recipient, TEST_SECRET_KEY)).sort()).toEqual(['plain-acct-0001', 'plain-acct-0002']);
    expect(rows.every((r) => isSealed(r.recipient))).toBe(true);
    expect(await sealPlainRecipients(h.db, TEST_SECRET_KEY)).toBe(0);
  });
});

describe('MP_USER scopes payouts', () => {
  it("bob cannot list, show, change, cancel or delete alice's payout; payouts from before users stay visible to both", async () => {
    const alice = testPayoutAccess(h.db, 'alice');
    const bob = testPayoutAccess(h.db, 'bob');
    const { payout } = await createPayout(alice, { amount: '5.00', currency: 'EUR', recipient: 'alice-acct' });
    await sql`insert into payouts (amount, currency, recipient) values (3.00, 'RUB', 'legacy-acct')`.execute(h.db);
    const ids = async (a: typeof alice) => (await listPayouts(a, { limit: 1000 })).items.map((p) => p.recipient);
    expect(await ids(alice)).toEqual(expect.arrayContaining(['****acct', '****acct']));
    expect((await listPayouts(bob, { limit: 1000 })).items.some((p) => p.id === payout.id)).toBe(false);
    expect((await listPayouts(bob, { limit: 1000 })).items.some((p) => p.recipient === '****acct')).toBe(true); // legacy-acct
    // One at a time (a promise created early would reject before it is awaited).
    for (const attempt of [
      () => getPayout(bob, payout.id),
      () => updatePayout(bob, payout.id, { comment: 'mine' }),
      () => cancelPayout(bob, payout.id),
      () => deletePayout(bob, payout.id),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'PAYOUT_NOT_FOUND' });
    }
    expect((await getPayout(alice, payout.id)).payout.status).toBe('NEW');
    // An idempotency key is global: bob reusing alice's key is a conflict that shows nothing of hers.
    const { payout: keyed } = await createPayout(alice, { amount: '7.00', currency: 'RUB', recipient: 'alice-acct' }, 'shared-key');
    await expect(createPayout(bob, { amount: '7.00', currency: 'RUB', recipient: 'alice-acct' }, 'shared-key')).rejects.toMatchObject({
      code: 'PAYOUT_IDEMPOTENCY_CONFLICT',
      message: expect.not.stringContaining(keyed.id),
    });
  });
});

describe.skipIf(testEngine !== 'pglite')('the embedded database on disk', () => {
  it('holds no payout account number in clear after mp payouts create; show masks it, --show-recipient opens it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mp-secrets-'));
    try {
      const env = { MP_HOME: home, MP_USER: 'alice' };
      const created = await runMp(
        ['--json', 'payouts', 'create', '--amount', '12.34', '--currency', 'RUB', '--recipient', '40702810900000009876', '--comment', 'control-marker-7731'],
        { env },
      );
      expect(created.code, created.stderr).toBe(0);
      const id = JSON.parse(created.stdout).id as string;
      const shown = await runMp(['--json', 'payouts', 'show', id], { env });
      expect(JSON.parse(shown.stdout).recipient).toBe('****9876');
      const revealed = await runMp(['--json', 'payouts', 'show', id, '--show-recipient'], { env });
      expect(JSON.parse(revealed.stdout).recipient).toBe('40702810900000009876');
      const asBob = await runMp(['payouts', 'show', id], { env: { ...env, MP_USER: 'bob' } });
      expect(asBob.code).toBe(1);
      expect(asBob.stderr).toMatch(/no payout with id/);
      // Every file of the database (and the rest of the home): the account number is nowhere in clear.
      const filesWith = (text: string) => {
        const found: string[] = [];
        const walk = (dir: string) => {
          for (const name of readdirSync(dir)) {
            const path = join(dir, name);
            const st = statSync(path);
            if (st.isDirectory()) walk(path);
            else if (st.isFile() && readFileSync(path).includes(text)) found.push(path);
          }
        };
        walk(home);
        return found;
      };
      // The control: the comment (not a secret) did reach the files, so the scan sees the row.
      expect(filesWith('control-marker-7731').length).toBeGreaterThan(0);
      expect(filesWith('40702810900000009876')).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
