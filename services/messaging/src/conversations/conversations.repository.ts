import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface Conversation {
  id: string;
  tenantId: string;
  clientId: string;
  professionalId: string;
  startedBy: string;
  createdAt: Date;
  lastMessageAt: Date | null;
}

interface ConversationRow {
  id: string;
  tenant_id: string;
  client_id: string;
  professional_id: string;
  started_by: string;
  created_at: Date;
  last_message_at: Date | null;
}
const toConversation = (r: ConversationRow): Conversation => ({
  id: r.id,
  tenantId: r.tenant_id,
  clientId: r.client_id,
  professionalId: r.professional_id,
  startedBy: r.started_by,
  createdAt: r.created_at,
  lastMessageAt: r.last_message_at,
});
const CONVERSATION_COLUMNS = `id, tenant_id, client_id, professional_id, started_by, created_at, last_message_at`;

export interface StoredMessage {
  id: string;
  seq: string;
  conversationId: string;
  senderId: string;
  clientMessageId: string;
  bodySealed: Buffer;
  sentAt: Date;
}
interface MessageRow {
  id: string;
  seq: string;
  conversation_id: string;
  sender_id: string;
  client_message_id: string;
  body_sealed: Buffer;
  sent_at: Date;
}
const toMessage = (r: MessageRow): StoredMessage => ({
  id: r.id,
  seq: String(r.seq),
  conversationId: r.conversation_id,
  senderId: r.sender_id,
  clientMessageId: r.client_message_id,
  bodySealed: r.body_sealed,
  sentAt: r.sent_at,
});
const MESSAGE_COLUMNS = `id, seq, conversation_id, sender_id, client_message_id, body_sealed, sent_at`;

export interface ListedConversation extends Conversation {
  counterpartName: string | null;
  unreadCount: number;
  total: number;
}

export interface ParticipantState {
  lastReadSeq: string;
  lastSeenAt: Date | null;
  lastNotifiedAt: Date | null;
}

/** A DELETE answered by TypeORM as [rows, affected]. */
const affected = (result: unknown): number => (result as [unknown[], number])[1];

