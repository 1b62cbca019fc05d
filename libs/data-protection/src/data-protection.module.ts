import { Module } from '@nestjs/common';
import { SubjectDataCipher } from './subject-data-cipher';
import { SubjectKeyStore } from './subject-key-store';

/**
 * Envelope encryption for a service that keeps health data. The service adds
 * `dataProtectionConfigShape` to its config shape (the master keys and the key database); its keys
 * live in the key database, never in its own (SubjectKeyStore).
 */
@Module({ providers: [SubjectKeyStore, SubjectDataCipher], exports: [SubjectDataCipher] })
export class DataProtectionModule {}
