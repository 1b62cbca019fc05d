export * from './internal-token';
export * from './internal-token.strategy';
export * from './internal-auth.guard';
export * from './gateway-service-token';
export * from './gateway-caller.guard';
export * from './internal-auth.module';
export * from './actor.decorator';
export * from './actor-kind';
