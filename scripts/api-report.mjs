// Writes (with --update) or checks the API reports in api/: one per package
// entry, made by API Extractor from the compiled declarations. A change to the
// public surface therefore shows up in review as a diff of api/*.api.md, and
// `npm run lint` fails while the checked-in report is stale.
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const update = process.argv.includes('--update');
const dts = join(root, '.tmp', 'api-dts');

/** The package's entries: subpath → declaration file under dts. */
const ENTRIES = {
  'daemon-event-bridge': 'index.d.ts',
  http: 'http/index.d.ts',
  testing: 'testing/index.d.ts',
  metrics: 'http/metrics-prometheus.d.ts',
  browser: 'browser/index.d.ts',
  nats: 'nats/index.d.ts',
};

rmSync(dts, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    join(root, 'tsconfig.build.json'),
    '--emitDeclarationOnly',
    '--declarationMap',
    'false',
    '--outDir',
    dts,
  ],
  { stdio: 'inherit' },
);

let failed = false;
for (const [name, file] of Object.entries(ENTRIES)) {
  const entry = join(dts, file);
  if (!existsSync(entry)) continue;
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: entry,
      compiler: { tsconfigFilePath: join(root, 'tsconfig.build.json') },
      apiReport: {
        enabled: true,
        reportFileName: `${name}.api.md`,
        reportFolder: join(root, 'api'),
        reportTempFolder: join(root, '.tmp', 'api'),
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        extractorMessageReporting: {
          default: { logLevel: 'none' },
          'ae-missing-release-tag': { logLevel: 'none' },
          'ae-forgotten-export': { logLevel: 'none' },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
        compilerMessageReporting: { default: { logLevel: 'warning' } },
      },
    },
    configObjectFullPath: join(root, 'api', 'api-extractor.json'),
    packageJsonFullPath: join(root, 'package.json'),
  });
  const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false });
  if (result.apiReportChanged && !update) {
    console.error(`api/${name}.api.md is out of date: run \`npm run api:update\` and commit the diff`);
    failed = true;
  } else if (!result.succeeded) {
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
