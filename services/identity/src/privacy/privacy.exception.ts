import { DomainException, assertUnreachable } from '@therapy-room/platform';

export enum PrivacyErrorCode {
  Forbidden = 'FORBIDDEN',
  NoStatement = 'PRIVACY_STATEMENT_NOT_FOUND',
  NotCurrent = 'PRIVACY_STATEMENT_NOT_CURRENT',
}

/** The privacy statement's domain errors and their HTTP statuses. */
export class PrivacyException extends DomainException<PrivacyErrorCode> {
  get status(): number {
    switch (this.code) {
      case PrivacyErrorCode.Forbidden:
        return 403;
      case PrivacyErrorCode.NoStatement:
        return 404;
      case PrivacyErrorCode.NotCurrent:
        return 409;
      default:
        return assertUnreachable(this.code);
    }
  }
}
