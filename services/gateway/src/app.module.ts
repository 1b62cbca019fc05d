import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import { PlatformModule } from '@therapy-room/platform';
import { gatewayConfigShape } from './gateway.config';
import { GatewayController } from './proxy/gateway.controller';
import { EventStreamController } from './proxy/event-stream.controller';
import { UpstreamClient } from './proxy/upstream.client';
import { ProxyRouteMetrics } from './proxy/proxy-route-metrics';
import { SessionAuthenticator } from './auth/session-authenticator';
import { SessionCache } from './auth/session-cache';
import { SessionRevocationsConsumer } from './auth/session-revocations.consumer';
import { SecurityHeadersMiddleware } from './security/security-headers.middleware';

/** The only public entry: owns nothing personal and no database. */
@Module({
  imports: [PlatformModule.forService({ configShape: gatewayConfigShape })],
  // EventStreamController first: its route must win over GatewayController's catch-all.
  controllers: [EventStreamController, GatewayController, SessionRevocationsConsumer],
  providers: [UpstreamClient, SessionAuthenticator, SessionCache, ProxyRouteMetrics],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(SecurityHeadersMiddleware, cookieParser()).forRoutes('*path');
  }
}
