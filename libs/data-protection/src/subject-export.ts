import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open as openFile, rename, rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The export location cannot be used (outside EXPORT_ROOT, not a file: URL): retrying will not help. */
export class ExportLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportLocationError';
  }
}

/**
 * Writes one service's part of a subject export: `<location>/<service>.json`, where location is a
 * `file:` URL of a directory inside the service's EXPORT_ROOT (anything outside is refused, so an
 * event cannot make a service write elsewhere). Written to a temporary file (mode 600), synced, then
 * renamed, so a reader never sees half a file; a redelivered request overwrites it whole.
 */
export async function writeSubjectExport(
  exportRoot: string,
  location: string,
  service: string,
  data: unknown,
): Promise<{ file: string; sha256: string }> {
  let directory: string;
  try {
    directory = resolve(fileURLToPath(location));
  } catch {
    throw new ExportLocationError('the export location is not a file: URL');
  }
  const root = resolve(exportRoot);
  const inside = relative(root, directory);
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) {
    throw new ExportLocationError('the export location is outside EXPORT_ROOT');
  }
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const target = join(directory, `${service}.json`);
  const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  const body = Buffer.from(JSON.stringify(data, null, 2), 'utf8');
  const handle = await openFile(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, target);
  } catch (err) {
    await rm(temporary, { force: true });
    throw err;
  }
  return { file: pathToFileURL(target).href, sha256: createHash('sha256').update(body).digest('hex') };
}
