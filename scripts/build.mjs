// Builds dist/cjs (CommonJS) and dist/esm (ES modules), each with declarations.
// Each output folder gets a package.json naming its module type, so Node reads
// the .js files correctly whatever the root package says.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });

const targets = [
  { dir: 'cjs', type: 'commonjs', args: ['--module', 'NodeNext', '--moduleResolution', 'NodeNext'] },
  { dir: 'esm', type: 'module', args: ['--module', 'ES2022', '--moduleResolution', 'Bundler'] },
];
for (const { dir, type, args } of targets) {
  const outDir = join(dist, dir);
  execFileSync(
    process.execPath,
    [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir, ...args],
    {
      stdio: 'inherit',
    },
  );
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type }, null, 2) + '\n');
}

// Static assets (the demo dashboard) are copied beside the compiled code, with the browser
// client's ES modules (dist/esm/browser and what it imports) in its lib/ folder.
const { collectModules } = createRequire(import.meta.url)(
  join(dist, 'cjs', 'cli', 'server', 'browser-modules.js'),
);
const browserClient = collectModules((path) => readFileSync(join(dist, 'esm', path), 'utf8'));
const assets = join(root, 'src', 'cli', 'dashboard');
if (existsSync(assets)) {
  for (const { dir } of targets) {
    const out = join(dist, dir, 'cli', 'dashboard');
    mkdirSync(out, { recursive: true });
    cpSync(assets, out, { recursive: true });
    for (const [path, text] of browserClient) {
      mkdirSync(dirname(join(out, 'lib', path)), { recursive: true });
      writeFileSync(join(out, 'lib', path), text);
    }
  }
}
