import { join } from 'node:path';
import ts from 'typescript';

const ENTRY = join(__dirname, '..', '..', 'src', 'browser', 'index.ts');

/** Type-checks the browser client as a browser project would: DOM types, no Node types. */
function browserDiagnostics(): string[] {
  const program = ts.createProgram([ENTRY], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('the browser client', () => {
  it('type-checks with the DOM library and without Node types (no Buffer, process or node: module)', () => {
    expect(browserDiagnostics()).toEqual([]);
  });
});
