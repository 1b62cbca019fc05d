import type { EventContract } from './define-event';
import { identityTenantCreatedV1 } from './identity/tenant-created.v1';
import { identityUserRegisteredV1 } from './identity/user-registered.v1';
import { identitySessionRevokedV1 } from './identity/session-revoked.v1';
import { identityUserDeactivatedV1 } from './identity/user-deactivated.v1';
import { identityUserDeactivatedV2 } from './identity/user-deactivated.v2';
import { identityUserReactivatedV1 } from './identity/user-reactivated.v1';
import { identityErasureCompletedV1 } from './identity/erasure-completed.v1';
import { identityPrivacyStatementPublishedV1 } from './identity/privacy-statement-published.v1';
import { identityUserProfileChangedV1 } from './identity/user-profile-changed.v1';
import { identityUserSignedInV1 } from './identity/user-signed-in.v1';
import { identityStaffGrantEndedV1 } from './identity/staff-grant-ended.v1';
import { identityDirectoryEntryPublishedV1 } from './identity/directory-entry-published.v1';
import { caseloadAssignmentGrantedV1 } from './caseload/assignment-granted.v1';
import { caseloadAssignmentRevokedV1 } from './caseload/assignment-revoked.v1';
import { caseloadErasureCompletedV1 } from './caseload/erasure-completed.v1';
import { contentErasureCompletedV1 } from './content/erasure-completed.v1';
import { contentExportCompletedV1 } from './content/export-completed.v1';
import { contentAssignmentCreatedV1 } from './content/assignment-created.v1';
import { contentAssignmentWithdrawnV1 } from './content/assignment-withdrawn.v1';
import { contentSessionCompletedV1 } from './content/session-completed.v1';
import { contentQuestionnaireScoredV1 } from './content/questionnaire-scored.v1';
import { contentQuestionnaireScoredV2 } from './content/questionnaire-scored.v2';
import { messagingErasureCompletedV1 } from './messaging/erasure-completed.v1';
import { messagingExportCompletedV1 } from './messaging/export-completed.v1';
import { messagingConversationStartedV1 } from './messaging/conversation-started.v1';
import { messagingMessageSentV1 } from './messaging/message-sent.v1';
import { messagingMessageReadV1 } from './messaging/message-read.v1';
import { messagingNotificationDueV1 } from './messaging/notification-due.v1';
import { retentionExportRequestedV1 } from './retention/export-requested.v1';
import { retentionErasureRequestedV1 } from './retention/erasure-requested.v1';
import { retentionErasureScheduledV1 } from './retention/erasure-scheduled.v1';
import { retentionErasureCancelledV1 } from './retention/erasure-cancelled.v1';
import { retentionPolicyChangedV1 } from './retention/policy-changed.v1';
import { auditEntryRecordedV1 } from './audit/entry-recorded.v1';
import { auditEntryBatchRecordedV1 } from './audit/entry-batch-recorded.v1';
import { auditCheckpointRecordedV1 } from './audit/checkpoint-recorded.v1';
import { auditErasureCompletedV1 } from './audit/erasure-completed.v1';
import { auditOutsideAccessNoticeDueV1 } from './audit/outside-access-notice-due.v1';

/** Every event contract, by topic: the one list producers, consumers and topic provisioning read. */
export const eventContracts = {
  [identityTenantCreatedV1.topic]: identityTenantCreatedV1,
  [identityUserRegisteredV1.topic]: identityUserRegisteredV1,
  [identitySessionRevokedV1.topic]: identitySessionRevokedV1,
  [identityUserDeactivatedV1.topic]: identityUserDeactivatedV1,
  [identityUserDeactivatedV2.topic]: identityUserDeactivatedV2,
  [identityUserReactivatedV1.topic]: identityUserReactivatedV1,
  [identityErasureCompletedV1.topic]: identityErasureCompletedV1,
  [identityPrivacyStatementPublishedV1.topic]: identityPrivacyStatementPublishedV1,
  [identityUserProfileChangedV1.topic]: identityUserProfileChangedV1,
  [identityUserSignedInV1.topic]: identityUserSignedInV1,
  [identityStaffGrantEndedV1.topic]: identityStaffGrantEndedV1,
  [identityDirectoryEntryPublishedV1.topic]: identityDirectoryEntryPublishedV1,
  [caseloadAssignmentGrantedV1.topic]: caseloadAssignmentGrantedV1,
  [caseloadAssignmentRevokedV1.topic]: caseloadAssignmentRevokedV1,
  [caseloadErasureCompletedV1.topic]: caseloadErasureCompletedV1,
  [contentErasureCompletedV1.topic]: contentErasureCompletedV1,
  [contentExportCompletedV1.topic]: contentExportCompletedV1,
  [contentAssignmentCreatedV1.topic]: contentAssignmentCreatedV1,
  [contentAssignmentWithdrawnV1.topic]: contentAssignmentWithdrawnV1,
  [contentSessionCompletedV1.topic]: contentSessionCompletedV1,
  [contentQuestionnaireScoredV1.topic]: contentQuestionnaireScoredV1,
  [contentQuestionnaireScoredV2.topic]: contentQuestionnaireScoredV2,
  [messagingErasureCompletedV1.topic]: messagingErasureCompletedV1,
  [messagingExportCompletedV1.topic]: messagingExportCompletedV1,
  [messagingConversationStartedV1.topic]: messagingConversationStartedV1,
  [messagingMessageSentV1.topic]: messagingMessageSentV1,
  [messagingMessageReadV1.topic]: messagingMessageReadV1,
  [messagingNotificationDueV1.topic]: messagingNotificationDueV1,
  [retentionErasureRequestedV1.topic]: retentionErasureRequestedV1,
  [retentionExportRequestedV1.topic]: retentionExportRequestedV1,
  [retentionErasureScheduledV1.topic]: retentionErasureScheduledV1,
  [retentionErasureCancelledV1.topic]: retentionErasureCancelledV1,
  [retentionPolicyChangedV1.topic]: retentionPolicyChangedV1,
  [auditEntryRecordedV1.topic]: auditEntryRecordedV1,
  [auditEntryBatchRecordedV1.topic]: auditEntryBatchRecordedV1,
  [auditCheckpointRecordedV1.topic]: auditCheckpointRecordedV1,
  [auditErasureCompletedV1.topic]: auditErasureCompletedV1,
  [auditOutsideAccessNoticeDueV1.topic]: auditOutsideAccessNoticeDueV1,
} as const satisfies Record<string, EventContract>;

export type Topic = keyof typeof eventContracts;
export const topics = Object.keys(eventContracts) as Topic[];
export const contractFor = (topic: string): EventContract | undefined =>
  (eventContracts as Record<string, EventContract>)[topic];
