import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { seal } from '@therapy-room/data-protection';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import { PeopleDirectory } from '@therapy-room/people-directory';
import type { RetentionConfig } from '../retention.config';
import type { Participant } from '../requests/requests.repository';
import type { SubjectRequest } from '../requests/request';
import { RetentionAudit } from '../common/retention-audit';
import { buildFhirBundle } from './fhir-bundle';
import { ExportPackagesRepository } from './export-packages.repository';
import { PackageStore } from './package-store';

/** The package's associated data: a sealed package opens only as the package of its own request. */
export const packageAad = (requestId: string) => `retention.export_package:${requestId}`;

/** A participant's document is missing, outside the request's directory, or not what it confirmed. */
export class ExportDocumentError extends Error {}

/**
 * Packs a completed export: each participant's JSON document (checked against the checksum it
 * confirmed, and read only from this request's directory under EXPORT_ROOT) plus a FHIR R4 Bundle
 * built from them, sealed with AES-256-GCM under a fresh key of its own. The ciphertext goes to the
 * package store, the key to export_package; the participants' plaintext documents are deleted.
 */
@Injectable()
export class ExportPackager {
  constructor(
    private readonly packages: ExportPackagesRepository,
    private readonly store: PackageStore,
    private readonly people: PeopleDirectory,
    private readonly audit: RetentionAudit,
    @Inject(PLATFORM_CONFIG) private readonly config: RetentionConfig,
  ) {}

  async pack(
    manager: EntityManager,
    r: SubjectRequest,
    participants: Participant[],
    now: Date,
  ): Promise<void> {
    if (!r.subjectId || !r.requestedBy) throw new Error(`export ${r.id} has no subject or requester`);
    const documents: Record<string, unknown> = {};
    for (const p of participants) documents[p.service] = await this.read(r.id, p);
    const person = await this.people.find(r.tenantId, r.subjectId, manager);
    const body = {
      format: 'therapy-room-export/1',
      requestId: r.id,
      createdAt: now.toISOString(),
      documents,
      fhir: buildFhirBundle(
        { id: r.subjectId, displayName: person?.displayName ?? null },
        documents as Parameters<typeof buildFhirBundle>[1],
        now,
      ),
    };
    const key = randomBytes(32);
    const sealed = seal(key, JSON.stringify(body), packageAad(r.id));
    await this.store.put(r.id, sealed);
    await this.packages.insert(manager, {
      requestId: r.id,
      tenantId: r.tenantId,
      recipientId: r.requestedBy,
      key,
      bytes: sealed.length,
      at: now,
      expiresAt: new Date(now.getTime() + this.config.RETENTION_EXPORT_LINK_HOURS * 3600 * 1000),
    });
    await this.audit.record(manager, null, {
      action: 'retention.export_create',
      tenantId: r.tenantId,
      subjectId: r.subjectId,
      resource: 'retention.export',
      resourceId: r.id,
      basis: 'system',
      sensitivity: 'health',
    });
  }

  /** After the packing transaction committed: the plaintext documents go. */
  cleanUp(requestId: string): Promise<void> {
    return this.store.deleteWorkDirectory(requestId);
  }

  private async read(requestId: string, p: Participant): Promise<unknown> {
    if (!p.file || !p.sha256) throw new ExportDocumentError(`${p.service} named no document`);
    const expected = resolve(join(this.config.EXPORT_ROOT!, requestId, `${p.service}.json`));
    let path: string;
    try {
      path = resolve(fileURLToPath(p.file));
    } catch {
      throw new ExportDocumentError(`${p.service} named no file: URL`);
    }
    if (path !== expected)
      throw new ExportDocumentError(`${p.service}'s document is not where the request put it`);
    const bytes = await readFile(path).catch(() => {
      throw new ExportDocumentError(`${p.service}'s document is missing`);
    });
    if (createHash('sha256').update(bytes).digest('hex') !== p.sha256) {
      throw new ExportDocumentError(`${p.service}'s document does not match its checksum`);
    }
    return JSON.parse(bytes.toString('utf8')) as unknown;
  }
}
