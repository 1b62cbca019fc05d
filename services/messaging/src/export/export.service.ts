import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditedAccess } from '@therapy-room/platform';
import { SubjectDataCipher, type SubjectRequest } from '@therapy-room/data-protection';
import { ConversationsRepository } from '../conversations/conversations.repository';
import { bodyField } from '../conversations/message-body-field';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { PeopleDirectory } from '@therapy-room/people-directory';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/**
 * Messaging's part of a subject export: `<location>/messaging.json` with the subject's notification
 * preference and, for a client, every conversation of theirs with every message in clear (opened with
 * their key), who sent it, when, and how far each side has read. A professional's export holds their
 * preference only: the conversations are their clients' records. libs/data-protection writes the
 * document before the confirmation is committed; a redelivered request rewrites the file whole.
 */
@Injectable()
export class ExportService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly notifications: NotificationsRepository,
    private readonly people: PeopleDirectory,
    private readonly cipher: SubjectDataCipher,
    private readonly audit: AuditedAccess,
  ) {}

  /** The export document (libs/data-protection writes it and confirms); the export is audited. */
  async collect(
    { tenantId, subjectId }: SubjectRequest,
    manager: EntityManager,
  ): Promise<Record<string, unknown>> {
    const conversations = [];
    for (const c of await this.conversations.conversationsOfClient(manager, subjectId)) {
      if (c.tenantId !== tenantId) continue;
      const [messages, markers, professional] = await Promise.all([
        this.conversations.allMessages(manager, c.id),
        this.conversations.readMarkers(manager, c.id),
        this.people.find(c.tenantId, c.professionalId, manager),
      ]);
      conversations.push({
        id: c.id,
        professional: { id: c.professionalId, displayName: professional?.displayName ?? null },
        startedAt: iso(c.createdAt),
        startedBy: c.startedBy === subjectId ? 'client' : 'professional',
        readUpTo: Object.fromEntries(
          [...markers].map(([userId, m]) => [
            userId === subjectId ? 'client' : 'professional',
            { readAt: iso(m.lastReadAt) },
          ]),
        ),
        messages: await Promise.all(
          messages.map(async (m) => ({
            id: m.id,
            from: m.senderId === subjectId ? 'client' : 'professional',
            sentAt: iso(m.sentAt),
            body: await this.cipher.decrypt(subjectId, bodyField(m.id), m.bodySealed, manager),
            readByRecipient:
              BigInt(
                markers.get(m.senderId === subjectId ? c.professionalId : subjectId)?.lastReadSeq ?? '0',
              ) >= BigInt(m.seq),
          })),
        ),
      });
    }
    const preference = await this.notifications.emailEnabled(subjectId, manager);
    await this.audit.succeeded(manager, {
      actor: null,
      action: 'messaging.export',
      resource: 'messaging.subject',
      resourceId: subjectId,
      subjectId,
      tenantId,
      basis: 'system',
    });
    return {
      notificationPreferences: { emailNotifications: preference ?? true, chosen: preference !== null },
      conversations,
    };
  }
}
