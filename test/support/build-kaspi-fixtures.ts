// Regenerates fixtures/kaspi/ (the committed pages, offer catalogues and review responses):
//   npx tsc -p tsconfig.json && node dist/test/support/build-kaspi-fixtures.js
// The pages are our own variants in the shape of the real captures in fixtures/kaspi/real/ (held
// against them by test/kaspi/fake-conformance.test.ts): full size, navigation, many scripts, the item
// state in the middle, JSON-LD, the item markup.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildNotFoundPage, FIXTURE_PRODUCTS, fixtureOffers, fixtureReviews, fixtureSpec, SHORT_OFFERS_PRODUCT } from '../../src/fakes/kaspi-fixture-specs.js';
import { buildProductPage } from '../../src/fakes/kaspi-page-builder.js';

const dir = fileURLToPath(new URL('../../../fixtures/kaspi/', import.meta.url));
mkdirSync(`${dir}offers`, { recursive: true });
mkdirSync(`${dir}reviews`, { recursive: true });

for (const product of FIXTURE_PRODUCTS) {
  writeFileSync(`${dir}${product.page}`, buildProductPage(fixtureSpec(product)));
  writeFileSync(`${dir}offers/${product.id}.json`, `${JSON.stringify(fixtureOffers(product), null, 1)}\n`);
  writeFileSync(`${dir}reviews/${product.id}.json`, `${JSON.stringify(fixtureReviews(product), null, 1)}\n`);
}
writeFileSync(`${dir}${SHORT_OFFERS_PRODUCT.page}`, buildProductPage(SHORT_OFFERS_PRODUCT.spec));
writeFileSync(`${dir}not-found.html`, buildNotFoundPage());
process.stdout.write(`wrote ${FIXTURE_PRODUCTS.length} product pages, offers and reviews to ${dir}\n`);
