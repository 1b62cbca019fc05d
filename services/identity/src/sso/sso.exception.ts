import { DomainException, assertUnreachable } from '@therapy-room/platform';

export enum SsoErrorCode {
  /** Unknown organisation, or single sign-on not configured or switched off. */
  NotAvailable = 'SSO_NOT_AVAILABLE',
  NotConfigured = 'SSO_NOT_CONFIGURED',
  /** Any refused callback: one generic answer whatever the reason (the reason is audited). */
  Failed = 'SSO_FAILED',
  ProviderUnavailable = 'SSO_PROVIDER_UNAVAILABLE',
  Forbidden = 'FORBIDDEN',
}

export const SSO_FAILED = 'Single sign-on did not succeed. Try again, or contact your organisation.';

export class SsoException extends DomainException<SsoErrorCode> {
  get status(): number {
    switch (this.code) {
      case SsoErrorCode.NotAvailable:
      case SsoErrorCode.NotConfigured:
        return 404;
      case SsoErrorCode.Failed:
        return 401;
      case SsoErrorCode.Forbidden:
        return 403;
      case SsoErrorCode.ProviderUnavailable:
        return 502;
      default:
        return assertUnreachable(this.code);
    }
  }
}
