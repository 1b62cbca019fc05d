export * from './people-directory';
export * from './people-directory.module';
export * from './database/1763900000050-people-directory';
