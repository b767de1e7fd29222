#!/usr/bin/env node
// `npm run bench -- <name> [args] [--json]`: runs bench/<name>.ts (compiled to dist/bench/<name>.js by
// `npm install` / `npm run build`), which prints one line per figure, or with --json one JSON object
// holding them all. `npm run bench` lists them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const available = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  process.stderr.write(
    `${name ? `no benchmark named "${name}". ` : ''}Run one of: ${available.map((n) => `npm run bench -- ${n}`).join(', ')} (add --json for one JSON object)\n`,
  );
  process.exit(name ? 2 : 0);
}
const compiled = `${root}dist/bench/${name}.js`;
if (!existsSync(compiled)) {
  process.stderr.write('The benchmarks are not built: run `npm run build` first.\n');
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--expose-gc', compiled, ...args], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
