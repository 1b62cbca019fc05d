import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { Response } from 'express';
import { PROBLEM_CONTENT_TYPE, requestContext } from '@therapy-room/platform';

export const PRIVACY_ACKNOWLEDGEMENT_REQUIRED = 'PRIVACY_ACKNOWLEDGEMENT_REQUIRED';

/** The user has not acknowledged the organisation's current privacy statement yet. */
export class PrivacyAcknowledgementRequiredException extends Error {
  constructor(readonly version: number) {
    super('Please read and accept the privacy statement of your organisation first.');
    this.name = 'PrivacyAcknowledgementRequiredException';
  }
}

/**
 * The gate's answer: the one problem+json body, with the code and the version to acknowledge (which
 * the generic error body has no field for).
 */
@Catch(PrivacyAcknowledgementRequiredException)
export class PrivacyAcknowledgementRequiredFilter implements ExceptionFilter {
  catch(exception: PrivacyAcknowledgementRequiredException, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse<Response>();
    res
      .status(403)
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify({
          type: 'about:blank',
          title: 'Forbidden',
          status: 403,
          detail: exception.message,
          code: PRIVACY_ACKNOWLEDGEMENT_REQUIRED,
          privacyStatementVersion: exception.version,
          requestId: requestContext.get()?.requestId,
          traceId: trace.getActiveSpan()?.spanContext().traceId,
        }),
      );
  }
}
