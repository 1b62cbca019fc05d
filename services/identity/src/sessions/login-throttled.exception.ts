import { DomainException } from '@therapy-room/platform';

export enum LoginThrottleErrorCode {
  TooManyAttempts = 'TOO_MANY_ATTEMPTS',
}

/** A login refused without looking at the password. Says nothing about whether the account exists. */
export class LoginThrottledException extends DomainException<LoginThrottleErrorCode> {
  constructor(readonly retryAfterSeconds: number) {
    super(LoginThrottleErrorCode.TooManyAttempts, 'Too many attempts. Try again later.');
  }

  get status(): number {
    return 429;
  }
}
