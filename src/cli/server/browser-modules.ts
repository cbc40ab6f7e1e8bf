import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, posix } from 'node:path';
import type TypeScript from 'typescript';

/** The browser client's entry, relative to a folder of ES modules laid out like `src/`. */
const BROWSER_ENTRY = 'browser/index.js';

/** The modules the dashboard imports from its `lib/` folder: the browser client and the SSE vocabulary. */
const ENTRIES = [BROWSER_ENTRY, 'sse/vocabulary.js'];

/** The one bare import the browser client may have; the dashboard serves it as `rxjs.js`. */
const RXJS = 'rxjs';

/** `import … from '…'`, `export … from '…'` and `import '…'` in compiled ES modules. */
const IMPORT = /^\s*(?:import|export)\s(?:[^'";]*?\sfrom\s*)?(['"])([^'"]+)\1/gm;

/**
 * The ES modules reachable from the browser client's entry and the SSE
 * vocabulary, each by its path relative to the root (`browser/index.js`,
 * `sse/vocabulary.js`, `errors.js` …), read with
 * `read(path)`. Relative imports are followed; `rxjs` is the only bare import
 * allowed, and an import leaving the root throws, so only the browser
 * client's own files are ever collected. scripts/build.mjs uses it (from
 * the CommonJS build) to copy the client into the built dashboard.
 *
 * @public
 */
export function collectModules(read: (path: string) => string): Map<string, string> {
  const modules = new Map<string, string>();
  const pending = [...ENTRIES];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (modules.has(path)) continue;
    const text = read(path);
    modules.set(path, text);
    for (const specifier of importsOf(text)) {
      if (specifier !== RXJS) pending.push(resolveImport(path, specifier));
    }
  }
  return modules;
}

/**
 * The browser client's modules for the dashboard in `dashboardDir`: the ES
 * modules a build copied to its `lib/` folder, else (a source checkout run
 * by ts-node or Jest) the TypeScript sources in `src/`, transpiled with the
 * `typescript` dev dependency.
 */
export function browserModules(dashboardDir: string): Map<string, string> {
  const built = join(dashboardDir, 'lib');
  if (existsSync(join(built, BROWSER_ENTRY))) {
    return collectModules((path) => readFileSync(join(built, path), 'utf8'));
  }
  return transpiledModules(join(dashboardDir, '..', '..'));
}

/**
 * The browser client's modules compiled from the TypeScript sources under
 * `srcDir` (file by file, as `tsc` emits them with isolated modules).
 */
export function transpiledModules(srcDir: string): Map<string, string> {
  const ts = createRequire(join(srcDir, 'index.ts'))('typescript') as typeof TypeScript;
  const compilerOptions = { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 };
  return collectModules((path) => {
    const fileName = join(srcDir, path.replace(/\.js$/, '.ts'));
    return ts.transpileModule(readFileSync(fileName, 'utf8'), { compilerOptions, fileName }).outputText;
  });
}

/**
 * A module's text with its bare `rxjs` import pointed at `rxjsPath` (a path
 * relative to the module), so a browser loads it without an import map.
 */
export function pointRxjsAt(text: string, rxjsPath: string): string {
  return text.replace(IMPORT, (statement, quote: string, specifier: string) =>
    specifier === RXJS
      ? statement.replace(`${quote}${RXJS}${quote}`, `${quote}${rxjsPath}${quote}`)
      : statement,
  );
}

/**
 * RxJS as one ES module: the package's own browser bundle
 * (`dist/bundles/rxjs.umd.min.js`, the version installed beside this
 * package) run in a module scope that hands it an `exports` object, and
 * every export of `rxjs` re-exported by name.
 */
export function rxjsModule(): string {
  const require = createRequire(__filenameOrArgv());
  const dir = join(require.resolve('rxjs/package.json'), '..');
  const bundle = readFileSync(join(dir, 'dist', 'bundles', 'rxjs.umd.min.js'), 'utf8').replace(
    /^\/\/# sourceMappingURL=.*$/m,
    '',
  );
  const names = Object.keys(require('rxjs') as object).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
  return `const exports = {};\nconst module = { exports };\n${bundle}\nexport const { ${names.join(', ')} } = exports;\n`;
}

function importsOf(text: string): string[] {
  return [...text.matchAll(IMPORT)].map((match) => match[2]!);
}

function resolveImport(from: string, specifier: string): string {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
    throw new Error(
      `${from} imports "${specifier}": the browser client may import only rxjs and its own files`,
    );
  }
  const path = posix.normalize(posix.join(posix.dirname(from), specifier));
  if (path.startsWith('../') || !path.endsWith('.js')) {
    throw new Error(`${from} imports "${specifier}", outside the browser client's modules`);
  }
  return path;
}

function __filenameOrArgv(): string {
  // `__filename` exists in the CommonJS build and under Jest; the ES module build resolves from argv[1].
  return typeof __filename === 'string' ? __filename : join(process.cwd(), process.argv[1] ?? 'index.js');
}
