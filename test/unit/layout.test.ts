// The layout rules of ../shared/DESIGN.md that a grep can check (issue 16): commands are adapters —
// no file under src/commands/ imports a repository, an HTTP/Telegram client or a lock module (they
// call services and operations, which take their own locks) — nothing under src/ imports test/, the
// demo does not import the command tree, command group files stay small, and only src/cli.ts decides
// an exit code.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports: static, type-only and dynamic `import()`. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  return out;
}

/** A repository (`*.repository.js`), a client (`client.js`, `*-client.js`, `*.client.js`) or a lock module (`locks.js`, `*-lock.js`). */
const FORBIDDEN_IN_COMMANDS = /(?:\.repository|(?:^|[/.-])client|(?:^|[/-])locks?)\.js$/;

describe('layout', () => {
  it('the forbidden-import pattern catches what it should and nothing else', () => {
    for (const bad of [
      '../../kaspi/tracked.repository.js',
      '../../http/client.js',
      '../../kaspi/kaspi.client.js',
      '../../kaspi/merchant/mc-client.js',
      '../../notify/telegram/telegram-client.js',
      '../../db/locks.js',
      '../../demper/write-lock.js',
    ])
      expect(bad, bad).toMatch(FORBIDDEN_IN_COMMANDS);
    for (const ok of ['../../wb/sync.operation.js', '../../kaspi/merchant/stores.service.js', '../../core/operation-deps.js', './options.js', 'node:fs'])
      expect(ok, ok).not.toMatch(FORBIDDEN_IN_COMMANDS);
  });

  it('no file under src/commands/ imports a repository, client or lock module', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(root, 'src', 'commands'))) {
      const name = relative(root, file).split('\\').join('/');
      for (const spec of specifiers(readFileSync(file, 'utf8'))) if (FORBIDDEN_IN_COMMANDS.test(spec)) offenders.push(`${name}: ${spec}`);
    }
    expect(offenders).toEqual([]);
  });

  it('nothing under src/ imports test/', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(root, 'src'))) {
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = relative(root, join(file, '..', spec))
          .split('\\')
          .join('/');
        if (target === 'test' || target.startsWith('test/')) offenders.push(`${relative(root, file)}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  /** The files (repository-relative) a file under src/ imports with a relative specifier. */
  const relativeImports = (file: string): string[] =>
    specifiers(readFileSync(file, 'utf8'))
      .filter((spec) => spec.startsWith('.'))
      .map((spec) =>
        relative(root, join(file, '..', spec))
          .split('\\')
          .join('/')
          .replace(/\.js$/, '.ts'),
      );

  it('src/demo does not import the command tree (src/cli.ts, src/cli/)', () => {
    const offenders = sourceFiles(join(root, 'src', 'demo')).flatMap((file) =>
      relativeImports(file)
        .filter((t) => t === 'src/cli.ts' || t.startsWith('src/cli/'))
        .map((t) => `${relative(root, file)}: ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  /** The files under src/<from>/ that import something under src/<to>/, with what they import. */
  const importsOf = (from: string, to: string): string[] =>
    sourceFiles(join(root, 'src', from)).flatMap((file) =>
      relativeImports(file)
        .filter((t) => t.startsWith(`src/${to}/`))
        .map((t) => `${relative(root, file)} -> ${t}`),
    );

  it('demper and preorders do not import each other in a circle', () => {
    expect(importsOf('demper', 'preorders').length > 0 && importsOf('preorders', 'demper').length > 0).toBe(false);
  });

  // costs↔profit (the percentage rule now in core/percent.ts), demper↔profit (Kaspi's minimum price
  // now in kaspi/merchant/price-rules.ts): profit reads costs and the demper reads profit's floors,
  // never the other way.
  it.each([
    ['costs', 'profit'],
    ['demper', 'profit'],
  ])('%s and %s do not import each other in a circle', (a, b) => {
    const there = importsOf(a, b);
    const back = importsOf(b, a);
    expect(there.length > 0 && back.length > 0, [...there, ...back].join('\n')).toBe(false);
  });

  it('notify does not import the scheduler (the scheduler calls notify, never the other way)', () => {
    const offenders = sourceFiles(join(root, 'src', 'notify')).flatMap((file) =>
      relativeImports(file)
        .filter((t) => t.startsWith('src/schedule/'))
        .map((t) => `${relative(root, file)}: ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('each command group file under src/cli/ stays near 150 lines', () => {
    const long = sourceFiles(join(root, 'src', 'cli'))
      .map((file) => ({ file: relative(root, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter((f) => f.lines > 170);
    expect(long).toEqual([]);
  });

  it('only src/cli.ts decides the exit code: no command sets process.exitCode or returns one', () => {
    const offenders = [...sourceFiles(join(root, 'src', 'commands')), ...sourceFiles(join(root, 'src', 'cli'))]
      .filter((file) => /process\.exitCode\s*=|Promise<number>/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });
});
