import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { messagingConversationStartedV1 } from '@therapy-room/contracts';
import {
  AuditedAccess,
  Clock,
  OutboxService,
  PLATFORM_CONFIG,
  ValidationException,
} from '@therapy-room/platform';
import type { MessagingConfig } from '../messaging.config';
import type { Actor } from '@therapy-room/auth';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import { PeopleDirectory } from '@therapy-room/people-directory';
import { ConversationAccessService, conversationAccessed } from './conversation-access.service';
import { ConversationsRepository, type Conversation } from './conversations.repository';
import { iso } from './message-body-field';
import { counterpartOf, type ConversationAccess } from './policies/conversation-access';
import type { ConversationView, ListConversationsQuery, StartConversationDto } from './dto/conversations.dto';

/**
 * Conversations between a client and their professionals: starting one, listing them, the unread
 * badge, opening one. Access is decided by ConversationAccessService; every read of a conversation is
 * audited, one entry per conversation. Sending is MessageSendingService, reading messages
 * MessageReadingService.
 */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
    private readonly conversationAccess: ConversationAccessService,
    private readonly people: PeopleDirectory,
    private readonly access: CaseloadAccess,
    private readonly outbox: OutboxService,
    private readonly audit: AuditedAccess,
    @Inject(PLATFORM_CONFIG) private readonly config: MessagingConfig,
    private readonly clock: Clock,
  ) {}

  get maxPageSize(): number {
    return this.config.MESSAGING_MAX_PAGE_SIZE;
  }

  /**
   * A professional starts (or reopens) the conversation with a client they may work with now; a
   * client with one of their professionals (a linked colleague too, while the link lasts). One
   * conversation per pair: starting again answers the existing one.
   */
  async start(
    actor: Actor,
    dto: StartConversationDto,
  ): Promise<{ created: boolean; conversation: ConversationView }> {
    const kind = await this.conversationAccess.participant(actor, 'messaging.start');
    const clientId = kind === 'client' ? actor.userId : dto.clientId;
    const professionalId = kind === 'professional' ? actor.userId : dto.professionalId;
    if (!clientId)
      throw new ValidationException([{ path: 'clientId', message: 'is required for professionals' }]);
    if (!professionalId) {
      throw new ValidationException([{ path: 'professionalId', message: 'is required for clients' }]);
    }
    const [client, professional] = await Promise.all([
      this.people.find(actor.tenantId, clientId),
      this.people.find(actor.tenantId, professionalId),
    ]);
    // The professional's grant is what allows either of them to start: the basis of the professional's access.
    const grant =
      client?.role === 'client' && professional?.role === 'professional'
        ? await this.access.basis(professionalId, clientId, undefined, actor.tenantId)
        : null;
    if (!grant) {
      throw await this.conversationAccess.refuse(
        actor,
        'messaging.start',
        null,
        client?.role === 'client' ? clientId : null,
      );
    }
    const result = await this.dataSource.transaction(async (manager) => {
      const found = await this.conversations.findOrCreate(manager, {
        id: uuidv7(),
        tenantId: actor.tenantId,
        clientId,
        professionalId,
        startedBy: actor.userId,
      });
      if (found.created) {
        await this.outbox.add(
          manager,
          messagingConversationStartedV1,
          { conversationId: found.conversation.id, clientId, professionalId, startedBy: actor.userId },
          { tenantId: actor.tenantId, subjectId: clientId },
        );
      }
      await this.audit.succeeded(
        manager,
        conversationAccessed(
          actor,
          'messaging.start',
          found.conversation,
          kind === 'client' ? 'self' : grant,
        ),
      );
      return found;
    });
    return {
      created: result.created,
      conversation: await this.view(actor, result.conversation, 'read-write'),
    };
  }

  /** The actor's conversations, latest message first, with unread counts (one audit entry each). */
  async list(actor: Actor, query: ListConversationsQuery) {
    const kind = await this.conversationAccess.participant(actor, 'messaging.read');
    const bases =
      kind === 'professional'
        ? await this.access.clientBasesOf(actor.userId, undefined, actor.tenantId)
        : null;
    const clientIds = bases ? [...bases.keys()] : null;
    const writable =
      kind === 'client'
        ? new Set(await this.access.professionalsOf(actor.userId, undefined, actor.tenantId))
        : null;
    const [rows, unread] = await Promise.all([
      this.conversations.list(actor.tenantId, actor.userId, kind, clientIds, query.limit, query.offset),
      this.conversations.unread(actor.tenantId, actor.userId, kind, clientIds),
    ]);
    const total = rows.length
      ? rows[0].total
      : await this.conversations.countFor(actor.tenantId, actor.userId, kind, clientIds);
    if (rows.length) {
      // A professional lists only the conversations of clients they have a grant for: its basis.
      await this.dataSource.transaction((manager) =>
        this.audit.succeededMany(
          manager,
          rows.map((row) =>
            conversationAccessed(actor, 'messaging.read', row, bases ? bases.get(row.clientId)! : 'self'),
          ),
        ),
      );
    }
    return {
      items: rows.map(
        (row): ConversationView => ({
          id: row.id,
          counterpart: {
            id: counterpartOf(row, actor.userId),
            displayName: row.counterpartName,
            role: kind === 'client' ? 'professional' : 'client',
          },
          createdAt: iso(row.createdAt)!,
          lastMessageAt: iso(row.lastMessageAt),
          unreadCount: row.unreadCount,
          canWrite: writable ? writable.has(row.professionalId) : true,
        }),
      ),
      total,
      limit: query.limit,
      offset: query.offset,
      unreadTotal: unread.reduce((n, u) => n + u.unreadCount, 0),
    };
  }

  /**
   * Unread counts only (per conversation and in total) for a badge: no names, no content, nothing
   * about the other participant, so not an audited read of any conversation.
   */
  async unread(actor: Actor) {
    const kind = await this.conversationAccess.participant(actor, 'messaging.read');
    const clientIds =
      kind === 'professional' ? await this.access.clientsOf(actor.userId, undefined, actor.tenantId) : null;
    const conversations = await this.conversations.unread(actor.tenantId, actor.userId, kind, clientIds);
    return { total: conversations.reduce((n, c) => n + c.unreadCount, 0), conversations };
  }

  async get(actor: Actor, conversationId: string): Promise<ConversationView> {
    const { conversation, access, basis } = await this.conversationAccess.authorise(
      actor,
      conversationId,
      'messaging.read',
      'read',
    );
    await this.dataSource.transaction(async (manager) => {
      await this.conversations.seen(conversation.id, actor.userId, this.clock.now(), manager);
      await this.audit.succeeded(manager, conversationAccessed(actor, 'messaging.read', conversation, basis));
    });
    return this.view(actor, conversation, access);
  }

  private async view(
    actor: Actor,
    conversation: Conversation,
    access: ConversationAccess,
  ): Promise<ConversationView> {
    const counterpartId = counterpartOf(conversation, actor.userId);
    const [counterpart, unreadCount] = await Promise.all([
      this.people.find(conversation.tenantId, counterpartId),
      this.conversations.unreadIn(conversation.id, actor.userId),
    ]);
    return {
      id: conversation.id,
      counterpart: {
        id: counterpartId,
        displayName: counterpart?.displayName ?? null,
        role: counterpartId === conversation.clientId ? 'client' : 'professional',
      },
      createdAt: iso(conversation.createdAt)!,
      lastMessageAt: iso(conversation.lastMessageAt),
      unreadCount,
      canWrite: access === 'read-write',
    };
  }
}
