import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ApiErrors, ApiResponse, ZodValidationPipe } from '@therapy-room/platform';
import { CurrentActor, InternalAuthGuard, type Actor } from '@therapy-room/auth';
import { requestIdParamsSchema, type RequestIdParams } from '../requests/dto/requests.dto';
import { DownloadsService } from './downloads.service';

const downloadSchema = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) }).strict();
const linkSchema = z.object({
  /** Single use: POST it to /api/retention/downloads (in the body, never in a URL). */
  token: z.string(),
  expiresAt: z.iso.datetime(),
});
const packageSchema = z
  .object({
    format: z.literal('therapy-room-export/1'),
    requestId: z.uuid(),
    createdAt: z.iso.datetime(),
    /** One JSON document per service that keeps data about the client. */
    documents: z.record(z.string(), z.unknown()),
    /** The same as a FHIR R4 Bundle (collection). */
    fhir: z.record(z.string(), z.unknown()),
  })
  .loose();

@Controller('retention')
@UseGuards(InternalAuthGuard)
export class DownloadsController {
  constructor(private readonly downloads: DownloadsService) {}

  /** The requester of a completed export: a single-use link to its package (replaces any earlier one). */
  @Post('requests/:requestId/download-link')
  @HttpCode(200)
  @ApiResponse(200, linkSchema)
  @ApiErrors(409)
  link(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(requestIdParamsSchema)) p: RequestIdParams,
  ) {
    return this.downloads.link(actor, p.requestId);
  }

  /** The package, once: fetched, it is deleted (404 afterwards, as for an expired or unknown link). */
  @Post('downloads')
  @HttpCode(200)
  @ApiResponse(200, packageSchema)
  @ApiErrors(404)
  download(
    @CurrentActor() actor: Actor,
    @Body(new ZodValidationPipe(downloadSchema)) body: { token: string },
  ) {
    return this.downloads.download(actor, body.token);
  }
}
