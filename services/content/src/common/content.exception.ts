import { DomainException, assertUnreachable } from '@therapy-room/platform';

export enum ContentErrorCode {
  /** Unknown, another organisation's, or another client's: the same answer for all three. */
  NotFound = 'NOT_FOUND',
  Forbidden = 'FORBIDDEN',
  /** The assignment was withdrawn: the client can no longer work on it. */
  Withdrawn = 'ASSIGNMENT_WITHDRAWN',
  /** A questionnaire asked once already has its response. */
  AlreadyAnswered = 'ALREADY_ANSWERED',
}

/** Content's domain errors; the one place their HTTP status is decided. */
export class ContentException extends DomainException<ContentErrorCode> {
  get status(): number {
    switch (this.code) {
      case ContentErrorCode.NotFound:
        return 404;
      case ContentErrorCode.Forbidden:
        return 403;
      case ContentErrorCode.Withdrawn:
      case ContentErrorCode.AlreadyAnswered:
        return 409;
      default:
        return assertUnreachable(this.code);
    }
  }
}

export const notFound = () => new ContentException(ContentErrorCode.NotFound, 'Not found.');
export const forbidden = (detail: string) => new ContentException(ContentErrorCode.Forbidden, detail);
