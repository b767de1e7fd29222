// Who is running mp: MP_USER, else the OS user name. Commands that read or change a WB cabinet, a
// Kaspi store, a notification recipient or a payout see only that user's objects (and objects from
// before users existed); another user's object is "not found". Jobs, the daemon and the workers act
// for every user.
import { userInfo } from 'node:os';
import { text } from './validate.js';

/** The current user's name: MP_USER (checked like any text field), else the OS user name. */
export function currentUser(env: NodeJS.ProcessEnv): string {
  if (env.MP_USER !== undefined && env.MP_USER !== '') return text(env.MP_USER, 'MP_USER', { max: 200 });
  try {
    return userInfo().username;
  } catch {
    return 'default';
  }
}
