import { DomainException, assertUnreachable } from '@therapy-room/platform';

export enum TwoFactorErrorCode {
  InvalidCode = 'INVALID_CODE',
  ChallengeInvalid = 'CHALLENGE_INVALID',
  AlreadyActive = 'TWO_FACTOR_ALREADY_ACTIVE',
  NotPending = 'TWO_FACTOR_NOT_PENDING',
  NotActive = 'TWO_FACTOR_NOT_ACTIVE',
  Mandatory = 'TWO_FACTOR_MANDATORY',
  Forbidden = 'FORBIDDEN',
}

export class TwoFactorException extends DomainException<TwoFactorErrorCode> {
  get status(): number {
    switch (this.code) {
      case TwoFactorErrorCode.InvalidCode:
      case TwoFactorErrorCode.ChallengeInvalid:
        return 401;
      case TwoFactorErrorCode.Mandatory:
      case TwoFactorErrorCode.Forbidden:
        return 403;
      case TwoFactorErrorCode.AlreadyActive:
      case TwoFactorErrorCode.NotPending:
      case TwoFactorErrorCode.NotActive:
        return 409;
      default:
        return assertUnreachable(this.code);
    }
  }
}
