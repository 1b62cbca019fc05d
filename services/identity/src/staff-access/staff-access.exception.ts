import { DomainException, assertUnreachable } from '@therapy-room/platform';

export enum StaffAccessErrorCode {
  /** Said by identity and the gateway alike: no approved, unexpired grant for this organisation. */
  StaffAccessRequired = 'STAFF_ACCESS_REQUIRED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  GrantNotPending = 'GRANT_NOT_PENDING',
  GrantNotActive = 'GRANT_NOT_ACTIVE',
}

export const STAFF_ACCESS_REQUIRED = 'Platform staff need an approved access grant for this organisation.';

export class StaffAccessException extends DomainException<StaffAccessErrorCode> {
  get status(): number {
    switch (this.code) {
      case StaffAccessErrorCode.StaffAccessRequired:
      case StaffAccessErrorCode.Forbidden:
        return 403;
      case StaffAccessErrorCode.NotFound:
        return 404;
      case StaffAccessErrorCode.GrantNotPending:
      case StaffAccessErrorCode.GrantNotActive:
        return 409;
      default:
        return assertUnreachable(this.code);
    }
  }
}
