import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

const root = join(__dirname, '..', '..');

/** The first ```ts block after `heading` in the README. */
function exampleAfter(heading: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(heading);
  expect(start).toBeGreaterThan(-1);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  expect(block).not.toBeNull();
  return block![1]!;
}

/** Type-checks `code` as a user's file importing the package (resolved to src/index.ts). */
function diagnostics(code: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'readme-typed-events-'));
  try {
    const file = join(dir, 'example.ts');
    writeFileSync(file, code.replace(/from 'daemon-event-bridge'/g, `from '${join(root, 'src', 'index')}'`));
    const program = ts.createProgram([file], {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ES2022,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
      strict: true,
      noUncheckedIndexedAccess: true,
      noEmit: true,
      skipLibCheck: true,
    });
    return ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('README "Typed events"', () => {
  const example = exampleAfter('### Typed events');

  it('pipes ofEventType and jobState', () => {
    expect(example).toContain('.pipe(ofEventType(');
    expect(example).toContain('.pipe(jobState())');
  });

  it('compiles as written, against the package entry', () => {
    expect(diagnostics(example)).toEqual([]);
  });

  it('would fail to compile with a mistake (the check can fail)', () => {
    const broken = example.replace(
      'e.event.data?.error_classification',
      'e.event.data?.total_cost_usd.toFixed()',
    );
    expect(broken).not.toBe(example);
    expect(diagnostics(broken).join('\n')).toMatch(/total_cost_usd|unknown/);
  });
});
