import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuditAction } from '@therapy-room/contracts';
import { AuditEmitter } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import { MessagingErrorCode, MessagingException, notFound } from '../common/messaging.exception';
import { ConversationsRepository, type Conversation } from './conversations.repository';
import {
  auditRole,
  conversationAccess,
  participantKind,
  type ConversationAccess,
  type Participant,
} from './policies/conversation-access';

/** The audit entry of a conversation use case (success or refusal). */
export const conversationEntry = (
  actor: Actor,
  action: AuditAction,
  outcome: 'success' | 'failure',
  conversationId: string | null,
) => ({
  action,
  outcome,
  actorId: actor.userId,
  actorRole: auditRole(actor),
  resource: 'messaging.conversation',
  resourceId: conversationId,
});

/**
 * Who may do what with a conversation, decided in the data path from the caseload read model at the
 * moment of the request (no cache: a revocation counts as soon as its event is handled, a colleague
 * link ends at its validUntil by itself). Every refusal is audited.
 */
@Injectable()
export class ConversationAccessService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
    private readonly access: CaseloadAccess,
    private readonly audit: AuditEmitter,
  ) {}

  /** Only clients and professionals have conversations; anyone else is refused (403, audited). */
  async participant(actor: Actor, action: AuditAction): Promise<Participant> {
    const kind = participantKind(actor);
    if (kind) return kind;
    await this.refuse(actor, action, null, null);
    throw new MessagingException(
      MessagingErrorCode.Forbidden,
      'Only clients and professionals have conversations.',
    );
  }

  /**
   * The conversation and the actor's access to it, or the refusal: 404 when the actor may not know it
   * exists (someone else's, another organisation's, a professional no longer on the client's care
   * team), 403 when they may read it but not do this (a client writing to a professional who left).
   */
  async authorise(
    actor: Actor,
    conversationId: string,
    action: AuditAction,
    need: 'read' | 'write',
  ): Promise<{ conversation: Conversation; access: ConversationAccess }> {
    const conversation = await this.conversations.find(actor.tenantId, conversationId);
    if (!conversation) throw await this.refuse(actor, action, conversationId, null);
    const granted = await this.access.canAccess(
      conversation.professionalId,
      conversation.clientId,
      undefined,
      conversation.tenantId,
    );
    const access = conversationAccess(actor, conversation, granted);
    if (access === 'none') throw await this.refuse(actor, action, conversationId, conversation.clientId);
    if (need === 'write' && access !== 'read-write') {
      await this.refuse(actor, action, conversationId, conversation.clientId);
      throw new MessagingException(
        MessagingErrorCode.Forbidden,
        'This professional no longer works with you: the conversation is kept for you to read, but takes no new messages.',
      );
    }
    return { conversation, access };
  }

  /** Records the refusal (its own transaction: nothing else is written) and returns the 404 to throw. */
  async refuse(
    actor: Actor,
    action: AuditAction,
    conversationId: string | null,
    clientId: string | null,
  ): Promise<MessagingException> {
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, conversationEntry(actor, action, 'failure', conversationId), {
        tenantId: actor.tenantId,
        subjectId: clientId,
      }),
    );
    return notFound();
  }
}
