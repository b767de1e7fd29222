import type { RouteSpec } from '../route.js';

export function kaspiRoutes(): RouteSpec[] {
  return [];
}
