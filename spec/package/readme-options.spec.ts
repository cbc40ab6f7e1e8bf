import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncScheduler } from 'rxjs';
import { resolveBridgeOptions } from '../../src/bridge/bridge-options';
import { unixSocketDaemonClientOptionsSchema } from '../../src/daemon/unix-socket-client';
import { gatewayOptionsSchema } from '../../src/http/gateway-options';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

/** The `| \`name\` | default | meaning |` rows of the README table that follows `heading`. */
function optionTable(heading: string): Map<string, string> {
  const start = readme.indexOf(heading);
  expect(start).toBeGreaterThan(-1);
  const rows = new Map<string, string>();
  for (const line of readme.slice(start).split('\n').slice(1)) {
    if (rows.size > 0 && !line.startsWith('|')) break;
    const cells = /^\| `([A-Za-z]+)` \| ([^|]+) \|/.exec(line);
    if (cells) rows.set(cells[1]!, cells[2]!.trim());
  }
  return rows;
}

/** A default as the README writes it: `30_000`, `'text'`, `false`, `[]`, `''`, or words for the rest. */
function written(value: unknown): string | undefined {
  if (typeof value === 'number') return `\`${value.toLocaleString('en-US').replace(/,/g, '_')}\``;
  if (typeof value === 'string') return `\`'${value}'\``;
  if (typeof value === 'boolean') return `\`${String(value)}\``;
  if (Array.isArray(value) && value.length === 0) return 'none';
  return undefined;
}

describe('README option tables match the option schemas (each default stated once, in the schema)', () => {
  it('BridgeOptions', () => {
    const table = optionTable('`BridgeOptions`');
    const defaults = resolveBridgeOptions({}) as unknown as Record<string, unknown>;
    const documented = [...table.keys()].sort();
    expect(documented).toEqual(
      [...Object.keys(defaults), 'logger', 'instanceId'].filter((k, i, all) => all.indexOf(k) === i).sort(),
    );
    for (const [name, value] of Object.entries(defaults)) {
      if (name === 'scheduler') expect(value).toBe(asyncScheduler);
      else if (name === 'reconnect') {
        const { initialDelayMs, maxDelayMs } = value as { initialDelayMs: number; maxDelayMs: number };
        expect(table.get(name)).toBe(
          `\`{ initialDelayMs: ${written(initialDelayMs)!.slice(1, -1)}, maxDelayMs: ${written(maxDelayMs)!.slice(1, -1)} }\``,
        );
      } else expect([name, table.get(name)]).toEqual([name, written(value)]);
    }
  });

  it('UnixSocketDaemonClientOptions', () => {
    const table = optionTable('`UnixSocketDaemonClientOptions`');
    const defaults = unixSocketDaemonClientOptionsSchema.parse({}) as Record<string, unknown>;
    expect([...table.keys()].sort()).toEqual(Object.keys(unixSocketDaemonClientOptionsSchema.shape).sort());
    for (const [name, value] of Object.entries(defaults)) {
      if (name === 'scheduler')
        expect([value, table.get(name)]).toEqual([asyncScheduler, '`asyncScheduler`']);
      else expect([name, table.get(name)]).toEqual([name, written(value)]);
    }
  });

  it('GatewayOptions', () => {
    const table = optionTable('`GatewayOptions`');
    const defaults = gatewayOptionsSchema.parse({}) as Record<string, unknown>;
    const shape = Object.keys(gatewayOptionsSchema.shape).sort();
    expect([...table.keys()].sort()).toEqual(shape);
    for (const [name, value] of Object.entries(defaults)) {
      if (name === 'basePath') expect(table.get(name)).toBe("`''`");
      else expect([name, table.get(name)]).toEqual([name, written(value)]);
    }
  });
});
