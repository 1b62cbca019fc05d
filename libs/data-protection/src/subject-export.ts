import { createHash } from 'node:crypto';
import { DirectoryExportStorage } from './export-storage/directory-export-storage';
import type { ExportStorage } from './export-storage/export-storage';

export { ExportLocationError } from './export-storage/export-storage';

/**
 * Writes one service's part of a subject export: `<location>/<service>.json`, where location is the
 * URL of a request's place in the export store (a `file:` directory under EXPORT_ROOT or an `s3:`
 * prefix in the export bucket; anything outside is refused, so an event cannot make a service write
 * elsewhere). Written whole (a reader never sees half a file); a redelivered request overwrites it.
 * A string store is the directory EXPORT_ROOT.
 */
export async function writeSubjectExport(
  store: ExportStorage | string,
  location: string,
  service: string,
  data: unknown,
): Promise<{ file: string; sha256: string }> {
  const storage = typeof store === 'string' ? new DirectoryExportStorage(store) : store;
  const key = `${storage.keyOf(location)}/${service}.json`;
  const body = Buffer.from(JSON.stringify(data, null, 2), 'utf8');
  await storage.put(key, body);
  return { file: storage.urlOf(key), sha256: createHash('sha256').update(body).digest('hex') };
}
