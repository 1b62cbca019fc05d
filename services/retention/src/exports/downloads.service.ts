import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { open } from '@therapy-room/data-protection';
import { Clock, PLATFORM_LOGGER } from '@therapy-room/platform';
import { actorKind, type Actor } from '@therapy-room/auth';
import { RetentionErrorCode, RetentionException, notFound } from '../common/retention.exception';
import { RetentionAudit } from '../common/retention-audit';
import { RequestsRepository } from '../requests/requests.repository';
import { ExportPackagesRepository } from './export-packages.repository';
import { PackageStore } from './package-store';
import { packageAad } from './export-packager';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Delivering an export package: its requester asks for a download link (a new one replaces the one
 * before; the token is kept only as a hash) and fetches the package once with it, before it expires.
 * Fetching opens the package, then drops its key and link and deletes the ciphertext: a second fetch
 * finds nothing. An unfetched package expires: key dropped, ciphertext deleted. Each step is audited.
 */
@Injectable()
export class DownloadsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly packages: ExportPackagesRepository,
    private readonly requests: RequestsRepository,
    private readonly store: PackageStore,
    private readonly audit: RetentionAudit,
    private readonly clock: Clock,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  async link(actor: Actor, requestId: string): Promise<{ token: string; expiresAt: string }> {
    const p = await this.packages.find(actor.tenantId, requestId);
    // Only the requester (the client for their own export): anyone else does not learn it exists.
    if (!p || p.recipientId !== actor.userId || actorKind(actor) === 'staff') throw notFound();
    if (!p.packageKey || p.expiresAt <= this.clock.now()) {
      throw new RetentionException(
        RetentionErrorCode.WrongState,
        'The package was fetched already or has expired.',
      );
    }
    const token = randomBytes(32).toString('base64url');
    await this.dataSource.transaction((manager) =>
      this.packages.setToken(manager, requestId, hashToken(token)),
    );
    return { token, expiresAt: p.expiresAt.toISOString() };
  }

  async download(actor: Actor, token: string): Promise<Record<string, unknown>> {
    const now = this.clock.now();
    const { body, requestId } = await this.dataSource.transaction(async (manager) => {
      const p = await this.packages.lockByToken(manager, hashToken(token));
      if (!p || p.recipientId !== actor.userId || p.tenantId !== actor.tenantId || p.expiresAt <= now) {
        throw notFound();
      }
      const plain = open(p.packageKey!, await this.store.get(p.requestId), packageAad(p.requestId));
      await this.packages.close(manager, p.requestId, 'downloaded', now);
      const request = await this.requests.find(p.tenantId, p.requestId, manager);
      await this.audit.record(manager, actor, {
        action: 'retention.export_download',
        tenantId: p.tenantId,
        subjectId: request?.subjectId ?? null,
        resource: 'retention.export',
        resourceId: p.requestId,
        basis: request?.subjectId === actor.userId ? 'self' : 'organisation_admin',
        sensitivity: 'health',
      });
      return { body: JSON.parse(plain.toString('utf8')) as Record<string, unknown>, requestId: p.requestId };
    });
    await this.remove(requestId);
    return body;
  }

  /** Packages past their expiry and never fetched (the driver's tick): key dropped, files deleted. */
  async expire(limit = 100): Promise<number> {
    const now = this.clock.now();
    const expired = await this.dataSource.transaction(async (manager) => {
      const due = await this.packages.expiredBy(manager, now, limit);
      for (const p of due) {
        await this.packages.close(manager, p.requestId, 'expired', now);
        const request = await this.requests.find(p.tenantId, p.requestId, manager);
        await this.audit.record(manager, null, {
          action: 'retention.export_expire',
          tenantId: p.tenantId,
          subjectId: request?.subjectId ?? null,
          resource: 'retention.export',
          resourceId: p.requestId,
          basis: 'system',
          sensitivity: 'none',
        });
      }
      return due.map((p) => p.requestId);
    });
    for (const id of expired) await this.remove(id);
    return expired.length;
  }

  private async remove(requestId: string) {
    await Promise.all([this.store.delete(requestId), this.store.deleteWorkDirectory(requestId)]).catch(
      (err: Error) =>
        this.logger.warn(
          { err, requestId },
          'export files not removed yet (the key is gone: they cannot be opened)',
        ),
    );
  }
}
