import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { requestContext } from '../context/request-context';
import { DomainException, PROBLEM_CONTENT_TYPE, ProblemDetails, ValidationException } from './problem';
import { zodIssuesToFieldErrors } from '../validation/zod-validation.pipe';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export function toProblem(exception: unknown): ProblemDetails {
  if (exception instanceof ValidationException) {
    return {
      type: 'about:blank',
      title: titles[400],
      status: 400,
      detail: exception.detail,
      errors: exception.errors,
    };
  }
  if (exception instanceof ZodError) {
    return {
      type: 'about:blank',
      title: titles[400],
      status: 400,
      detail: 'The request is not valid.',
      errors: zodIssuesToFieldErrors(exception.issues),
    };
  }
  if (exception instanceof DomainException) {
    return {
      type: 'about:blank',
      title: titles[exception.status] ?? 'Error',
      status: exception.status,
      detail: exception.detail,
      code: exception.code,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const detail =
      typeof response === 'string'
        ? response
        : ((response as { message?: unknown }).message ?? exception.message);
    return {
      type: 'about:blank',
      title: titles[status] ?? 'Error',
      status,
      detail: status >= 500 ? undefined : String(detail),
    };
  }
  return {
    type: 'about:blank',
    title: titles[500],
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    detail: 'Something went wrong on our side.',
  };
}

/** Every error leaves as application/problem+json with requestId and traceId; never a stack. */
@Catch()
export class ProblemExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request>();
    const problem = toProblem(exception);
    problem.requestId = requestContext.get()?.requestId;
    problem.traceId = trace.getActiveSpan()?.spanContext().traceId;
    if (problem.status >= 500) {
      this.logger.error({ err: exception, method: req.method, path: req.path }, 'request failed');
    }
    if (res.headersSent) return;
    res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}
