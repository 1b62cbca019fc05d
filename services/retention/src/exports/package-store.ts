import { Inject, Injectable } from '@nestjs/common';
import { exportStorageFrom, type ExportStorage } from '@therapy-room/data-protection';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { RetentionConfig } from '../retention.config';

/** Exports are not configured in this process (neither EXPORT_ROOT nor EXPORT_S3_BUCKET). */
export class ExportsNotConfiguredError extends Error {}

/**
 * The export store as retention uses it: each request's place where the participants write
 * (`<request>/`) and the sealed packages waiting for their download (`.packages/<request>.sealed`).
 * A directory (EXPORT_ROOT, mode 700, files 600) locally and in tests; an S3-compatible in-region
 * bucket (EXPORT_S3_*) in clusters. Only ciphertext is kept as a package; its key stays in
 * retention's database, so the bucket alone opens nothing.
 */
@Injectable()
export class PackageStore {
  private readonly storage: ExportStorage | null;

  constructor(@Inject(PLATFORM_CONFIG) config: RetentionConfig) {
    this.storage = exportStorageFrom(config);
  }

  get configured(): boolean {
    return this.storage !== null;
  }

  /** The URL participants are sent to write their documents under. */
  locationOf(requestId: string): string {
    return this.store().urlOf(requestId);
  }

  /** A participant's document, only if it is `<request>/<service>.json` of this store. */
  readDocument(requestId: string, service: string, url: string): Promise<Buffer> | null {
    const expected = `${requestId}/${service}.json`;
    let key: string;
    try {
      key = this.store().keyOf(url);
    } catch {
      return null;
    }
    return key === expected ? this.store().get(key) : null;
  }

  put(id: string, sealed: Buffer): Promise<void> {
    return this.store().put(packageKey(id), sealed);
  }

  get(id: string): Promise<Buffer> {
    return this.store().get(packageKey(id));
  }

  async delete(id: string): Promise<void> {
    await this.storage?.delete(packageKey(id));
  }

  /** The participants' plaintext documents of a request, once packed. */
  async deleteWorkDirectory(id: string): Promise<void> {
    await this.storage?.deleteUnder(id);
  }

  private store(): ExportStorage {
    if (!this.storage) throw new ExportsNotConfiguredError('exports are not configured');
    return this.storage;
  }
}

const packageKey = (id: string) => `.packages/${id}.sealed`;
