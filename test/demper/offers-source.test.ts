// The repricer's offers source: an offer list Kaspi gave only part of (fewer rows than its own total)
// is unknown for that product — held with a reason — never decided against as if it were whole.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kaspiOffersFetcher } from '../../src/demper/offers-source.js';
import { decide } from '../../src/demper/strategy.js';
import { type FakeKaspi, KASPI_IDS, SHORT_OFFERS_ID, startFakeKaspi } from '../../src/fakes/fake-kaspi.js';
import type { HttpClient } from '../../src/http/client.js';
import { createKaspiClient } from '../../src/kaspi/kaspi.client.js';

const ALMATY = '750000000';
let kaspi: FakeKaspi;
let client: HttpClient;

beforeAll(async () => {
  kaspi = await startFakeKaspi();
  client = createKaspiClient(kaspi.url, { rateLimit: null, retries: 1 });
});
afterEach(() => kaspi?.verify());
afterAll(async () => {
  await client?.close();
  await kaspi?.stop();
});

describe('kaspiOffersFetcher', () => {
  it('a complete list is the offers', async () => {
    const result = await kaspiOffersFetcher(client)(KASPI_IDS.single, ALMATY);
    expect(result.error).toBeUndefined();
    expect(result.offers).toEqual([expect.objectContaining({ price: 34990 })]);
  });

  it('a partial list (Kaspi says 20 offers, gives 4 rows) is unknown with the reason, and the strategy holds', async () => {
    const result = await kaspiOffersFetcher(client)(SHORT_OFFERS_ID, ALMATY);
    expect(result.offers).toBeNull();
    expect(result.error).toMatch(/4 of the 20 offers.*incomplete/);
    const decision = decide(
      result.offers,
      { price: 1000, minPrice: 500, maxPrice: 2000, step: 1, strategy: 'undercut', topN: null, lastRaisedAt: null, marginFloor: null },
      { ownMerchantId: 'ME', exclude: [], sameCityOnly: false, noCompetitionToMax: true },
      new Date(),
    );
    expect(decision.change).toBe(false);
    expect(decision.reason).toBe('UNKNOWN');
  });
});
