import { spawnTs } from './service-process';

/**
 * Runs content's ops CLI (services/content/src/cli.ts) with content's environment: `seed-library`
 * validates seeds/content/*.json and publishes changed files as platform tools (idempotent).
 */
export function runContentCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnTs('services/content/src/cli.ts', args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}
