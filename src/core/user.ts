// Who is running mp: MP_USER, else the OS user name. Commands that read or change a WB cabinet, a
// Kaspi store, a notification recipient or a payout see only that user's objects (and objects from
// before users existed); another user's object is "not found". Jobs, the daemon and the workers act
// for every user.
import type { Config } from './config.js';
import { readSetting } from './settings.js';

/** The current user's name: the `user` setting (MP_USER, checked like any text field), else the OS user name. */
export function currentUser(config: Config): string {
  return readSetting(config, 'user');
}
