import { DomainException, assertUnreachable } from '@therapy-room/platform';

export enum RetentionErrorCode {
  /** Unknown, another organisation's, or outside the actor's caseload: the same answer for all three. */
  NotFound = 'NOT_FOUND',
  Forbidden = 'FORBIDDEN',
  /** Four eyes: the requester cannot approve their own request. */
  OwnRequest = 'OWN_REQUEST',
  /** The request is not in a state that allows this step. */
  WrongState = 'WRONG_STATE',
  /** The organisation's retention policy forbids erasing before the statutory period ends. */
  RetentionPeriodNotEnded = 'RETENTION_PERIOD_NOT_ENDED',
  /** A legal hold blocks every erasure of the client. */
  LegalHold = 'LEGAL_HOLD',
  /** A client's own export needs a recent sign-in. */
  ReauthenticationRequired = 'REAUTHENTICATION_REQUIRED',
}

/** Retention's domain errors; the one place their HTTP status is decided. */
export class RetentionException extends DomainException<RetentionErrorCode> {
  get status(): number {
    switch (this.code) {
      case RetentionErrorCode.NotFound:
        return 404;
      case RetentionErrorCode.Forbidden:
      case RetentionErrorCode.OwnRequest:
      case RetentionErrorCode.ReauthenticationRequired:
        return 403;
      case RetentionErrorCode.WrongState:
      case RetentionErrorCode.RetentionPeriodNotEnded:
      case RetentionErrorCode.LegalHold:
        return 409;
      default:
        return assertUnreachable(this.code);
    }
  }
}

export const notFound = () => new RetentionException(RetentionErrorCode.NotFound, 'Not found.');
export const forbidden = (detail: string) => new RetentionException(RetentionErrorCode.Forbidden, detail);