/** Every query of conversations, messages and read state. */
@Injectable()
export class ConversationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(
    tenantId: string,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Conversation | null> {
    const rows: ConversationRow[] = await manager.query(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversation WHERE id = $1 AND tenant_id = $2`,
      [id, tenantId],
    );
    return rows[0] ? toConversation(rows[0]) : null;
  }

  /** The pair's conversation, creating it (and both participants) when there is none. */
  async findOrCreate(
    manager: EntityManager,
    c: { id: string; tenantId: string; clientId: string; professionalId: string; startedBy: string },
  ): Promise<{ conversation: Conversation; created: boolean }> {
    const inserted: ConversationRow[] = await manager.query(
      `INSERT INTO conversation (id, tenant_id, client_id, professional_id, started_by)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT conversation_client_id_professional_id_key DO NOTHING
       RETURNING ${CONVERSATION_COLUMNS}`,
      [c.id, c.tenantId, c.clientId, c.professionalId, c.startedBy],
    );
    if (inserted[0]) {
      await manager.query(`INSERT INTO participant (conversation_id, user_id) VALUES ($1, $2), ($1, $3)`, [
        c.id,
        c.clientId,
        c.professionalId,
      ]);
      return { conversation: toConversation(inserted[0]), created: true };
    }
    const rows: ConversationRow[] = await manager.query(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversation WHERE client_id = $1 AND professional_id = $2 AND tenant_id = $3`,
      [c.clientId, c.professionalId, c.tenantId],
    );
    if (!rows[0]) throw new Error('conversation of the pair belongs to another tenant');
    return { conversation: toConversation(rows[0]), created: false };
  }

  /**
   * A page of the user's conversations, latest message first, with the counterpart's name and the
   * user's unread count. `clientIds` (professionals) limits the page to clients they may see now.
   */
  async list(
    tenantId: string,
    userId: string,
    as: 'client' | 'professional',
    clientIds: string[] | null,
    limit: number,
    offset: number,
  ): Promise<ListedConversation[]> {
    const mine = as === 'client' ? 'c.client_id' : 'c.professional_id';
    const other = as === 'client' ? 'c.professional_id' : 'c.client_id';
    const rows: (ConversationRow & { counterpart_name: string | null; unread: string; total: string })[] =
      await this.dataSource.query(
        `SELECT c.id, c.tenant_id, c.client_id, c.professional_id, c.started_by, c.created_at, c.last_message_at,
                p.display_name AS counterpart_name,
                (SELECT count(*) FROM message m
                  WHERE m.conversation_id = c.id AND m.sender_id <> $2 AND m.seq > pa.last_read_seq) AS unread,
                count(*) OVER () AS total
           FROM conversation c
           JOIN participant pa ON pa.conversation_id = c.id AND pa.user_id = $2
           LEFT JOIN person p ON p.id = ${other}
          WHERE c.tenant_id = $1 AND ${mine} = $2 AND ($3::uuid[] IS NULL OR c.client_id = ANY($3::uuid[]))
          ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id
          LIMIT $4 OFFSET $5`,
        [tenantId, userId, clientIds, limit, offset],
      );
    return rows.map((r) => ({
      ...toConversation(r),
      counterpartName: r.counterpart_name,
      unreadCount: Number(r.unread),
      total: Number(r.total),
    }));
  }

  async countFor(
    tenantId: string,
    userId: string,
    as: 'client' | 'professional',
    clientIds: string[] | null,
  ): Promise<number> {
    const mine = as === 'client' ? 'client_id' : 'professional_id';
    const rows: { n: string }[] = await this.dataSource.query(
      `SELECT count(*) AS n FROM conversation
        WHERE tenant_id = $1 AND ${mine} = $2 AND ($3::uuid[] IS NULL OR client_id = ANY($3::uuid[]))`,
      [tenantId, userId, clientIds],
    );
    return Number(rows[0].n);
  }

  /** Unread messages per conversation of the user (only those with any), among the allowed clients. */
  async unread(
    tenantId: string,
    userId: string,
    as: 'client' | 'professional',
    clientIds: string[] | null,
  ): Promise<{ conversationId: string; unreadCount: number }[]> {
    const mine = as === 'client' ? 'c.client_id' : 'c.professional_id';
    const rows: { id: string; n: string }[] = await this.dataSource.query(
      `SELECT c.id, count(m.id) AS n
         FROM conversation c
         JOIN participant pa ON pa.conversation_id = c.id AND pa.user_id = $2
         JOIN message m ON m.conversation_id = c.id AND m.seq > pa.last_read_seq AND m.sender_id <> $2
        WHERE c.tenant_id = $1 AND ${mine} = $2 AND ($3::uuid[] IS NULL OR c.client_id = ANY($3::uuid[]))
        GROUP BY c.id
        ORDER BY c.id`,
      [tenantId, userId, clientIds],
    );
    return rows.map((r) => ({ conversationId: r.id, unreadCount: Number(r.n) }));
  }

  async unreadIn(conversationId: string, userId: string, manager = this.dataSource.manager): Promise<number> {
    const rows: { n: string }[] = await manager.query(
      `SELECT count(*) AS n FROM message m
         JOIN participant pa ON pa.conversation_id = m.conversation_id AND pa.user_id = $2
        WHERE m.conversation_id = $1 AND m.sender_id <> $2 AND m.seq > pa.last_read_seq`,
      [conversationId, userId],
    );
    return Number(rows[0].n);
  }

  /** Locks the conversation row: sends to one conversation are serialised (seq order = commit order). */
  /**
   * Locks the conversation's row for a send (sends to one conversation are serialised) and, in the
   * same round trip, finds the sender's earlier message with this client message id, if any.
   */
  async lockForSend(
    manager: EntityManager,
    conversationId: string,
    senderId: string,
    clientMessageId: string,
  ): Promise<StoredMessage | null> {
    // Driven by the locked row: the lock is taken whether or not an earlier message exists.
    const rows: (MessageRow | { id: null })[] = await manager.query(
      `SELECT ${MESSAGE_COLUMNS.split(', ')
        .map((c) => `m.${c}`)
        .join(', ')}
         FROM (SELECT id FROM conversation WHERE id = $1 FOR UPDATE) locked
         LEFT JOIN message m ON m.sender_id = $2 AND m.client_message_id = $3`,
      [conversationId, senderId, clientMessageId],
    );
    return rows[0]?.id ? toMessage(rows[0] as MessageRow) : null;
  }

  async findSent(
    manager: EntityManager,
    senderId: string,
    clientMessageId: string,
  ): Promise<StoredMessage | null> {
    const rows: MessageRow[] = await manager.query(
      `SELECT ${MESSAGE_COLUMNS} FROM message WHERE sender_id = $1 AND client_message_id = $2`,
      [senderId, clientMessageId],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /** Null when the sender already used this client message id (a concurrent retry won). */
  async insertMessage(
    manager: EntityManager,
    m: {
      id: string;
      conversationId: string;
      tenantId: string;
      senderId: string;
      clientMessageId: string;
      bodySealed: Buffer;
    },
  ): Promise<StoredMessage | null> {
    // One round trip: the message, and the conversation's last message time when it was stored.
    const rows: MessageRow[] = await manager.query(
      `WITH stored AS (
         INSERT INTO message (id, conversation_id, tenant_id, sender_id, client_message_id, body_sealed)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT ON CONSTRAINT message_sender_id_client_message_id_key DO NOTHING
         RETURNING ${MESSAGE_COLUMNS}
       ), touched AS (
         UPDATE conversation SET last_message_at = stored.sent_at FROM stored WHERE conversation.id = stored.conversation_id
       )
       SELECT * FROM stored`,
      [m.id, m.conversationId, m.tenantId, m.senderId, m.clientMessageId, m.bodySealed],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async participant(
    manager: EntityManager,
    conversationId: string,
    userId: string,
  ): Promise<ParticipantState | null> {
    const rows: { last_read_seq: string; last_seen_at: Date | null; last_notified_at: Date | null }[] =
      await manager.query(
        `SELECT last_read_seq, last_seen_at, last_notified_at FROM participant
          WHERE conversation_id = $1 AND user_id = $2`,
        [conversationId, userId],
      );
    return rows[0]
      ? {
          lastReadSeq: String(rows[0].last_read_seq),
          lastSeenAt: rows[0].last_seen_at,
          lastNotifiedAt: rows[0].last_notified_at,
        }
      : null;
  }

  /** The user looked at the conversation (opened it, paged it, read it). */
  async seen(
    conversationId: string,
    userId: string,
    at: Date,
    manager = this.dataSource.manager,
  ): Promise<void> {
    await manager.query(
      `UPDATE participant SET last_seen_at = $3 WHERE conversation_id = $1 AND user_id = $2`,
      [conversationId, userId, at],
    );
  }

  /** Moves the read marker forward (never back). Returns the marker before and after. */
  async markRead(
    manager: EntityManager,
    conversationId: string,
    userId: string,
    seq: string,
    at: Date,
  ): Promise<{ before: string; after: string } | null> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows] = (await manager.query(
      `UPDATE participant p SET last_read_seq = GREATEST(p.last_read_seq, $3::bigint),
              last_read_at = CASE WHEN $3::bigint > p.last_read_seq THEN $4::timestamptz ELSE p.last_read_at END,
              last_seen_at = $4::timestamptz
         FROM participant old
        WHERE p.conversation_id = $1 AND p.user_id = $2
          AND old.conversation_id = p.conversation_id AND old.user_id = p.user_id
        RETURNING old.last_read_seq AS before, p.last_read_seq AS after`,
      [conversationId, userId, seq, at],
    )) as [{ before: string; after: string }[], number];
    return rows[0] ? { before: String(rows[0].before), after: String(rows[0].after) } : null;
  }

  async notified(manager: EntityManager, conversationId: string, userId: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE participant SET last_notified_at = $3 WHERE conversation_id = $1 AND user_id = $2`,
      [conversationId, userId, at],
    );
  }

  /** The message's seq, if it belongs to the conversation. */
  async seqOf(
    conversationId: string,
    messageId: string,
    manager = this.dataSource.manager,
  ): Promise<string | null> {
    const rows: { seq: string }[] = await manager.query(
      `SELECT seq FROM message WHERE id = $1 AND conversation_id = $2`,
      [messageId, conversationId],
    );
    return rows[0] ? String(rows[0].seq) : null;
  }

  async latest(manager: EntityManager, conversationId: string): Promise<{ id: string; seq: string } | null> {
    const rows: { id: string; seq: string }[] = await manager.query(
      `SELECT id, seq FROM message WHERE conversation_id = $1 ORDER BY seq DESC LIMIT 1`,
      [conversationId],
    );
    return rows[0] ? { id: rows[0].id, seq: String(rows[0].seq) } : null;
  }

  async idAtSeq(manager: EntityManager, conversationId: string, seq: string): Promise<string | null> {
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM message WHERE conversation_id = $1 AND seq = $2`,
      [conversationId, seq],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * A page of messages in conversation order. Before a seq: the newest `limit` before it; after a seq:
   * the oldest `limit` after it; neither: the newest `limit`. Fetches one more to tell whether there is
   * more in that direction.
   */
  async page(
    conversationId: string,
    cursor: { before?: string; after?: string },
    limit: number,
  ): Promise<{ messages: StoredMessage[]; more: boolean }> {
    const forward = cursor.after !== undefined;
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT ${MESSAGE_COLUMNS} FROM message
        WHERE conversation_id = $1
          AND ($2::bigint IS NULL OR seq < $2::bigint)
          AND ($3::bigint IS NULL OR seq > $3::bigint)
        ORDER BY seq ${forward ? 'ASC' : 'DESC'}
        LIMIT $4`,
      [conversationId, cursor.before ?? null, cursor.after ?? null, limit + 1],
    );
    const more = rows.length > limit;
    const page = rows.slice(0, limit).map(toMessage);
    if (!forward) page.reverse();
    return { messages: page, more };
  }

  // ---- erasure and export -------------------------------------------------------------------------

  async conversationsOfClient(manager: EntityManager, clientId: string): Promise<Conversation[]> {
    const rows: ConversationRow[] = await manager.query(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversation WHERE client_id = $1 ORDER BY created_at, id`,
      [clientId],
    );
    return rows.map(toConversation);
  }

  async allMessages(manager: EntityManager, conversationId: string): Promise<StoredMessage[]> {
    const rows: MessageRow[] = await manager.query(
      `SELECT ${MESSAGE_COLUMNS} FROM message WHERE conversation_id = $1 ORDER BY seq`,
      [conversationId],
    );
    return rows.map(toMessage);
  }

  async readMarkers(
    manager: EntityManager,
    conversationId: string,
  ): Promise<Map<string, { lastReadSeq: string; lastReadAt: Date | null }>> {
    const rows: { user_id: string; last_read_seq: string; last_read_at: Date | null }[] = await manager.query(
      `SELECT user_id, last_read_seq, last_read_at FROM participant WHERE conversation_id = $1`,
      [conversationId],
    );
    return new Map(
      rows.map((r) => [r.user_id, { lastReadSeq: String(r.last_read_seq), lastReadAt: r.last_read_at }]),
    );
  }

  /** Deletes the client's conversations (messages and participants cascade). Returns how many. */
  async deleteConversationsOfClient(
    manager: EntityManager,
    tenantId: string,
    clientId: string,
  ): Promise<number> {
    return affected(
      await manager.query(`DELETE FROM conversation WHERE tenant_id = $1 AND client_id = $2`, [
        tenantId,
        clientId,
      ]),
    );
  }

  /** How many messages the client's conversations hold (what their erasure deletes with them). */
  async countMessagesOfClient(manager: EntityManager, tenantId: string, clientId: string): Promise<number> {
    const [row]: { n: string }[] = await manager.query(
      `SELECT count(*) AS n FROM message m JOIN conversation c ON c.id = m.conversation_id
        WHERE c.tenant_id = $1 AND c.client_id = $2`,
      [tenantId, clientId],
    );
    return Number(row.n);
  }

  /** Whether the subject takes part in any conversation of another organisation than this one. */
  async inOtherTenant(manager: EntityManager, tenantId: string, subjectId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM conversation WHERE tenant_id <> $1 AND (client_id = $2 OR professional_id = $2) LIMIT 1`,
      [tenantId, subjectId],
    );
    return rows.length > 0;
  }
}
