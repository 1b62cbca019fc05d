import { DomainException, assertUnreachable } from '@therapy-room/platform';

export enum IdentityErrorCode {
  InvalidCredentials = 'INVALID_CREDENTIALS',
  SessionInvalid = 'SESSION_INVALID',
  TenantSlugTaken = 'TENANT_SLUG_TAKEN',
  TenantRegionMismatch = 'TENANT_REGION_MISMATCH',
  EmailTaken = 'EMAIL_TAKEN',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  LicenceExhausted = 'LICENCE_EXHAUSTED',
  TrainingLimitReached = 'TRAINING_LIMIT_REACHED',
  LinkInvalid = 'LINK_INVALID',
  AccountDeactivated = 'ACCOUNT_DEACTIVATED',
  CannotDeactivateSelf = 'CANNOT_DEACTIVATE_SELF',
}

/** Identity's domain errors; the one place their HTTP status is decided. */
export class IdentityException extends DomainException<IdentityErrorCode> {
  get status(): number {
    switch (this.code) {
      case IdentityErrorCode.InvalidCredentials:
      case IdentityErrorCode.SessionInvalid:
        return 401;
      case IdentityErrorCode.Forbidden:
      case IdentityErrorCode.AccountDeactivated:
        return 403;
      case IdentityErrorCode.NotFound:
        return 404;
      case IdentityErrorCode.TenantSlugTaken:
      case IdentityErrorCode.EmailTaken:
      case IdentityErrorCode.LicenceExhausted:
      case IdentityErrorCode.TrainingLimitReached:
        return 409;
      case IdentityErrorCode.TenantRegionMismatch:
      case IdentityErrorCode.LinkInvalid:
      case IdentityErrorCode.CannotDeactivateSelf:
        return 400;
      default:
        return assertUnreachable(this.code);
    }
  }
}
