/** Which service owns which public path. Anything not listed is 404 at the gateway. */
export type Upstream = 'identity';

export interface Route {
  prefix: string;
  upstream: Upstream;
  target: string;
}

export const routes: Route[] = [
  { prefix: '/api/me', upstream: 'identity', target: '/me' },
  { prefix: '/api/users', upstream: 'identity', target: '/users' },
];

/** The route for a path, matching whole segments: /api/users and /api/users/x, not /api/usersx. */
export function matchRoute(path: string): { route: Route; upstreamPath: string } | undefined {
  for (const route of routes) {
    if (path === route.prefix || path.startsWith(`${route.prefix}/`)) {
      return { route, upstreamPath: route.target + path.slice(route.prefix.length) };
    }
  }
  return undefined;
}
