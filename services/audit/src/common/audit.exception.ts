import { DomainException, assertUnreachable } from '@therapy-room/platform';

export enum AuditErrorCode {
  /** The log is read by the client (their contact history) and by org admins (their organisation's log) only. */
  Forbidden = 'FORBIDDEN',
}

/** Audit's domain errors; the one place their HTTP status is decided. */
export class AuditException extends DomainException<AuditErrorCode> {
  get status(): number {
    switch (this.code) {
      case AuditErrorCode.Forbidden:
        return 403;
      default:
        return assertUnreachable(this.code);
    }
  }
}

export const forbidden = (detail: string) => new AuditException(AuditErrorCode.Forbidden, detail);
