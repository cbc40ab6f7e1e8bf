import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const src = join(__dirname, '..', '..', 'src');
const ENTRIES = ['index.ts', 'http/index.ts', 'testing/index.ts', 'browser/index.ts', 'nats/index.ts'];
/** The metrics entry is a module of its own (its exports are named in it). */
const METRICS_ENTRY = 'http/metrics-prometheus.ts';

/** Every name a package entry exports. */
function publicNames(): Set<string> {
  const names = new Set<string>();
  for (const entry of ENTRIES) {
    const text = readFileSync(join(src, entry), 'utf8');
    for (const [, block] of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
      for (const item of block!.split(',')) {
        const name = item
          .replace(/^\s*type\s+/, '')
          .split(' as ')
          .at(-1)!
          .trim();
        if (name !== '') names.add(name);
      }
    }
  }
  return names;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The code of each TSDoc `@example` block of a file, comment stars removed. */
function examples(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/@example\s*\n\s*\* ```ts\n([\s\S]*?)\* ```/g)].map(([, body]) =>
    body!
      .split('\n')
      .map((line) => line.replace(/^\s*\* ?/, ''))
      .join('\n'),
  );
}

/** Names the example uses as values or types (not property names or keys), outside strings and comments. */
function usedNames(code: string): Set<string> {
  const bare = code.replace(/'[^'\n]*'|"[^"\n]*"|`[^`]*`|\/\/.*$/gm, '');
  return new Set(
    [...bare.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)(?![\w$])(?!\??:)/g)].map(([, name]) => name!),
  );
}

describe('TSDoc examples import the package names they use', () => {
  const names = publicNames();
  const files = sourceFiles(src).filter((file) => !file.endsWith('index.ts'));

  it('finds the package entries and examples', () => {
    expect(names.has('DaemonEventBridge')).toBe(true);
    expect(files.flatMap(examples).length).toBeGreaterThan(50);
  });

  it('puts examples on the public surface only: exported names and the members of exported classes', () => {
    const internal: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const metrics = relative(src, file) === METRICS_ENTRY;
      for (const match of text.matchAll(/^([ \t]*)\/\*\*(?:(?!\*\/)[\s\S])*@example[\s\S]*?\*\/\n(.*)/gm)) {
        const [, indent, declaration] = match;
        // A member: public when its class or interface is.
        const owner =
          indent === ''
            ? /^export (?:declare )?(?:abstract )?(?:async )?(?:class|function|const|interface|type) (\w+)/.exec(
                declaration!,
              )?.[1]
            : [
                ...text.slice(0, match.index).matchAll(/^export (?:abstract )?(?:class|interface) (\w+)/gm),
              ].at(-1)?.[1];
        const isPublic = owner !== undefined && (names.has(owner) || (metrics && indent === ''));
        if (!isPublic) internal.push(`${relative(src, file)}: ${declaration!.trim().slice(0, 60)}`);
      }
    }
    expect(internal).toEqual([]);
  });

  it.each(files.map((file) => [relative(src, file), file]))('%s', (_name, file) => {
    const missing: string[] = [];
    for (const code of examples(file)) {
      const imported = new Set(
        [...code.matchAll(/^import\s+(?:type\s+)?\{([^}]*)\}/gm)].flatMap(([, list]) =>
          list!.split(',').map((item) => item.replace(/^\s*type\s+/, '').trim()),
        ),
      );
      const declared = new Set(
        [...code.matchAll(/\b(?:const|let|class|function)\s+([A-Za-z_$][\w$]*)/g)].map(([, n]) => n!),
      );
      for (const name of usedNames(code)) {
        if (names.has(name) && !imported.has(name) && !declared.has(name))
          missing.push(`${name} in: ${code.split('\n')[0]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
