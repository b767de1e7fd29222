// The demo's world: a throw-away home and the project's fake Kaspi, Wildberries and Telegram
// servers on 127.0.0.1 (compiled to dist/test/support/ by the build), with the environment that
// points mp at them.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The mp installation: the folder with package.json and bin/mp.js (from src/demo or dist/src/demo). */
export function installRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'bin', 'mp.js')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find the mp installation (bin/mp.js) above src/demo');
}

/** A fake server module compiled next to mp (dist/test/support/<name>.js), or undefined when absent. */
export async function loadFake<T>(name: string): Promise<T | undefined> {
  const root = installRoot();
  // Built: dist/test/support/*.js. Under vitest (no dist): test/support/*.ts through its loader.
  for (const path of [join(root, 'dist', 'test', 'support', `${name}.js`), join(root, 'test', 'support', `${name}.ts`)]) {
    if (existsSync(path)) return (await import(pathToFileURL(path).href)) as T;
  }
  return undefined;
}

export interface Stoppable {
  stop(): Promise<void>;
}

/** The throw-away home and everything started for the demo; dispose() removes it all. */
export class DemoWorld {
  readonly home = mkdtempSync(join(tmpdir(), 'mp-demo-'));
  readonly env: NodeJS.ProcessEnv;
  private readonly started: Stoppable[] = [];

  constructor(base: NodeJS.ProcessEnv) {
    const env: NodeJS.ProcessEnv = { ...base, MP_HOME: this.home };
    // The demo never touches the user's database, config or key.
    for (const key of ['DATABASE_URL', 'MP_CONFIG', 'MP_SECRET_KEY', 'MP_EXTRA_JOBS']) delete env[key];
    for (const key of Object.keys(env)) if (key.startsWith('MP_SCHEDULE_') || key.startsWith('MP_PAYOUTS_')) delete env[key];
    this.env = env;
  }

  /** Keeps a started server to stop on dispose(). */
  own<T extends Stoppable>(server: T): T {
    this.started.push(server);
    return server;
  }

  async dispose(): Promise<void> {
    for (const s of this.started.reverse()) await s.stop().catch(() => {});
    rmSync(this.home, { recursive: true, force: true });
  }
}
