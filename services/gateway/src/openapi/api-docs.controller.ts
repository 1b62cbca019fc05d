import { Controller, Get, Inject, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import type { Logger } from 'pino';
import { PLATFORM_CONFIG, PLATFORM_LOGGER, type OpenApiDocument } from '@therapy-room/platform';
import type { GatewayConfig } from '../gateway.config';
import type { Upstream } from '../proxy/routes';
import { assemblePublicDocument, type Fragments } from './public-document';

const API_VERSION = '0.1.0';

/**
 * GET /api/docs: the public API as an OpenAPI 3.1 document (JSON), assembled from the services'
 * fragments (their GET /openapi.json) through the route table. Served only when OPENAPI_DOCS is on
 * (the local stack, the contract tests); elsewhere it is the generic 404 of any unknown route.
 */
@Controller('api')
export class ApiDocsController {
  private document?: OpenApiDocument;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: GatewayConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  @Get('docs')
  async docs(): Promise<OpenApiDocument> {
    if (!this.config.OPENAPI_DOCS) throw new NotFoundException('Not found.');
    this.document ??= assemblePublicDocument(await this.fragments(), API_VERSION);
    return this.document;
  }

  private async fragments(): Promise<Fragments> {
    const urls: Record<Upstream, string> = {
      identity: this.config.IDENTITY_URL,
      caseload: this.config.CASELOAD_URL,
      content: this.config.CONTENT_URL,
      messaging: this.config.MESSAGING_URL,
      audit: this.config.AUDIT_URL,
      retention: this.config.RETENTION_URL,
    };
    const entries = await Promise.all(
      (Object.entries(urls) as [Upstream, string][]).map(async ([upstream, url]) => {
        try {
          const res = await fetch(`${url.replace(/\/$/, '')}/openapi.json`, {
            signal: AbortSignal.timeout(this.config.UPSTREAM_TIMEOUT_MS),
          });
          if (!res.ok) throw new Error(`answered ${res.status}`);
          return [upstream, (await res.json()) as OpenApiDocument] as const;
        } catch (err) {
          this.logger.warn(
            { upstream, err: { message: (err as Error).message } },
            'openapi fragment unavailable',
          );
          throw new ServiceUnavailableException('The API description is temporarily unavailable.');
        }
      }),
    );
    return Object.fromEntries(entries) as Fragments;
  }
}
