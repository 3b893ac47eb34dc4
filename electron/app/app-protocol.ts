/**
 * The `app://` protocol the renderer is served from instead of `file://` (Electron security
 * checklist item 18): a privileged, secure, standard scheme whose handler serves only files
 * under the built renderer folder, refuses every way out of it, and adds the security headers
 * (the Content-Security-Policy, item 7) to every answer.
 */
import { realpath, readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { CustomScheme } from 'electron';
import { securityHeaders } from './content-security-policy';

/** The scheme, host and origin of the renderer: `app://mesh/index.html`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'mesh';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Privileges of `app://`: standard (an origin, relative URLs), secure (a secure context, like
 * https), fetch and CORS for ES modules. No CSP bypass, no service workers, no streams.
 */
export const appSchemePrivileges: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
};

/** True when `url` is a page of ours: scheme `app:` and host `mesh`. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function answer(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/**
 * The path segments of a URL path, decoded, or null when any segment could leave the root:
 * `..`, `.`, or one that decodes to a separator, a NUL or a drive letter (`%2F`, `%5C`, `c:`).
 */
export function safeSegments(pathname: string): string[] | null {
  const segments: string[] = [];
  for (const raw of pathname.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '' || segment === '.' || segment === '..') return null;
    if (/[/\\\0:]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

/** What the handler reads files with; injected by tests. */
export interface RendererFiles {
  readFile(path: string): Promise<Uint8Array<ArrayBuffer>>;
  realpath(path: string): Promise<string>;
}

const nodeFiles: RendererFiles = { readFile, realpath };

/**
 * The `protocol.handle('app', ...)` handler (Electron security checklist 18): answers GET and
 * HEAD for `app://mesh/<path>` with the file under `rootDir`, `/` meaning `index.html`; 404 for
 * anything else, including paths that try to leave `rootDir` by `..`, encoded separators or
 * symbolic links.
 */
export function createAppProtocolHandler(
  rootDir: string,
  files: RendererFiles = nodeFiles,
): (request: Request) => Promise<Response> {
  const root = resolve(rootDir);
  let realRoot: Promise<string> | undefined;
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return answer(405, 'Method not allowed');
    }
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return answer(400, 'Bad URL');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) {
      return answer(404, 'Not found');
    }
    const segments = url.pathname === '/' ? ['index.html'] : safeSegments(url.pathname);
    if (segments === null || segments.length === 0) return answer(404, 'Not found');
    const path = resolve(root, ...segments);
    if (!path.startsWith(root + sep)) return answer(404, 'Not found');
    let body: Uint8Array<ArrayBuffer>;
    try {
      realRoot ??= files.realpath(root);
      const [realPath, realRootPath] = await Promise.all([files.realpath(path), realRoot]);
      if (!realPath.startsWith(realRootPath + sep)) return answer(404, 'Not found');
      body = await files.readFile(realPath);
    } catch {
      return answer(404, 'Not found');
    }
    const headers = {
      ...securityHeaders(),
      'Content-Type': contentTypes[extname(path).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': String(body.byteLength),
    };
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}
