// The demo's world: a throw-away home and the project's fake Kaspi, Wildberries and Telegram
// servers on 127.0.0.1 (src/fakes/), with the environment that points mp at them.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Stoppable {
  stop(): Promise<void>;
}

/** The throw-away home and everything started for the demo; dispose() removes it all. */
export class DemoWorld {
  readonly home = mkdtempSync(join(tmpdir(), 'mp-demo-'));
  readonly env: NodeJS.ProcessEnv;
  private readonly started: Stoppable[] = [];

  constructor(base: NodeJS.ProcessEnv) {
    sweepAbandonedHomes();
    writeFileSync(join(this.home, OWNER_FILE), String(process.pid));
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

const OWNER_FILE = 'demo.pid';

/**
 * Removes the homes of earlier demos whose process is gone (killed before it could clean up):
 * only folders named mp-demo-* holding our owner file, never anything else.
 */
function sweepAbandonedHomes(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('mp-demo-')) continue;
    const dir = join(tmpdir(), name);
    let pid: number;
    try {
      pid = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue;
    }
    if (!Number.isInteger(pid) || pid <= 0 || alive(pid)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
