import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import { PlatformModule } from '@therapy-room/platform';
import { gatewayConfigShape } from './gateway.config';
import { GatewayController } from './proxy/gateway.controller';
import { EventStreamController } from './proxy/event-stream.controller';
import { UpstreamClient } from './proxy/upstream.client';
import { SessionAuthenticator } from './auth/session-authenticator';
import { SessionCache } from './auth/session-cache';
import { SessionRevocationsConsumer } from './auth/session-revocations.consumer';
import { SecurityHeadersMiddleware } from './security/security-headers.middleware';
import { ApiDocsController } from './openapi/api-docs.controller';

/** The only public entry: owns nothing personal and no database. */
@Module({
  imports: [PlatformModule.forService({ configShape: gatewayConfigShape, openApiFragment: false })],
  // EventStreamController and ApiDocsController first: their routes must win over GatewayController's
  // catch-all.
  controllers: [EventStreamController, ApiDocsController, GatewayController, SessionRevocationsConsumer],
  providers: [UpstreamClient, SessionAuthenticator, SessionCache],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(SecurityHeadersMiddleware, cookieParser()).forRoutes('*path');
  }
}
