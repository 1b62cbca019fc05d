import { HttpException } from '@nestjs/common';
import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';

const messages: Record<string, string> = {
  'entity.parse.failed': 'The request body is not valid JSON.',
  'entity.too.large': 'The request body is too large.',
  'encoding.unsupported': 'The request body encoding is not supported.',
  'charset.unsupported': 'The request body charset is not supported.',
};

/**
 * Strict JSON bodies with a size limit. Parser failures become a clean HttpException here: left to
 * Nest, a SyntaxError would surface with the parser's internal message.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = json({ limit: limitBytes, strict: true, type: ['application/json', 'application/*+json'] });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const { type, status } = err as { type?: string; status?: number };
      const code = typeof status === 'number' && status >= 400 && status < 500 ? status : 400;
      next(new HttpException(messages[type ?? ''] ?? 'The request body could not be read.', code));
    });
}
