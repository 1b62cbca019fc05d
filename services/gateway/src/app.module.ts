import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import { EventPublisher, PlatformModule, READINESS_PROBE } from '@therapy-room/platform';
import { gatewayConfigShape } from './gateway.config';
import { LoginController } from './session/login.controller';
import { SsoController } from './session/sso.controller';
import { SessionController } from './session/session.controller';
import { ForwardProxyController } from './proxy/forward-proxy.controller';
import { EventStreamController } from './proxy/event-stream.controller';
import { UpstreamClient } from './proxy/upstream.client';
import { requestTargetCheck } from './proxy/request-target.middleware';
import { InternalTokenSigner } from './auth/internal-token-signer';
import { ProxyRouteMetrics } from './proxy/proxy-route-metrics';
import { SessionAuthenticator } from './auth/session-authenticator';
import { SessionReplacement } from './session/session-replacement';
import { SessionCache } from './auth/session-cache';
import { SessionRevocationsConsumer } from './auth/session-revocations.consumer';
import { securityHeaders } from './security/security-headers';
import { StaffRequestAudit } from './auth/staff-request-audit';
import { ApiDocsController } from './openapi/api-docs.controller';
import { OrganisationDirectory } from './residency/organisation-directory';
import { ResidencyRoutingMiddleware } from './residency/residency-routing.middleware';
import { webApp } from './web/web-app';

/** The only public entry: owns nothing personal and no database. */
@Module({
  imports: [
    PlatformModule.forService({
      configShape: gatewayConfigShape,
      openApiFragment: false,
      // Ahead of the body parser and routing: every answer has the headers, every path is checked once.
      // A link's page naming another region's organisation is sent there before the app's page is served.
      // The browser app (GET/HEAD outside /api and /health) is served from memory before the check's 404.
      httpMiddleware: [
        securityHeaders,
        ResidencyRoutingMiddleware,
        webApp(process.env.WEB_ROOT || undefined),
        requestTargetCheck,
      ],
    }),
  ],
  // ForwardProxyController last: its catch-all must not shadow the stream, docs and session routes.
  controllers: [
    EventStreamController,
    ApiDocsController,
    LoginController,
    SsoController,
    SessionController,
    ForwardProxyController,
    SessionRevocationsConsumer,
  ],
  providers: [
    UpstreamClient,
    InternalTokenSigner,
    SessionAuthenticator,
    SessionReplacement,
    SessionCache,
    StaffRequestAudit,
    EventPublisher,
    ProxyRouteMetrics,
    OrganisationDirectory,
    ResidencyRoutingMiddleware,
    // The gateway has no database: it is ready once it knows which region each organisation lives in.
    { provide: READINESS_PROBE, useExisting: OrganisationDirectory },
  ],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(cookieParser()).forRoutes('*path');
    // Before the login, password reset, activation and SSO controllers, and the proxy of a shared
    // report's opening, evaluate anything about an organisation named in the body.
    consumer.apply(ResidencyRoutingMiddleware).forRoutes('api/auth/*path', 'api/shared-reports/*path');
  }
}
