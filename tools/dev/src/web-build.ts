import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(__dirname, '../../..');
/** The browser app's project and its built files (the gateway's WEB_ROOT). */
export const webProject = join(root, 'services', 'web');
export const webDist = join(webProject, 'dist');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * Builds the browser app (Vite) into services/web/dist unless the build is newer than every source
 * file, so `npm start` and the browser tests on a clean clone need no manual step. Returns WEB_ROOT.
 */
export function buildWebApp(log: (line: string) => void = () => undefined): string {
  const built = join(webDist, 'index.html');
  const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'].map((p) =>
    join(webProject, p),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(...sources.filter(existsSync).map(newest))) {
    log('browser app is up to date (services/web/dist)');
    return webDist;
  }
  log('building the browser app (services/web, vite build)…');
  // The workspace's own Vite (npm may install it under services/web/node_modules).
  const vite = join(dirname(require.resolve('vite/package.json', { paths: [webProject] })), 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: webProject,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return webDist;
}
