export * from './internal-token';
export * from './internal-token.strategy';
export * from './internal-auth.guard';
export * from './internal-auth.module';
export * from './actor.decorator';
export * from './actor-kind';
