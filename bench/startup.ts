// `npm run bench -- startup [runs=20] [--json]`: median wall time of `mp --help` against `node -e 0` (20 runs each).
import { fileURLToPath } from 'node:url';
import { benchArgs, figure, finish, median, timeCommand } from './_util.js';

const runs = Number(benchArgs[0] ?? 20);
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
figure('node_ms', 'node -e 0 median', b, 'ms');
figure('mp_help_ms', 'mp --help median', h, 'ms');
figure('ratio', 'ratio', h / b, 'x (target ≤ 1.6)');
finish();
