import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ApiErrors, ApiInput, ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { ConversationsService } from './conversations.service';
import { MessageReadingService } from './message-reading.service';
import { MessageSendingService } from './message-sending.service';
import {
  conversationIdParamsSchema,
  listConversationsQuerySchema,
  listMessagesQuerySchema,
  markReadSchema,
  sendMessageSchema,
  startConversationSchema,
  type ConversationIdParams,
  type ListConversationsQuery,
  type ListMessagesQuery,
  type MarkReadDto,
  type SendMessageDto,
  type StartConversationDto,
} from './dto/conversations.dto';
import {
  conversationPageSchema,
  conversationViewSchema,
  documentedListConversationsQuery,
  documentedListMessagesQuery,
  messagePageSchema,
  messageViewSchema,
  readStateSchema,
  unreadSchema,
} from './dto/conversations.responses';

@Controller('messaging')
@UseGuards(InternalAuthGuard)
export class ConversationsController {
  private readonly listQuery: ZodValidationPipe<ReturnType<typeof listConversationsQuerySchema>>;
  private readonly messagesQuery: ZodValidationPipe<ReturnType<typeof listMessagesQuerySchema>>;

  constructor(
    private readonly conversations: ConversationsService,
    private readonly reading: MessageReadingService,
    private readonly sending: MessageSendingService,
  ) {
    this.listQuery = new ZodValidationPipe(listConversationsQuerySchema(conversations.maxPageSize));
    this.messagesQuery = new ZodValidationPipe(listMessagesQuerySchema(conversations.maxPageSize));
  }

  /** 201 with a new conversation, 200 with the pair's existing one. */
  @Post('conversations')
  @ApiErrors(404)
  @ApiResponse(201, conversationViewSchema)
  @ApiResponse(200, conversationViewSchema, { description: "The pair's existing conversation" })
  async start(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(startConversationSchema)) body: StartConversationDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, conversation } = await this.conversations.start(actor, body);
    res.status(created ? 201 : 200);
    return conversation;
  }

  @Get('conversations')
  @ApiInput('query', documentedListConversationsQuery)
  @ApiResponse(200, conversationPageSchema)
  list(@CurrentActor() actor: Actor, @Query() query: unknown) {
    return this.conversations.list(actor, this.listQuery.transform(query) as ListConversationsQuery);
  }

  @Get('unread')
  @ApiResponse(200, unreadSchema)
  unread(@CurrentActor() actor: Actor) {
    return this.conversations.unread(actor);
  }

  @Get('conversations/:conversationId')
  @ApiResponse(200, conversationViewSchema)
  get(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(conversationIdParamsSchema)) params: ConversationIdParams,
  ) {
    return this.conversations.get(actor, params.conversationId);
  }

  @Get('conversations/:conversationId/messages')
  @ApiInput('query', documentedListMessagesQuery)
  @ApiResponse(200, messagePageSchema)
  messages(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(conversationIdParamsSchema)) params: ConversationIdParams,
    @Query() query: unknown,
  ) {
    return this.reading.messages(
      actor,
      params.conversationId,
      this.messagesQuery.transform(query) as ListMessagesQuery,
    );
  }

  /** 201 with the new message; 200 with the original when the same message is sent again (retry). */
  @Post('conversations/:conversationId/messages')
  @ApiResponse(201, messageViewSchema)
  @ApiResponse(200, messageViewSchema, { description: 'The original message: the same one sent again' })
  @ApiErrors(409)
  async send(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(conversationIdParamsSchema)) params: ConversationIdParams,
    @Body(new ZodValidationPipe(sendMessageSchema)) body: SendMessageDto,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, message } = await this.sending.send(actor, params.conversationId, body);
    res.status(created ? 201 : 200);
    return message;
  }

  @Post('conversations/:conversationId/read')
  @ApiResponse(200, readStateSchema)
  @HttpCode(200)
  markRead(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(conversationIdParamsSchema)) params: ConversationIdParams,
    @Body(new ZodValidationPipe(markReadSchema)) body: MarkReadDto,
  ) {
    return this.reading.markRead(actor, params.conversationId, body);
  }
}
