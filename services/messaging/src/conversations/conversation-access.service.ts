import { Injectable } from '@nestjs/common';
import type { AuditAction, AuditBasis } from '@therapy-room/contracts';
import { AuditedAccess, type GrantedAccess } from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import { MessagingErrorCode, MessagingException, notFound } from '../common/messaging.exception';
import { ConversationsRepository, type Conversation } from './conversations.repository';
import {
  conversationAccess,
  participantKind,
  type ConversationAccess,
  type Participant,
} from './policies/conversation-access';

/** The audited access of a conversation use case: the conversation, its client, and the basis allowing it. */
export const conversationAccessed = (
  actor: Actor,
  action: AuditAction,
  conversation: { id: string; clientId: string },
  basis: AuditBasis,
): GrantedAccess => ({
  actor,
  action,
  resource: 'messaging.conversation',
  resourceId: conversation.id,
  subjectId: conversation.clientId,
  basis,
});

/**
 * Who may do what with a conversation, decided in the data path from the caseload read model at the
 * moment of the request (no cache: a revocation counts as soon as its event is handled, a colleague
 * link ends at its validUntil by itself). Every refusal is audited.
 */
@Injectable()
export class ConversationAccessService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly access: CaseloadAccess,
    private readonly audit: AuditedAccess,
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
  ): Promise<{ conversation: Conversation; access: ConversationAccess; basis: AuditBasis }> {
    const conversation = await this.conversations.find(actor.tenantId, conversationId);
    if (!conversation) throw await this.refuse(actor, action, conversationId, null);
    // The professional's grant right now: their caseload or a colleague link (null: none).
    const grant = await this.access.basis(
      conversation.professionalId,
      conversation.clientId,
      undefined,
      conversation.tenantId,
    );
    const access = conversationAccess(actor, conversation, grant !== null);
    if (access === 'none') throw await this.refuse(actor, action, conversationId, conversation.clientId);
    if (need === 'write' && access !== 'read-write') {
      await this.refuse(actor, action, conversationId, conversation.clientId);
      throw new MessagingException(
        MessagingErrorCode.Forbidden,
        'This professional no longer works with you: the conversation is kept for you to read, but takes no new messages.',
      );
    }
    // The client reads their own conversations; the professional by their grant (access 'none' without one).
    return { conversation, access, basis: participantKind(actor) === 'client' ? 'self' : grant! };
  }

  /** Records the refusal (its own transaction: nothing else is written) and returns the 404 to throw. */
  async refuse(
    actor: Actor,
    action: AuditAction,
    conversationId: string | null,
    clientId: string | null,
  ): Promise<MessagingException> {
    await this.audit.refused({
      actor,
      action,
      resource: 'messaging.conversation',
      resourceId: conversationId,
      subjectId: clientId,
    });
    return notFound();
  }
}
