// The built-in jobs, one per domain service that has landed. run() imports the service lazily.
import type { JobDefinition } from './registry.js';

export const builtinJobs: JobDefinition[] = [];
