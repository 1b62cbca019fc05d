import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './service-process';

/** Where the local stack keeps its data and the environment of its running services (git-ignored). */
export const dataRoot = process.env.THERAPY_ROOM_DATA ?? join(repoRoot, '.data');
const envFile = (service: string) => join(dataRoot, 'dev', `${service}.env.json`);

/** Saves a running service's environment (it holds secrets: mode 600) so tools can act on the same stack. */
export function saveServiceEnv(service: string, env: Record<string, string>): void {
  mkdirSync(join(dataRoot, 'dev'), { recursive: true, mode: 0o700 });
  writeFileSync(envFile(service), JSON.stringify(env, null, 2), { mode: 0o600 });
  chmodSync(envFile(service), 0o600);
}

/**
 * A secret the local stack keeps across restarts (e.g. the key that encrypts data at rest: a new one
 * each start would make stored data unreadable), created on first use, mode 600, next to the data.
 */
export function persistentSecret(name: string, create: () => string): string {
  const file = join(dataRoot, 'dev', name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(join(dataRoot, 'dev'), { recursive: true, mode: 0o700 });
  const value = create();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return value;
}

export function loadServiceEnv(service: string): Record<string, string> {
  if (!existsSync(envFile(service))) {
    throw new Error(
      `No running local stack found (${envFile(service)} is missing): start it with \`npm start\` first.`,
    );
  }
  return JSON.parse(readFileSync(envFile(service), 'utf8')) as Record<string, string>;
}

/** A secret the local stack saved earlier (see persistentSecret), if any. */
export function savedSecret(name: string): string | undefined {
  const file = join(dataRoot, 'dev', name);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** Saves (replaces) a secret next to the data, mode 600. */
export function saveSecret(name: string, value: string): void {
  mkdirSync(join(dataRoot, 'dev'), { recursive: true, mode: 0o700 });
  writeFileSync(join(dataRoot, 'dev', name), `${value}\n`, { mode: 0o600 });
  chmodSync(join(dataRoot, 'dev', name), 0o600);
}
