import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { AmbiguousPathError, requestTargetOf } from '../proxy/request-target';

/**
 * The browser app's policy: scripts, styles, images and API calls from this origin only; no inline
 * script or style element, no eval, no plugins, no framing, no <base>, forms only back here. React
 * sets style properties through the CSSOM, which style-src does not govern.
 */
export const WEB_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface WebFile {
  body: Buffer;
  type: string;
  /** Vite's content-hashed output (assets/…): cached for a year; everything else is revalidated. */
  immutable: boolean;
}

/**
 * The built app, read once into memory: a request is looked up by its checked segments in this table,
 * so no request path ever reaches the file system (nothing to traverse, nothing but these files).
 */
export class WebFiles {
  private constructor(
    private readonly files: ReadonlyMap<string, WebFile>,
    private readonly index: WebFile,
  ) {}

  static load(root: string): WebFiles {
    const files = new Map<string, WebFile>();
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else {
          const type = TYPES[extname(name)];
          if (!type) continue;
          const key = relative(root, path).split(sep).join('/');
          files.set(key, { body: readFileSync(path), type, immutable: key.startsWith('assets/') });
        }
      }
    };
    walk(root);
    const index = files.get('index.html');
    if (!index)
      throw new Error(`WEB_ROOT ${root} has no index.html (build the app: npm run build -w services/web)`);
    return new WebFiles(files, index);
  }

  /**
   * The file for a GET of these segments: a built file by its exact path, the app's page for any
   * other path that does not look like a file (the app's router takes it from there), else nothing.
   */
  lookup(segments: readonly string[]): { file: WebFile; page: boolean } | undefined {
    const file = this.files.get(segments.join('/'));
    if (file) return { file, page: file === this.index };
    const last = segments[segments.length - 1] ?? '';
    if (last.includes('.')) return undefined;
    return { file: this.index, page: true };
  }
}

/** Paths that are never the app's: the API and the platform's health checks keep their own handling. */
const NOT_THE_APP = new Set(['api', 'health']);

/**
 * Serves the browser app at / (GET and HEAD only), after securityHeaders and ahead of
 * requestTargetCheck: the path is parsed by the same parser (an ambiguous one falls through to be
 * refused there), the API and health paths fall through untouched, and a missing file is the
 * gateway's generic 404. Pages get the app's strict Content-Security-Policy instead of the API's
 * `default-src 'none'`; every other security header stays as securityHeaders set it.
 */
export function webApp(root: string | undefined) {
  let web: WebFiles | undefined;
  return function serveWebApp(req: Request, res: Response, next: NextFunction): void {
    if (!root || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    let segments: readonly string[];
    try {
      ({ segments } = requestTargetOf(req));
    } catch (err) {
      if (err instanceof AmbiguousPathError) return next();
      return next(err);
    }
    if (segments.length > 0 && NOT_THE_APP.has(segments[0]!)) return next();
    web ??= WebFiles.load(root);
    const found = web.lookup(segments);
    if (!found) return next();
    const { file, page } = found;
    if (page) {
      res.setHeader('Content-Security-Policy', WEB_CONTENT_SECURITY_POLICY);
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    } else if (file.immutable) {
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    }
    res.setHeader('Content-Type', file.type);
    res.setHeader('Content-Length', String(file.body.length));
    res.status(200);
    if (req.method === 'HEAD') res.end();
    else res.end(file.body);
  };
}
