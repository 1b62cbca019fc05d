import { Module } from '@nestjs/common';
import { InternalAuthModule } from '@therapy-room/auth';
import { CaseloadAccessModule } from '@therapy-room/caseload-access';
import { DataProtectionModule, subjectRightsParticipant } from '@therapy-room/data-protection';
import { PeopleDirectoryModule } from '@therapy-room/people-directory';
import { ConversationsController } from './conversations/conversations.controller';
import { ConversationsRepository } from './conversations/conversations.repository';
import { ConversationsService } from './conversations/conversations.service';
import { ConversationAccessService } from './conversations/conversation-access.service';
import { MessageReadingService } from './conversations/message-reading.service';
import { MessageSendingService } from './conversations/message-sending.service';
import { NoticesService } from './notifications/notices.service';
import { NotificationsRepository } from './notifications/notifications.repository';
import { PreferencesController } from './notifications/preferences.controller';
import { StreamController } from './stream/stream.controller';
import { StreamConsumer } from './stream/stream.consumer';
import { StreamHub } from './stream/stream-hub';
import { PresenceRepository } from './stream/presence.repository';
import { ErasureService } from './erasure/erasure.service';
import { ExportService } from './export/export.service';

const subjectRights = subjectRightsParticipant(ErasureService);

@Module({
  imports: [InternalAuthModule, CaseloadAccessModule, DataProtectionModule, PeopleDirectoryModule],
  controllers: [
    ConversationsController,
    PreferencesController,
    StreamController,
    StreamConsumer,
    ...subjectRights.controllers,
  ],
  providers: [
    ConversationsRepository,
    ConversationAccessService,
    ConversationsService,
    MessageReadingService,
    MessageSendingService,
    NoticesService,
    NotificationsRepository,
    StreamHub,
    PresenceRepository,
    ...subjectRights.providers,
    ExportService,
  ],
})
export class MessagingModule {}
