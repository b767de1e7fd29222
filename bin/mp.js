#!/usr/bin/env node
// Launcher: the CLI is compiled to dist/ by `npm install` (the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('mp is not built yet: run `npm install` (or `npm run build`) in the mp folder.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
