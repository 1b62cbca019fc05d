import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { PLATFORM_CONFIG } from '@therapy-room/platform';
import type { IdentityConfig } from '../identity.config';
import { MailOutboxService } from '../mail/mail-outbox.service';
import type { MailOutboxEntry, OutgoingMail } from '../mail/outgoing-mail';
import { UsersRepository } from '../users/users.repository';
import type { UserAccount } from '../users/user-account.entity';
import { KnownDevicesRepository, type SignInMethod } from './known-devices.repository';

/** A device token: 256 random bits, base64url, in a long-lived cookie the gateway keeps. */
const DEVICE_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const NO_USER = '00000000-0000-0000-0000-000000000000';
/** Devices remembered per account; the least recently seen beyond this are forgotten. */
const MAX_DEVICES_PER_ACCOUNT = 20;

/** How a browser is known to one account: SHA-256 of (user id, device token). */
const deviceHashOf = (userId: string, token: string): Buffer =>
  createHash('sha256').update(userId).update('\0').update(token).digest();

export const NEW_SIGN_IN_SUBJECT = 'New sign-in to your Therapy Room account';

/** "2026-03-05 14:07 UTC": the time of a sign-in as a mail says it. */
export const formatUtc = (at: Date): string => `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * "A new sign-in to your Therapy Room account": mailed when a login succeeds from a browser the
 * account has not signed in from before.
 *
 * A browser is recognised by a random token in a long-lived, HttpOnly cookie (`__Host-tr_device`,
 * set by the gateway), stored per account only as SHA-256(user id, token): nothing about the browser
 * or the network is read or kept (no address, no user agent, no fingerprint), one browser cannot be
 * linked across accounts, and a changing mobile address does not look like a new device. Clearing
 * cookies makes the browser new again: one notice too many, never one too few.
 *
 * An account's first recorded sign-in sets the baseline without a notice: that is the person who has
 * just activated the account (or, when this feature is deployed, every existing account's next login,
 * which would otherwise mail everyone at once).
 */
@Injectable()
export class NewSignInNoticeService {
  constructor(
    private readonly devices: KnownDevicesRepository,
    private readonly users: UsersRepository,
    private readonly mail: MailOutboxService,
    @Inject(PLATFORM_CONFIG) private readonly config: IdentityConfig,
  ) {
    this.mail.registerComposer('new_sign_in', (manager, entry) => this.compose(manager, entry));
  }

  /**
   * Records a successful sign-in in the login's transaction, queueing the notice when the device is
   * new to the account. Returns the device token the browser should keep (the one it sent, if any).
   */
  async recordSignIn(
    manager: EntityManager,
    user: Pick<UserAccount, 'id' | 'tenantId'>,
    presentedToken: string | undefined,
    method: SignInMethod,
    at: Date,
  ): Promise<string> {
    const token =
      presentedToken && DEVICE_TOKEN.test(presentedToken)
        ? presentedToken
        : randomBytes(32).toString('base64url');
    const deviceHash = deviceHashOf(user.id, token);
    const baseline = !(await this.devices.hasAny(manager, user.id));
    const device = await this.devices.remember(manager, {
      userId: user.id,
      tenantId: user.tenantId,
      deviceHash,
      method,
      at,
    });
    if (device.isNew) {
      await this.devices.keepMostRecent(manager, user.id, MAX_DEVICES_PER_ACCOUNT);
      if (!baseline) {
        await this.mail.enqueue(manager, {
          tenantId: user.tenantId,
          userId: user.id,
          kind: 'new_sign_in',
          refId: device.id,
        });
      }
    }
    return token;
  }

  /**
   * The device hash of a browser that has signed in to this account before, or undefined. Used by the
   * login throttle: such a browser keeps its own allowance when the account is under attack. One
   * query whether or not the account exists (pass null), so the answer's timing says nothing.
   */
  async knownDevice(userId: string | null, presentedToken: string | undefined): Promise<Buffer | undefined> {
    if (!presentedToken || !DEVICE_TOKEN.test(presentedToken)) return undefined;
    const deviceHash = deviceHashOf(userId ?? NO_USER, presentedToken);
    return (await this.devices.isKnown(userId ?? NO_USER, deviceHash)) && userId ? deviceHash : undefined;
  }

  /** No health content, no organisation name (it can say what kind of care someone receives). */
  private async compose(manager: EntityManager, entry: MailOutboxEntry): Promise<OutgoingMail | null> {
    const user = await this.users.findInTenant(entry.tenantId, entry.userId, manager);
    if (!user || user.status !== 'active') return null;
    const device = await this.devices.find(manager, entry.refId, user.id);
    if (!device) return null;
    const base = this.config.PUBLIC_URL.replace(/\/$/, '');
    return {
      to: user.email,
      subject: NEW_SIGN_IN_SUBJECT,
      text: [
        'Hello,',
        '',
        'There was a new sign-in to your Therapy Room account from a device or browser that had not',
        'been used for your account before.',
        '',
        `When: ${formatUtc(device.firstSeenAt)}`,
        `How: ${
          device.firstSignInMethod === 'sso'
            ? "through your organisation's single sign-on"
            : 'with your e-mail address and password'
        }`,
        '',
        'If this was you, there is nothing to do.',
        '',
        'If this was not you, secure your account now:',
        `- change your password and log out on every device: ${base}/account/security`,
        `- if you can no longer sign in, reset your password: ${base}/reset-password`,
        '- and tell your organisation, so that they can help.',
        '',
        'Therapy Room',
      ].join('\n'),
    };
  }
}
