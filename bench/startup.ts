// `npm run bench -- startup`: median wall time of `mp --help` against `node -e 0` (20 runs each).
import { fileURLToPath } from 'node:url';
import { figure, median, timeCommand } from './_util.js';

const runs = Number(process.argv[2] ?? 20);
const mp = fileURLToPath(new URL('../../bin/mp.js', import.meta.url));
const node = process.execPath;

// Warm the file cache once for both.
timeCommand(node, ['-e', '0']);
timeCommand(node, [mp, '--help']);

const baseline: number[] = [];
const help: number[] = [];
for (let i = 0; i < runs; i++) {
  baseline.push(timeCommand(node, ['-e', '0']));
  help.push(timeCommand(node, [mp, '--help']));
}
const b = median(baseline);
const h = median(help);
figure('node -e 0 median', b, 'ms');
figure('mp --help median', h, 'ms');
figure('ratio', h / b, 'x (target ≤ 1.6)');
