import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/, written down once: each folder may import only the
 * folders listed for it (and the base files src/*.ts). `npm run lint` fails on
 * any other import between folders. README "Architecture" draws this.
 */
const LAYERS = {
  sse: [],
  events: [],
  operators: ['events', 'sse'],
  daemon: ['events'],
  browser: ['events', 'operators', 'sse'],
  testing: ['daemon'],
  bridge: ['daemon', 'events', 'operators', 'sse'],
  http: ['bridge', 'events', 'operators', 'sse'],
  nats: ['bridge', 'daemon', 'operators', 'sse'],
  cli: ['bridge', 'browser', 'daemon', 'http', 'nats', 'operators', 'sse', 'testing'],
};

const folderPatterns = (folders) => folders.flatMap((folder) => [`**/${folder}/*`, `**/${folder}`]);

const layeringRules = [
  {
    files: ['src/*.ts'],
    ignores: ['src/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: folderPatterns(Object.keys(LAYERS)), message: 'base files (src/*.ts) import no layer' },
          ],
        },
      ],
    },
  },
  ...Object.entries(LAYERS).map(([layer, allowed]) => {
    const forbidden = Object.keys(LAYERS).filter((other) => other !== layer && !allowed.includes(other));
    return {
      files: [`src/${layer}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns:
              forbidden.length === 0
                ? []
                : [
                    {
                      group: folderPatterns(forbidden),
                      message: `src/${layer} may import only ${allowed.length ? allowed.join(', ') : 'the base files'} (see LAYERS in eslint.config.mjs)`,
                    },
                  ],
          },
        ],
      },
    };
  }),
];

export default tseslint.config(
  // The Angular example is checked by its own build (ng build), not by this config.
  { ignores: ['examples/angular-ssr/'] },
  {
    ignores: ['dist/', 'coverage/', 'node_modules/', '.tmp/', 'scripts/', '*.config.*'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layeringRules,
  {
    files: ['spec/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // The dashboard: plain ES modules run by the browser as they are (no type information).
    files: ['src/cli/dashboard/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'module',
      globals: Object.fromEntries(
        [
          'document',
          'location',
          'history',
          'fetch',
          'URL',
          'URLSearchParams',
          'requestAnimationFrame',
          'setTimeout',
          'setInterval',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // The browser client runs in browsers: rxjs and its own files only, nothing from Node.
    files: ['src/browser/**/*.ts'],
    rules: {
      // A rule of its own name, so the layering's no-restricted-imports still applies here.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!rxjs$|\\.)', message: 'the browser client imports only rxjs and files of src/' },
          ],
        },
      ],
    },
  },
);
