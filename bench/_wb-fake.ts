// The fake WB API for `npm run bench -- wb`, in its own process so its memory is not counted as
// mp's: prints its URL and a token, then serves until killed.
import { startFakeWb } from '../src/fakes/fake-wb.js';

const orders = Number(process.argv[2] ?? 100_000);
const sales = Number(process.argv[3] ?? 50_000);
const span = 25 * 86_400_000;
const wb = await startFakeWb({
  orders,
  sales,
  products: 500,
  reviews: 2000,
  from: new Date(Date.now() - span - 3_600_000),
  orderStepMs: Math.floor(span / orders),
  saleStepMs: Math.floor(span / sales),
  pageCap: 80_000,
});
process.stdout.write(`${JSON.stringify({ url: wb.url, token: wb.token })}\n`);
process.on('SIGTERM', () => {
  void wb.server.stop().then(() => process.exit(0));
});
