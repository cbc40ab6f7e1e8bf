import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, posix } from 'node:path';
import { browserModules, pointRxjsAt, rxjsModule } from './browser-modules.js';

const JS = 'text/javascript; charset=utf-8';

/** The dashboard's ES modules (`app.js` is the page's entry; it imports the others). */
const DASHBOARD_MODULES = [
  'app.js',
  'alerts.js',
  'api.js',
  'badge.js',
  'daemon-event.js',
  'dom.js',
  'event-row.js',
  'format.js',
  'health.js',
  'jobs.js',
  'panel.js',
  'sparkline.js',
  'stream.js',
  'timeline.js',
];

/** The dashboard's style sheets, in the order the page loads them. */
const DASHBOARD_STYLES = ['style.css', 'panels.css', 'screens.css'];
const CSS = 'text/css; charset=utf-8';

/**
 * The dashboard's files: URL path → file name and content type. Besides
 * these, only the browser client's modules are served, under `/lib/`
 * ({@link StaticFiles}). Nothing else is ever served.
 */
export const DASHBOARD_FILES: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  ...Object.fromEntries(DASHBOARD_MODULES.map((file) => [`/${file}`, { file, type: JS }])),
  ...Object.fromEntries(DASHBOARD_STYLES.map((file) => [`/${file}`, { file, type: CSS }])),
  '/favicon.svg': { file: 'favicon.svg', type: 'image/svg+xml' },
};

/** Where the page finds the browser client (`lib/browser/index.js`) and RxJS (`lib/rxjs.js`). */
const LIB = '/lib/';

/**
 * The headers of every dashboard response: no sniffing, no framing, no
 * referrer (a `?token=` must not leak), and a Content-Security-Policy that
 * only allows the page's own origin (no CDN, no inline script).
 */
const DASHBOARD_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

/**
 * Serves the dashboard's fixed set of files ({@link DASHBOARD_FILES}) and,
 * under `/lib/`, the package's browser client as ES modules (the
 * `daemon-event-bridge/browser` entry and what it imports, with its `rxjs`
 * import pointed at `/lib/rxjs.js`, RxJS's own browser bundle as a module),
 * all read once into memory: a request for any other path is not handled
 * (the caller passes it on), so there is no path to traverse.
 */
export class StaticFiles {
  private readonly files = new Map<string, { body: Buffer; type: string; etag: string }>();

  /**
   * @param dir The folder holding the files of {@link DASHBOARD_FILES} (a
   * missing one throws) and, in a build, the browser client's modules in `lib/`.
   * @param basePath Serve them under this prefix (the gateway's `basePath`), e.g. `/bridge`.
   */
  constructor(
    dir: string,
    private readonly basePath = '',
  ) {
    for (const [path, { file, type }] of Object.entries(DASHBOARD_FILES)) {
      this.add(path, readFileSync(join(dir, file)), type);
    }
    for (const [path, text] of browserModules(dir)) {
      const rxjs = posix.relative(posix.dirname(path), 'rxjs.js');
      this.add(
        LIB + path,
        Buffer.from(pointRxjsAt(withoutSourceMap(text), rxjs.startsWith('.') ? rxjs : `./${rxjs}`)),
        JS,
      );
    }
    this.add(`${LIB}rxjs.js`, Buffer.from(rxjsModule()), JS);
  }

  private add(path: string, body: Buffer, type: string): void {
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    this.files.set(`${this.basePath}${path}`, { body, type, etag });
  }

  /**
   * Answers the request if its path is a dashboard file (GET and HEAD; 304
   * on a matching `If-None-Match`; 405 for other methods) and returns true;
   * returns false, without touching `res`, for any other path.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const entry = this.files.get(pathOf(req));
    if (entry === undefined) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const body = JSON.stringify({ error: `method ${req.method ?? ''} not allowed` });
      res.writeHead(405, { 'Content-Type': 'application/json; charset=utf-8', Allow: 'GET, HEAD' }).end(body);
      return true;
    }
    const headers = { ...DASHBOARD_HEADERS, 'Content-Type': entry.type, ETag: entry.etag };
    if (req.headers['if-none-match'] === entry.etag) {
      res.writeHead(304, headers).end();
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Length': String(entry.body.length) });
    res.end(req.method === 'HEAD' ? undefined : entry.body);
    return true;
  }
}

/**
 * The dashboard folder beside the running CLI (`dist/cjs/cli/dashboard`, or
 * `src/cli/dashboard` under ts-node and jest).
 */
export function defaultDashboardDir(): string {
  // `__dirname` (cli/server) exists in the CommonJS build (the package's bin); the ES module
  // build runs from argv[1] (cli/main.js).
  const cli =
    typeof __dirname === 'string' ? dirname(__dirname) : dirname(realpathSync(process.argv[1] ?? '.'));
  return join(cli, 'dashboard');
}

/** The request's path, without the query string; '' when the URL is not a path. */
function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '';
  if (!url.startsWith('/')) return '';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** The module without its `//# sourceMappingURL` line: the maps are not served. */
function withoutSourceMap(text: string): string {
  return text.replace(/^\/\/# sourceMappingURL=.*$/m, '');
}
