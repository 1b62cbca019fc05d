/**
 * The demo's known passwords and the admin's printed second-factor secret are for a developer's own
 * machine: a stack configured for production (NODE_ENV=production, or a public address that is not
 * this machine) refuses them.
 */
export function refusalInProduction(env: { NODE_ENV?: string; PUBLIC_URL?: string }): string | undefined {
  if (env.NODE_ENV === 'production') return 'demo data is for development only (NODE_ENV=production)';
  if (env.PUBLIC_URL) {
    const host = new URL(env.PUBLIC_URL).hostname;
    if (!['localhost', '127.0.0.1', '[::1]'].includes(host))
      return `demo data is for development only (PUBLIC_URL ${env.PUBLIC_URL} is not this machine)`;
  }
  return undefined;
}
