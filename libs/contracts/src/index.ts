export * from './envelope';
export * from './define-event';
export * from './registry';
export * from './identity/tenant-created.v1';
export * from './identity/user-registered.v1';
export * from './identity/session-revoked.v1';
export * from './retention/erasure-requested.v1';
export * from './audit/entry-recorded.v1';
