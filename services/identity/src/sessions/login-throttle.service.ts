import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { PLATFORM_CONFIG, PLATFORM_LOGGER } from '@therapy-room/platform';
import { Clock } from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';
import { LoginThrottleRepository } from './login-throttle.repository';
import {
  admit,
  live,
  refund,
  refundAddress,
  type Admission,
  type LoginThrottlePolicy,
} from './policies/login-throttle.policy';

export interface ThrottleSubject {
  accountKey: Buffer;
  /** Counted address (IPv4, or IPv6 /64). */
  address: string;
  tenantId: string | null;
  /**
   * The browser's device hash, only when that browser has signed in to this account before: it then
   * has its own counter instead of the (account, address) pair and the account's shared pool.
   */
  knownDevice?: Buffer;
}

/** The account's shared pool: every browser it does not know, from any address. */
const SHARED_POOL = Buffer.alloc(0);

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
      accountLockAfter: config.LOGIN_THROTTLE_ACCOUNT_LOCK_AFTER,
    };
  }

  /**
   * Admits an attempt (charging it as a failure until it proves otherwise) or refuses it. The rows
   * stay locked until the caller commits, so concurrent attempts on one account are decided one by
   * one. Lock order: pair (or known device), pool, address.
   */
  async admit(manager: EntityManager, subject: ThrottleSubject, now: Date): Promise<Admission> {
    const { accountKey, knownDevice, tenantId } = subject;
    const own = knownDevice
      ? await this.counters.lockPool(manager, accountKey, knownDevice, tenantId)
      : await this.counters.lockAccount(manager, accountKey, subject.address, tenantId);
    const pool = knownDevice
      ? null
      : await this.counters.lockPool(manager, accountKey, SHARED_POOL, tenantId);
    const address = await this.counters.lockAddress(manager, subject.address);
    const admission = admit(own, address, now, this.policy, pool);
    if (admission.admitted) {
      if (knownDevice) await this.counters.savePool(manager, accountKey, knownDevice, admission.account);
      else await this.counters.saveAccount(manager, accountKey, subject.address, admission.account);
      if (admission.pool) await this.counters.savePool(manager, accountKey, SHARED_POOL, admission.pool);
      await this.counters.saveAddress(manager, subject.address, admission.address);
    }
    return admission;
  }

  /**
   * A successful login: the pair (or the known browser's counter) starts afresh; the account's pool
   * gets back what that pair was charged (the password's and the second factor's admissions, and
   * earlier failures from that address), not more: a success does not wipe out failures from other
   * addresses. The address gets back this attempt's charge.
   */
  async succeeded(manager: EntityManager, subject: ThrottleSubject, now: Date): Promise<void> {
    const { accountKey, knownDevice, tenantId } = subject;
    if (knownDevice) {
      await this.counters.lockPool(manager, accountKey, knownDevice, tenantId);
      await this.counters.deletePool(manager, accountKey, knownDevice);
    } else {
      const pair = live(
        await this.counters.lockAccount(manager, accountKey, subject.address, tenantId),
        now,
        this.policy,
      );
      const pool = live(
        await this.counters.lockPool(manager, accountKey, SHARED_POOL, tenantId),
        now,
        this.policy,
      );
      await this.counters.deleteAccount(manager, accountKey, subject.address);
      await this.counters.savePool(
        manager,
        accountKey,
        SHARED_POOL,
        refund(pool, this.policy.accountLockAfter, pair.failures),
      );
    }
    const address = live(await this.counters.lockAddress(manager, subject.address), now, this.policy);
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
