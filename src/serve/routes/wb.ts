import type { RouteSpec } from '../route.js';

export function wbRoutes(): RouteSpec[] {
  return [];
}
