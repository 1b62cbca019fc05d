import { Inject, Injectable } from '@nestjs/common';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { RetentionConfig } from '../retention.config';

/**
 * Where sealed export packages wait for their download: a directory (`<EXPORT_ROOT>/.packages`,
 * mode 700, files 600) locally and in tests. Only ciphertext is stored; the key stays in retention's
 * database. (An S3-compatible bucket in clusters is not written yet.)
 */
@Injectable()
export class PackageStore {
  constructor(@Inject(PLATFORM_CONFIG) private readonly config: RetentionConfig) {}

  private dir(): string {
    if (!this.config.EXPORT_ROOT) throw new Error('EXPORT_ROOT is not configured');
    return join(this.config.EXPORT_ROOT, '.packages');
  }

  async put(id: string, sealed: Buffer): Promise<void> {
    await mkdir(this.dir(), { recursive: true, mode: 0o700 });
    const target = join(this.dir(), `${id}.sealed`);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, sealed, { mode: 0o600, flag: 'wx' });
    await rename(temporary, target);
  }

  get(id: string): Promise<Buffer> {
    return readFile(join(this.dir(), `${id}.sealed`));
  }

  async delete(id: string): Promise<void> {
    await rm(join(this.dir(), `${id}.sealed`), { force: true });
  }

  /** The participants' plaintext documents of a request, once packed. */
  async deleteWorkDirectory(id: string): Promise<void> {
    if (!this.config.EXPORT_ROOT) return;
    await rm(join(this.config.EXPORT_ROOT, id), { recursive: true, force: true });
  }
}
