import { randomBytes } from 'node:crypto';
import { mkdir, open as openFile, readFile, rename, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkKey, ExportLocationError, type ExportStorage } from './export-storage';

/**
 * The export store as a directory (EXPORT_ROOT): directories mode 700, files 600, written to a
 * temporary file, synced, then renamed.
 */
export class DirectoryExportStorage implements ExportStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  urlOf(key: string): string {
    return pathToFileURL(this.path(key)).href;
  }

  keyOf(url: string): string {
    let path: string;
    try {
      path = resolve(fileURLToPath(url));
    } catch {
      throw new ExportLocationError('the export location is not a file: URL');
    }
    const inside = relative(this.root, path);
    if (!inside || inside.startsWith('..') || isAbsolute(inside)) {
      throw new ExportLocationError('the export location is outside EXPORT_ROOT');
    }
    return checkKey(inside.split(sep).join('/'));
  }

  async put(key: string, body: Buffer): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
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
  }

  get(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async deleteUnder(prefix: string): Promise<void> {
    await rm(this.path(prefix), { recursive: true, force: true });
  }

  private path(key: string): string {
    return join(this.root, ...checkKey(key).split('/'));
  }
}
