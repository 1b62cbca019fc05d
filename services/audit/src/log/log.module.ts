import { Module } from '@nestjs/common';
import { CheckpointSigner } from '../checkpoints/checkpoint-signer';
import { Checkpoints } from '../checkpoints/checkpoints';
import { CheckpointScheduler } from '../checkpoints/checkpoint-scheduler';
import { AuditClock } from './audit-clock';
import { AuditLogWriter } from './audit-log.writer';
import { Pseudonyms } from './pseudonyms';

/** The log itself: pseudonyms, the hash chain writer and its signed checkpoints. */
@Module({
  providers: [AuditClock, Pseudonyms, CheckpointSigner, Checkpoints, CheckpointScheduler, AuditLogWriter],
  exports: [AuditClock, Pseudonyms, CheckpointSigner, Checkpoints, CheckpointScheduler, AuditLogWriter],
})
export class LogModule {}
