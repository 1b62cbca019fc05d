import { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { FieldError, ValidationException } from '../errors/problem';

export function zodIssuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'is not allowed' }));
    }
    return [{ path: issue.path.join('.') || '(root)', message: issue.message }];
  });
}

/** Parses a body, query or params with a strict zod schema; failures become a field-level 400. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}
  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (!result.success) throw new ValidationException(zodIssuesToFieldErrors(result.error.issues));
    return result.data;
  }
}
