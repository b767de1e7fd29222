// Issue 16: the notification settings go through the typed settings table, so a bad value is a usage
// error (exit 2) naming the variable — in the wb.notify job before anything runs, as in every command.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config.js';
import { UsageError } from '../../src/core/errors.js';
import { notifyConfig } from '../../src/notify/notify-config.js';
import { wbNotify } from '../../src/schedule/jobs/wb-notify.js';

const config = (env: NodeJS.ProcessEnv) => resolveConfig({ home: '/nonexistent-mp-home' }, env);

describe('notification settings', () => {
  it('defaults, and typed values from the environment', () => {
    expect(notifyConfig(config({}))).toEqual({
      telegramUrl: 'https://api.telegram.org',
      perSecond: 25,
      perChatMs: 1112,
      webhookMaxAttempts: 10,
      telegramMaxAttempts: 8,
      leaseMs: 600_000,
    });
    expect(notifyConfig(config({ MP_TELEGRAM_URL: 'http://127.0.0.1:9/', MP_TELEGRAM_RATE: '2.5' }))).toMatchObject({
      telegramUrl: 'http://127.0.0.1:9',
      perSecond: 2.5,
    });
  });

  it('the wb.notify job refuses a bad value before it runs, naming the variable', () => {
    for (const [name, value] of [
      ['MP_TELEGRAM_RATE', 'abc'],
      ['MP_NOTIFY_WEBHOOK_ATTEMPTS', '2.5'],
      ['MP_TELEGRAM_URL', 'telegram'],
    ] as const) {
      let error: unknown;
      try {
        wbNotify.checkSettings?.(config({ [name]: value }));
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(UsageError);
      expect((error as Error).message, name).toContain(name);
    }
  });
});
