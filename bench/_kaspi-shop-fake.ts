// The fake Kaspi Shop API for `npm run bench -- kaspi-orders`, in its own process so its memory and
// CPU are not counted as mp's: `orders` orders with `entries` entries each spread over the last
// 28 days; prints its URL and token, then serves until killed.
import { generateOrders, startFakeKaspiShop } from '../src/fakes/fake-kaspi-shop.js';

const orders = Number(process.argv[2] ?? 50_000);
const entries = Number(process.argv[3] ?? 2);
const span = 28 * 86_400_000;
const from = new Date(Date.now() - span - 3_600_000);
const shop = await startFakeKaspiShop(generateOrders(orders, from, Math.floor(span / orders), entries));
process.stdout.write(`${JSON.stringify({ url: shop.url, token: shop.token })}\n`);
process.on('SIGTERM', () => {
  void shop.stop().then(() => process.exit(0));
});
