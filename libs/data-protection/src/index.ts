export * from './aead';
export * from './data-protection.config';
export * from './subject-data-cipher';
export * from './data-protection.module';
export * from './database/1763900000200-subject-data-keys';
export * from './subject-export';
