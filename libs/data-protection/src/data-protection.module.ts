import { Module } from '@nestjs/common';
import { SubjectDataCipher } from './subject-data-cipher';

/**
 * Envelope encryption for a service that keeps free-text health data. The service adds
 * `dataProtectionConfigShape` to its config shape and `SubjectDataKeys1763900000200` to its migrations.
 */
@Module({ providers: [SubjectDataCipher], exports: [SubjectDataCipher] })
export class DataProtectionModule {}
