import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { transpiledModules } from '../../src/cli/server/browser-modules';

const ROOT = join(__dirname, '..', '..');

/**
 * Compiles src/ to CommonJS in a private temp dir, file by file (the project
 * sets isolatedModules, so this is what tsc emits, without the type check the
 * lint step already does), with the dashboard beside cli/ and node_modules
 * linked, and the browser client as ES modules in the dashboard's lib/. Private, so concurrent test files and a concurrent `npm run build`
 * never see each other's half-written output. Returns the dir; remove it with
 * {@link removeBuild}.
 */
export function buildSrc(): string {
  const out = mkdtempSync(join(tmpdir(), 'deb-src-'));
  const src = join(ROOT, 'src');
  const compilerOptions: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    sourceMap: false,
  };
  for (const file of walk(src)) {
    const target = join(out, relative(src, file));
    mkdirSync(dirname(target), { recursive: true });
    if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions,
        fileName: file,
      });
      writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
    }
  }
  cpSync(join(src, 'cli', 'dashboard'), join(out, 'cli', 'dashboard'), { recursive: true });
  // The dashboard loads the browser client as ES modules from its lib/ folder, as in the package.
  for (const [path, text] of transpiledModules(src)) {
    mkdirSync(dirname(join(out, 'cli', 'dashboard', 'lib', path)), { recursive: true });
    writeFileSync(join(out, 'cli', 'dashboard', 'lib', path), text);
  }
  const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
    string,
    string
  >;
  writeFileSync(join(out, 'package.json'), JSON.stringify({ name, version, type: 'commonjs' }));
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
  return out;
}

/** Removes a dir made by {@link buildSrc}. */
export function removeBuild(dir: string | undefined): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'dashboard') yield* walk(path);
    } else yield path;
  }
}
