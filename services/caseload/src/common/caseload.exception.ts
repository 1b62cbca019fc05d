import { DomainException, assertUnreachable } from '@therapy-room/platform';

export enum CaseloadErrorCode {
  /** Unknown, another organisation's, or outside the actor's caseload: the same answer for all three. */
  NotFound = 'NOT_FOUND',
  Forbidden = 'FORBIDDEN',
  AlreadyAssigned = 'ALREADY_ASSIGNED',
}

/** Caseload's domain errors; the one place their HTTP status is decided. */
export class CaseloadException extends DomainException<CaseloadErrorCode> {
  get status(): number {
    switch (this.code) {
      case CaseloadErrorCode.NotFound:
        return 404;
      case CaseloadErrorCode.Forbidden:
        return 403;
      case CaseloadErrorCode.AlreadyAssigned:
        return 409;
      default:
        return assertUnreachable(this.code);
    }
  }
}

export const notFound = () => new CaseloadException(CaseloadErrorCode.NotFound, 'Not found.');
