// A real crash: `mp wb notify deliver` is killed (SIGKILL) while Telegram is answering a message;
// the next run sends everything else once and that message never again (checked at the fake server).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { notifyConfig } from '../../src/notify/notify-config.js';
import { runMp } from '../support/cli.js';
import { type CrashWorld, killDuringFirstSend, startCrashWorld } from '../support/crash-delivery.js';
import { addCabinet, addChat, writeSyncEvents } from './helpers.js';

describe('SIGKILL between send and mark', () => {
  let world: CrashWorld;

  beforeAll(async () => {
    world = await startCrashWorld('mp-notify-crash-', async (h) => {
      const cab = await addCabinet(h, 'Crash');
      await addChat(h, cab, '5001', { group_threshold: 0 });
      await writeSyncEvents(h, cab, [
        { type: 'new_order', key: 'k1', payload: { srid: 'k1' } },
        { type: 'new_order', key: 'k2', payload: { srid: 'k2' } },
        { type: 'new_order', key: 'k3', payload: { srid: 'k3' } },
      ]);
    });
  }, 240_000); // a fresh embedded database (all migrations) on a loaded 2-core machine
  afterAll(async () => world?.close());
  afterEach(() => world.tg.server.verify());

  it('sends nothing twice after a restart', { timeout: 300_000 }, async () => {
    const first = await killDuringFirstSend(world, ['wb', 'notify', 'deliver'], 5001);

    const again = await runMp(['wb', 'notify', 'deliver', '--json'], { env: world.env, timeoutMs: 180_000 });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 3, unconfirmed: 1, dead: 0 });
    const all = world.sends();
    expect(all).toHaveLength(3);
    expect(new Set(all).size).toBe(3);
    expect(all.filter((t) => t === first)).toHaveLength(1);
    for (const srid of ['k1', 'k2', 'k3']) expect(all.filter((t) => t.includes(srid))).toHaveLength(1);
  });
});

describe('MP_NOTIFY_LEASE', () => {
  const lease = (value?: string) => notifyConfig(resolveConfig({}, value === undefined ? {} : { MP_NOTIFY_LEASE: value })).leaseMs;
  it('defaults to 10 minutes, takes durations, and refuses less than a second', () => {
    expect(lease()).toBe(600_000);
    expect(lease('90s')).toBe(90_000);
    expect(lease('2m')).toBe(120_000);
    expect(() => lease('0')).toThrow(/MP_NOTIFY_LEASE must be from 1s/);
    expect(() => lease('500ms')).toThrow(/MP_NOTIFY_LEASE must be from 1s/);
    expect(() => lease('soon')).toThrow(/MP_NOTIFY_LEASE/);
  });
});
