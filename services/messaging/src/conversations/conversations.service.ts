import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import {
  messagingConversationStartedV1,
  messagingMessageReadV1,
  messagingMessageSentV1,
  messagingNotificationDueV1,
  type AuditAction,
} from '@therapy-room/contracts';
import {
  AuditEmitter,
  Clock,
  OutboxService,
  PLATFORM_CONFIG,
  ValidationException,
} from '@therapy-room/platform';
import type { Actor } from '@therapy-room/auth';
import { CaseloadAccess } from '@therapy-room/caseload-access';
import { SubjectDataCipher } from '@therapy-room/data-protection';
import type { MessagingConfig } from '../messaging.config';
import { MessagingErrorCode, MessagingException, notFound } from '../common/messaging.exception';
import { PeopleDirectory } from '@therapy-room/people-directory';
import { NotificationsRepository } from '../notifications/notifications.repository';
import { decideNotification } from '../notifications/notification-policy';
import { StreamHub } from '../stream/stream-hub';
import { ConversationsRepository, type Conversation, type StoredMessage } from './conversations.repository';
import {
  auditRole,
  conversationAccess,
  counterpartOf,
  participantKind,
  type ConversationAccess,
  type Participant,
} from './policies/conversation-access';
import { checkMessageBody } from './policies/message-body';
import type {
  ConversationView,
  ListConversationsQuery,
  ListMessagesQuery,
  MarkReadDto,
  MessageView,
  SendMessageDto,
  StartConversationDto,
} from './dto/conversations.dto';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
/** Where a body is sealed: binds the ciphertext to its message (a copy elsewhere does not open). */
export const bodyField = (messageId: string) => `message.body:${messageId}`;

/**
 * Conversations between a client and their professionals. Who may do what is decided here, in the
 * data path, from the caseload read model at the moment of the request (no cache: a revocation counts
 * as soon as its event is handled, a colleague link ends at its validUntil by itself). Every read of a
 * conversation is audited, one entry per conversation, and so is every refusal. Bodies are sealed with
 * the client's data key; events carry ids only.
 */
