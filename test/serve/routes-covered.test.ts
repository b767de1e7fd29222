// Every route of `mp serve` has HTTP tests: each tag of the route table has a test file that checks
// every answer against /openapi.json and ends by asserting that every documented operation and status
// of the tag was exercised (uncoveredOfTag). A route added to an existing tag without a test fails
// that file; a route under a new tag fails here until the table below names its test file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createApiServer } from '../../src/serve/server.js';

const TESTS: Record<string, string> = {
  wb: 'test/serve/wb.test.ts',
  kaspi: 'test/serve/kaspi.test.ts',
  payouts: 'test/payouts/api.test.ts',
  system: 'test/serve/hardening.test.ts',
};

describe('route coverage', () => {
  const server = createApiServer({} as never, { accessLog: null });
  const routes = server.routes;
  server.close();

  it('every route has a tag with a test file that asserts its operations and statuses were all exercised', () => {
    const tags = [...new Set(routes.map((r) => r.tag))].sort();
    expect(tags).toEqual(Object.keys(TESTS).sort());
    for (const [tag, file] of Object.entries(TESTS)) {
      const source = readFileSync(file, 'utf8');
      expect(source, file).toContain(`uncoveredOfTag(doc, spec, '${tag}')`);
      // Its answers are checked against the document: by its own call, or the session's (test/support/api.ts apiSession).
      expect(source, file).toMatch(/spec\.check\(|apiSession\(/);
    }
  });

  it('operation ids are unique and every route needing a token names its scope', () => {
    const ids = routes.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of routes) if (r.path.startsWith('/api/')) expect(r.scope, r.operationId).not.toBeNull();
  });
});
