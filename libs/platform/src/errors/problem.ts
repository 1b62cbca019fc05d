/** RFC 9457 problem details: the one error body every service and the gateway return. */
export interface FieldError {
  path: string;
  message: string;
}
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
  requestId?: string;
  traceId?: string;
}
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Base of every domain exception: a stable code (an enum per feature) and a safe, user-facing detail.
 * Each feature maps its codes to HTTP statuses in one exhaustive function.
 */
export abstract class DomainException<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    readonly detail: string,
  ) {
    super(detail);
    this.name = new.target.name;
  }
  abstract get status(): number;
}

export class ValidationException extends Error {
  constructor(
    readonly errors: FieldError[],
    readonly detail = 'The request is not valid.',
  ) {
    super(detail);
    this.name = 'ValidationException';
  }
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}
