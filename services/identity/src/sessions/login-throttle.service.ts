import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import { Clock } from '../common/clock';
import type { IdentityConfig } from '../identity.config';
import { LoginThrottleRepository } from './login-throttle.repository';
import {
  admit,
  live,
  refundAddress,
  type Admission,
  type LoginThrottlePolicy,
} from './policies/login-throttle.policy';

export interface ThrottleSubject {
  accountKey: Buffer;
  /** Counted address (IPv4, or IPv6 /64). */
  address: string;
  tenantId: string | null;
}

const PRUNE_EVERY_MS = 5 * 60_000;

/** Applies the login throttle policy to the stored counters, inside the caller's transaction. */
@Injectable()
export class LoginThrottleService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly policy: LoginThrottlePolicy;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly counters: LoginThrottleRepository,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) config: IdentityConfig,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {
    this.policy = {
      windowMs: config.LOGIN_THROTTLE_WINDOW_SECONDS * 1000,
      delayAfter: config.LOGIN_THROTTLE_DELAY_AFTER,
      delayBaseMs: config.LOGIN_THROTTLE_DELAY_BASE_SECONDS * 1000,
      lockAfter: config.LOGIN_THROTTLE_LOCK_AFTER,
      addressLockAfter: config.LOGIN_THROTTLE_ADDRESS_LOCK_AFTER,
    };
  }

  /**
   * Admits an attempt (charging it as a failure until it proves otherwise) or refuses it. The rows
   * stay locked until the caller commits, so concurrent attempts on one pair are decided one by one.
   */
  async admit(manager: EntityManager, subject: ThrottleSubject, now: Date): Promise<Admission> {
    const account = await this.counters.lockAccount(
      manager,
      subject.accountKey,
      subject.address,
      subject.tenantId,
    );
    const address = await this.counters.lockAddress(manager, subject.address);
    const admission = admit(account, address, now, this.policy);
    if (admission.admitted) {
      await this.counters.saveAccount(manager, subject.accountKey, subject.address, admission.account);
      await this.counters.saveAddress(manager, subject.address, admission.address);
    }
    return admission;
  }

  /** A successful login: the pair starts afresh and the address gets its charge back. */
  async succeeded(manager: EntityManager, subject: ThrottleSubject, now: Date): Promise<void> {
    await this.counters.lockAccount(manager, subject.accountKey, subject.address, subject.tenantId);
    const address = live(await this.counters.lockAddress(manager, subject.address), now, this.policy);
    await this.counters.deleteAccount(manager, subject.accountKey, subject.address);
    await this.counters.saveAddress(manager, subject.address, refundAddress(address, this.policy));
  }

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  async prune(): Promise<number> {
    const now = this.clock.now();
    return this.counters
      .prune(new Date(now.getTime() - this.policy.windowMs), now)
      .catch((err: unknown) => (this.logger.warn({ err }, 'login throttle pruning failed'), 0));
  }
}
