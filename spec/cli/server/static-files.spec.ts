import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { DASHBOARD_FILES, defaultDashboardDir, StaticFiles } from '../../../src/cli/server/static-files';
import { startServer, type TestServer } from '../../support/http-server';

const DIR = join(__dirname, '..', '..', '..', 'src', 'cli', 'dashboard');

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: the path is sent exactly as given (no URL normalisation). */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('StaticFiles', () => {
  let server: TestServer;

  beforeAll(async () => {
    const files = new StaticFiles(DIR);
    server = await startServer((req, res) => {
      if (!files.handle(req, res)) res.writeHead(404, { 'Content-Type': 'text/plain' }).end('fallthrough');
    });
  });

  afterAll(() => server.close());

  it.each([
    ['/', 'index.html', 'text/html; charset=utf-8'],
    ['/index.html', 'index.html', 'text/html; charset=utf-8'],
    ['/app.js', 'app.js', 'text/javascript; charset=utf-8'],
    ['/style.css', 'style.css', 'text/css; charset=utf-8'],
    ['/panels.css', 'panels.css', 'text/css; charset=utf-8'],
    ['/screens.css', 'screens.css', 'text/css; charset=utf-8'],
    ['/favicon.svg', 'favicon.svg', 'image/svg+xml'],
    ['/app.js?v=3', 'app.js', 'text/javascript; charset=utf-8'],
  ])('serves %s as %s with %s', async (path, file, type) => {
    const reply = await send(server.url, 'GET', path);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe(type);
    expect(reply.body).toBe(readFileSync(join(DIR, file), 'utf8'));
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
    expect(reply.headers['content-security-policy']).toContain("script-src 'self'");
    expect(reply.headers['content-security-policy']).toContain("connect-src 'self'");
  });

  it.each([
    '/../package.json',
    '/..%2fpackage.json',
    '/%2e%2e/%2e%2e/package.json',
    '/app.js/../../../package.json',
    '//etc/passwd',
    '/static-files.ts',
    '/../static-files.ts',
    '/dashboard/app.js',
    '/app.js%00',
    '/APP.JS',
    '/app.js/',
    '/.',
    '*',
  ])('does not serve %s (only the allow-list exists)', async (path) => {
    const reply = await send(server.url, 'GET', path);
    expect(reply.status).toBe(404);
    expect(reply.body).toBe('fallthrough');
  });

  it('never serves a request target that is not a path (Node answers 400 first)', async () => {
    const reply = await send(server.url, 'GET', 'app.js');
    expect(reply.status).toBe(400);
    expect(reply.body).not.toContain('use strict');
  });

  it('answers HEAD with the headers only', async () => {
    const reply = await send(server.url, 'HEAD', '/app.js');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe('');
    expect(Number(reply.headers['content-length'])).toBe(readFileSync(join(DIR, 'app.js')).length);
  });

  it('answers 304 to a matching If-None-Match, and 200 to a stale one', async () => {
    const first = await send(server.url, 'GET', '/style.css');
    const etag = first.headers['etag'] as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await send(server.url, 'GET', '/style.css', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    const stale = await send(server.url, 'GET', '/style.css', { 'If-None-Match': '"other"' });
    expect(stale.status).toBe(200);
  });

  it('answers 405 with a JSON error to other methods on its paths', async () => {
    const reply = await send(server.url, 'POST', '/');
    expect(reply.status).toBe(405);
    expect(reply.headers['allow']).toBe('GET, HEAD');
    expect(JSON.parse(reply.body)).toEqual({ error: 'method POST not allowed' });
  });

  it('serves the browser client under /lib/ as ES modules, its rxjs import pointed at /lib/rxjs.js', async () => {
    const client = await send(server.url, 'GET', '/lib/browser/gateway-events.js');
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(client.body).toContain("import { Observable } from '../rxjs.js';");
    expect(client.body).toContain('export function gatewayEvents(');
    const errors = await send(server.url, 'GET', '/lib/errors.js');
    expect(errors.body).toContain('export class DaemonEventBridgeError');
    const vocabulary = await send(server.url, 'GET', '/lib/sse/vocabulary.js');
    expect(vocabulary.status).toBe(200);
    expect(vocabulary.body).toContain('export function daemonEventName(');
    const rxjs = await send(server.url, 'GET', '/lib/rxjs.js');
    expect(rxjs.status).toBe(200);
    expect(rxjs.body).toMatch(/export const \{[^}]*\bObservable\b[^}]*\} = exports;\n$/);
    expect((await send(server.url, 'GET', '/lib/browser/missing.js')).status).toBe(404);
    expect((await send(server.url, 'GET', '/lib/../package.json')).status).toBe(404);
  });

  it('throws at construction when a file of the allow-list is missing', () => {
    expect(() => new StaticFiles(join(DIR, '..'))).toThrow(/ENOENT/);
  });

  it('finds the dashboard beside the CLI', () => {
    expect(defaultDashboardDir()).toBe(DIR);
  });
});

describe('the dashboard files', () => {
  const read = (file: string) => readFileSync(join(DIR, file), 'utf8');
  const modules = readdirSync(DIR).filter((file) => file.endsWith('.js'));

  it('are all served (every module of the folder is on the allow-list)', () => {
    expect(modules.length).toBeGreaterThan(5);
    for (const file of modules)
      expect(DASHBOARD_FILES[`/${file}`]).toEqual({ file, type: 'text/javascript; charset=utf-8' });
  });

  it('load nothing from another origin (works offline, no CDN)', () => {
    const html = read('index.html');
    const references = [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);
    expect(references.length).toBeGreaterThanOrEqual(3);
    for (const reference of references) expect(reference).not.toMatch(/^(?:[a-z]+:)?\/\//i);
    for (const file of ['index.html', 'style.css', 'panels.css', 'screens.css', ...modules]) {
      expect(read(file)).not.toMatch(/https?:\/\/|@import|url\(\s*['"]?(?:https?:)?\/\//i);
    }
  });

  it('reference only files the server serves', () => {
    const html = read('index.html');
    const local = [...html.matchAll(/\s(?:src|href)="([\w.-]+\.(?:js|css|svg))"/g)].map(
      (match) => `/${match[1]}`,
    );
    expect(local.sort()).toEqual(['/app.js', '/favicon.svg', '/panels.css', '/screens.css', '/style.css']);
    for (const path of local) expect(DASHBOARD_FILES[path]).toBeDefined();
  });

  it('import only their own modules, the browser client and the SSE vocabulary, each of which the server serves', () => {
    for (const file of modules) {
      for (const [, path] of read(file).matchAll(/^import [^;]*? from '\.\/([^']+)';$/gm)) {
        if (path!.startsWith('lib/'))
          expect(['lib/browser/index.js', 'lib/sse/vocabulary.js', 'lib/rxjs.js']).toContain(path);
        else expect(DASHBOARD_FILES[`/${path}`]).toBeDefined();
      }
      expect(read(file)).not.toMatch(/^import [^;]* from '(?!\.\/)/m);
    }
  });

  it('never parse daemon text as HTML (no innerHTML and the like, no inline script)', () => {
    const js = modules.map(read).join('\n');
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(read('index.html')).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(read('index.html')).not.toMatch(/\son[a-z]+="/);
  });
});
