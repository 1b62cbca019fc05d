import { z } from 'zod';
import {
  listConversationsQuerySchema,
  listMessagesQuerySchema,
  type ConversationView,
  type MessageView,
} from './conversations.dto';

/**
 * What the conversation routes answer, for the public OpenAPI document (`@ApiResponse`): the
 * contract the API fuzzer checks answers against. `satisfies` keeps each in step with its view type.
 */
const id = z.uuid();
const instant = z.iso.datetime({ offset: true });

export const conversationViewSchema = z.object({
  id,
  counterpart: z.object({
    id,
    displayName: z.string().nullable(),
    role: z.enum(['client', 'professional']),
  }),
  createdAt: instant,
  lastMessageAt: instant.nullable(),
  unreadCount: z.int().min(0),
  canWrite: z.boolean(),
}) satisfies z.ZodType<ConversationView>;

export const conversationPageSchema = z.object({
  items: z.array(conversationViewSchema),
  total: z.int().min(0),
  limit: z.int(),
  offset: z.int(),
  unreadTotal: z.int().min(0),
});

export const unreadSchema = z.object({
  total: z.int().min(0),
  conversations: z.array(z.object({ conversationId: id, unreadCount: z.int().min(0) })),
});

export const messageViewSchema = z.object({
  id,
  clientMessageId: id.optional(),
  senderId: id,
  mine: z.boolean(),
  body: z.string(),
  sentAt: instant,
  readByCounterpart: z.boolean().optional(),
}) satisfies z.ZodType<MessageView>;

export const messagePageSchema = z.object({
  items: z.array(messageViewSchema),
  before: id.nullable(),
  more: z.boolean().optional(),
});

export const readStateSchema = z.object({
  conversationId: id,
  lastReadMessageId: id.nullable(),
  unreadCount: z.int().min(0),
});

/** The list queries as documented: their page size bound is MESSAGING_MAX_PAGE_SIZE's default. */
export const documentedListConversationsQuery = listConversationsQuerySchema(100);
export const documentedListMessagesQuery = listMessagesQuerySchema(100);
