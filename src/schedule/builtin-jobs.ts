// The built-in jobs, one per domain service that has landed. Each run() imports its service lazily,
// so `mp jobs status` and `mp --help` load no domain code.
import { demperRun } from './jobs/demper-run.js';
import { kaspiOrders } from './jobs/kaspi-orders.js';
import { kaspiScrape } from './jobs/kaspi-scrape.js';
import { payoutsProcess } from './jobs/payouts-process.js';
import { wbNotify } from './jobs/wb-notify.js';
import { wbSync } from './jobs/wb-sync.js';
import type { JobDefinition } from './registry.js';

export const builtinJobs: JobDefinition[] = [kaspiScrape, kaspiOrders, wbSync, wbNotify, demperRun, payoutsProcess];
