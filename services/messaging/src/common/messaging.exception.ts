import { DomainException, assertUnreachable } from '@therapy-room/platform';

export enum MessagingErrorCode {
  /** Unknown, another organisation's, someone else's, or no longer accessible: the same answer for all. */
  NotFound = 'NOT_FOUND',
  /** The actor may see this but not do it (e.g. write to a professional who left the care team). */
  Forbidden = 'FORBIDDEN',
  /** A client-generated message id already used by this sender for another message. */
  IdempotencyConflict = 'IDEMPOTENCY_CONFLICT',
  /** Too many live streams open for this user. */
  TooManyStreams = 'TOO_MANY_STREAMS',
}

/** Messaging's domain errors; the one place their HTTP status is decided. */
export class MessagingException extends DomainException<MessagingErrorCode> {
  get status(): number {
    switch (this.code) {
      case MessagingErrorCode.NotFound:
        return 404;
      case MessagingErrorCode.Forbidden:
        return 403;
      case MessagingErrorCode.IdempotencyConflict:
        return 409;
      case MessagingErrorCode.TooManyStreams:
        return 429;
      default:
        return assertUnreachable(this.code);
    }
  }
}

export const notFound = () => new MessagingException(MessagingErrorCode.NotFound, 'Not found.');
