import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { MessagingErrorCode, MessagingException } from '../common/messaging.exception';
import { participantKind } from '../conversations/policies/conversation-access';
import { preferencesSchema, type PreferencesDto } from '../conversations/dto/conversations.dto';
import { NotificationsRepository } from './notifications.repository';

/** A user's own choice to be told about new messages by e-mail (on unless turned off). */
@Controller('messaging/preferences')
@UseGuards(InternalAuthGuard)
export class PreferencesController {
  constructor(private readonly notifications: NotificationsRepository) {}

  @Get()
  @ApiResponse(200, preferencesSchema)
  async get(@CurrentActor() actor: Actor) {
    this.assertParticipant(actor);
    return { emailNotifications: (await this.notifications.emailEnabled(actor.userId)) ?? true };
  }

  @Put()
  @ApiResponse(200, preferencesSchema)
  async put(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(preferencesSchema)) body: PreferencesDto,
  ) {
    this.assertParticipant(actor);
    await this.notifications.setEmailEnabled(actor.tenantId, actor.userId, body.emailNotifications);
    return { emailNotifications: body.emailNotifications };
  }

  private assertParticipant(actor: Actor): void {
    if (!participantKind(actor)) {
      throw new MessagingException(
        MessagingErrorCode.Forbidden,
        'Only clients and professionals have conversations.',
      );
    }
  }
}