@Injectable()
export class ConversationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
    private readonly people: PeopleDirectory,
    private readonly notifications: NotificationsRepository,
    private readonly access: CaseloadAccess,
    private readonly cipher: SubjectDataCipher,
    private readonly outbox: OutboxService,
    private readonly audit: AuditEmitter,
    private readonly hub: StreamHub,
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
    const kind = await this.participant(actor, 'messaging.start');
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
    const allowed =
      client?.role === 'client' &&
      professional?.role === 'professional' &&
      (await this.access.canAccess(professionalId, clientId, undefined, actor.tenantId));
    if (!allowed) {
      throw await this.refuse(actor, 'messaging.start', null, client?.role === 'client' ? clientId : null);
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
      await this.audit.record(
        manager,
        this.entry(actor, 'messaging.start', 'success', found.conversation.id),
        { tenantId: actor.tenantId, subjectId: clientId },
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
    const kind = await this.participant(actor, 'messaging.read');
    const clientIds =
      kind === 'professional' ? await this.access.clientsOf(actor.userId, undefined, actor.tenantId) : null;
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
      await this.dataSource.transaction((manager) =>
        this.audit.recordMany(
          manager,
          rows.map((row) => ({
            entry: this.entry(actor, 'messaging.read', 'success', row.id),
            scope: { tenantId: actor.tenantId, subjectId: row.clientId },
          })),
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
    const kind = await this.participant(actor, 'messaging.read');
    const clientIds =
      kind === 'professional' ? await this.access.clientsOf(actor.userId, undefined, actor.tenantId) : null;
    const conversations = await this.conversations.unread(actor.tenantId, actor.userId, kind, clientIds);
    return { total: conversations.reduce((n, c) => n + c.unreadCount, 0), conversations };
  }

  async get(actor: Actor, conversationId: string): Promise<ConversationView> {
    const { conversation, access } = await this.authorise(actor, conversationId, 'messaging.read', 'read');
    await this.dataSource.transaction(async (manager) => {
      await this.conversations.seen(conversation.id, actor.userId, this.clock.now(), manager);
      await this.audit.record(manager, this.entry(actor, 'messaging.read', 'success', conversation.id), {
        tenantId: actor.tenantId,
        subjectId: conversation.clientId,
      });
    });
    return this.view(actor, conversation, access);
  }

  /** A page of messages (newest, before or after a message), bodies opened for this reader. */
  async messages(actor: Actor, conversationId: string, query: ListMessagesQuery) {
    const { conversation } = await this.authorise(actor, conversationId, 'messaging.read', 'read');
    const cursor: { before?: string; after?: string } = {};
    for (const key of ['before', 'after'] as const) {
      const messageId = query[key];
      if (!messageId) continue;
      const seq = await this.conversations.seqOf(conversation.id, messageId);
      if (!seq)
        throw new ValidationException([{ path: key, message: 'is not a message of this conversation' }]);
      cursor[key] = seq;
    }
    const { messages, more } = await this.conversations.page(conversation.id, cursor, query.limit);
    const counterpart = await this.conversations.participant(
      this.dataSource.manager,
      conversation.id,
      counterpartOf(conversation, actor.userId),
    );
    const items = await Promise.all(
      messages.map((m) => this.messageView(actor, conversation, m, counterpart?.lastReadSeq ?? '0')),
    );
    await this.dataSource.transaction(async (manager) => {
      await this.conversations.seen(conversation.id, actor.userId, this.clock.now(), manager);
      await this.audit.record(manager, this.entry(actor, 'messaging.read', 'success', conversation.id), {
        tenantId: actor.tenantId,
        subjectId: conversation.clientId,
      });
    });
    return {
      items,
      /** Page back with ?before=<this>; null at the start of the conversation. */
      before: !query.after && more && items.length ? items[0].id : null,
      /** Whether more messages follow (only when paging forward with ?after). */
      more: query.after ? more : undefined,
    };
  }

  /**
   * Sends a message. Idempotent by the sender's client-generated id: a retry (same id, same text)
   * answers the stored message (created: false); the same id with another text or in another
   * conversation is a 409. Nothing is stored for a bad body or a refused conversation.
   */
  async send(
    actor: Actor,
    conversationId: string,
    dto: SendMessageDto,
  ): Promise<{ created: boolean; message: MessageView }> {
    const checked = checkMessageBody(dto.body, this.config.MESSAGING_MAX_BODY_CHARS);
    if (!checked.ok) throw new ValidationException(checked.errors);
    const { conversation } = await this.authorise(actor, conversationId, 'messaging.send', 'write');
    const recipientId = counterpartOf(conversation, actor.userId);
    return this.dataSource.transaction(async (manager) => {
      await this.conversations.lock(manager, conversation.id);
      const earlier = await this.conversations.findSent(manager, actor.userId, dto.id);
      if (earlier)
        return {
          created: false,
          message: await this.replay(actor, conversation, earlier, checked.body, manager),
        };
      const messageId = uuidv7();
      const sealed = await this.cipher.encrypt(
        manager,
        { tenantId: conversation.tenantId, subjectId: conversation.clientId },
        bodyField(messageId),
        checked.body,
      );
      const stored = await this.conversations.insertMessage(manager, {
        id: messageId,
        conversationId: conversation.id,
        tenantId: conversation.tenantId,
        senderId: actor.userId,
        clientMessageId: dto.id,
        bodySealed: sealed,
      });
      if (!stored) {
        // The same id used at the same moment for a message to another conversation: that one won.
        const winner = await this.conversations.findSent(manager, actor.userId, dto.id);
        return {
          created: false,
          message: await this.replay(actor, conversation, winner!, checked.body, manager),
        };
      }
      // One's own message is read by oneself.
      await this.conversations.markRead(manager, conversation.id, actor.userId, stored.seq, this.clock.now());
      const ids = {
        conversationId: conversation.id,
        clientId: conversation.clientId,
        professionalId: conversation.professionalId,
      };
      const scope = { tenantId: conversation.tenantId, subjectId: conversation.clientId };
      await this.outbox.add(
        manager,
        messagingMessageSentV1,
        { ...ids, messageId, senderId: actor.userId },
        scope,
      );
      await this.maybeNotify(manager, conversation, recipientId);
      await this.audit.record(
        manager,
        this.entry(actor, 'messaging.send', 'success', conversation.id),
        scope,
      );
      return {
        created: true,
        message: {
          id: stored.id,
          clientMessageId: stored.clientMessageId,
          senderId: stored.senderId,
          mine: true,
          body: checked.body,
          sentAt: iso(stored.sentAt)!,
          readByCounterpart: false,
        },
      };
    });
  }

  /** Moves the actor's read marker forward to a message (default: the newest). */
  async markRead(actor: Actor, conversationId: string, dto: MarkReadDto) {
    const { conversation } = await this.authorise(actor, conversationId, 'messaging.mark_read', 'read');
    return this.dataSource.transaction(async (manager) => {
      let target: { id: string; seq: string } | null;
      if (dto.upToMessageId) {
        const seq = await this.conversations.seqOf(conversation.id, dto.upToMessageId, manager);
        if (!seq) {
          throw new ValidationException([
            { path: 'upToMessageId', message: 'is not a message of this conversation' },
          ]);
        }
        target = { id: dto.upToMessageId, seq };
      } else {
        target = await this.conversations.latest(manager, conversation.id);
      }
      let lastReadMessageId: string | null = null;
      if (target) {
        const marker = await this.conversations.markRead(
          manager,
          conversation.id,
          actor.userId,
          target.seq,
          this.clock.now(),
        );
        if (marker && BigInt(marker.after) > BigInt(marker.before)) {
          const scope = { tenantId: conversation.tenantId, subjectId: conversation.clientId };
          await this.outbox.add(
            manager,
            messagingMessageReadV1,
            {
              conversationId: conversation.id,
              clientId: conversation.clientId,
              professionalId: conversation.professionalId,
              readerId: actor.userId,
              upToMessageId: target.id,
            },
            scope,
          );
          await this.audit.record(
            manager,
            this.entry(actor, 'messaging.mark_read', 'success', conversation.id),
            scope,
          );
        }
        lastReadMessageId = marker
          ? await this.conversations.idAtSeq(manager, conversation.id, marker.after)
          : null;
      }
      return {
        conversationId: conversation.id,
        lastReadMessageId,
        unreadCount: await this.conversations.unreadIn(conversation.id, actor.userId, manager),
      };
    });
  }

  /**
   * The notice rules, in the send's transaction (sends to one conversation are serialised by its row
   * lock, so two quick messages cannot both pass the throttle).
   */
  private async maybeNotify(
    manager: EntityManager,
    conversation: Conversation,
    recipientId: string,
  ): Promise<void> {
    const now = this.clock.now();
    const [state, preference, recipient, streamOpen] = await Promise.all([
      this.conversations.participant(manager, conversation.id, recipientId),
      this.notifications.emailEnabled(recipientId, manager),
      this.people.find(conversation.tenantId, recipientId, manager),
      this.notifications.streamOpen(manager, recipientId, this.hub.freshSeconds, now),
    ]);
    const decision = decideNotification(
      {
        emailEnabled: preference ?? true,
        active: recipient?.status !== 'deactivated',
        streamOpen,
        lastSeenAt: state?.lastSeenAt ?? null,
        lastNotifiedAt: state?.lastNotifiedAt ?? null,
      },
      {
        intervalSeconds: this.config.MESSAGING_NOTIFY_INTERVAL_SECONDS,
        readingSeconds: this.config.MESSAGING_NOTIFY_READING_SECONDS,
      },
      now,
    );
    if (!decision.notify) return;
    await this.conversations.notified(manager, conversation.id, recipientId, now);
    await this.outbox.add(
      manager,
      messagingNotificationDueV1,
      { recipientId, conversationId: conversation.id },
      { tenantId: conversation.tenantId, subjectId: recipientId },
    );
  }

  /** A retried send: the stored message if it is the same one, else a conflict. */
  private async replay(
    actor: Actor,
    conversation: Conversation,
    earlier: StoredMessage,
    body: string,
    manager: EntityManager,
  ): Promise<MessageView> {
    const same =
      earlier.conversationId === conversation.id &&
      (await this.cipher.decrypt(
        conversation.clientId,
        bodyField(earlier.id),
        earlier.bodySealed,
        manager,
      )) === body;
    if (!same) {
      throw new MessagingException(
        MessagingErrorCode.IdempotencyConflict,
        'This message id was already used for another message; generate a new id for a new message.',
      );
    }
    const counterpart = await this.conversations.participant(
      manager,
      conversation.id,
      counterpartOf(conversation, actor.userId),
    );
    return {
      id: earlier.id,
      clientMessageId: earlier.clientMessageId,
      senderId: earlier.senderId,
      mine: true,
      body,
      sentAt: iso(earlier.sentAt)!,
      readByCounterpart: BigInt(counterpart?.lastReadSeq ?? '0') >= BigInt(earlier.seq),
    };
  }

  private async messageView(
    actor: Actor,
    conversation: Conversation,
    m: StoredMessage,
    counterpartReadSeq: string,
  ): Promise<MessageView> {
    const mine = m.senderId === actor.userId;
    return {
      id: m.id,
      ...(mine ? { clientMessageId: m.clientMessageId } : {}),
      senderId: m.senderId,
      mine,
      body: await this.cipher.decrypt(conversation.clientId, bodyField(m.id), m.bodySealed),
      sentAt: iso(m.sentAt)!,
      ...(mine ? { readByCounterpart: BigInt(counterpartReadSeq) >= BigInt(m.seq) } : {}),
    };
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

  /** Only clients and professionals have conversations; anyone else is refused (403, audited). */
  private async participant(actor: Actor, action: AuditAction): Promise<Participant> {
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
  private async authorise(
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
  private async refuse(
    actor: Actor,
    action: AuditAction,
    conversationId: string | null,
    clientId: string | null,
  ): Promise<MessagingException> {
    await this.dataSource.transaction((manager) =>
      this.audit.record(manager, this.entry(actor, action, 'failure', conversationId), {
        tenantId: actor.tenantId,
        subjectId: clientId,
      }),
    );
    return notFound();
  }

  private entry(
    actor: Actor,
    action: AuditAction,
    outcome: 'success' | 'failure',
    conversationId: string | null,
  ) {
    return {
      action,
      outcome,
      actorId: actor.userId,
      actorRole: auditRole(actor),
      resource: 'messaging.conversation',
      resourceId: conversationId,
    };
  }
}
