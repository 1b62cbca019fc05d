import { Inject, Injectable, Optional } from '@nestjs/common';
import { Metrics, PLATFORM_CONFIG } from '@therapy-room/platform';
import type { Counter } from 'prom-client';
import { createHash } from 'node:crypto';
import type { Actor } from '@therapy-room/auth';
import type { GatewayConfig } from '../gateway.config';

/** The privacy gate identity answers with the actor (see SessionAuthenticator). */
export interface PrivacyGate {
  privacyAcknowledgementRequired: boolean;
  privacyStatementVersion: number | null;
}
/** A resolved session: the actor, and whether the user must first acknowledge the privacy statement. */
export type CachedSession = Actor & Partial<PrivacyGate>;

interface Entry {
  actor: CachedSession;
  until: number;
}

/**
 * Resolved sessions for a few seconds, so a page's burst of requests costs identity one lookup.
 * Keyed by the token's hash (the token itself is never kept). A revocation event drops the entry
 * at once, and so does the end of the staff access grant a session acts under; the short TTL
 * (SESSION_CACHE_TTL_SECONDS, 5 s by default) bounds anything missed (idle and absolute timeouts
 * are identity's).
 */
@Injectable()
export class SessionCache {
  static readonly TTL_MS = 5_000;
  private static readonly MAX_ENTRIES = 50_000;
  private readonly byToken = new Map<string, Entry>();
  private readonly tokenBySession = new Map<string, string>();
  /** Lookups on their way to identity, by token hash: concurrent misses of one token share one. */
  private readonly loading = new Map<string, Promise<CachedSession>>();
  /** Bumped by every revocation: a lookup that started before one does not fill the cache. */
  private revocations = 0;
  private readonly ttlMs: number;
  private readonly lookups?: Counter<'result'>;

  constructor(
    @Optional() @Inject(PLATFORM_CONFIG) config?: Pick<GatewayConfig, 'SESSION_CACHE_TTL_SECONDS'>,
    @Optional() metrics?: Metrics,
  ) {
    this.lookups = metrics?.counter('gateway_session_cache_lookups_total', 'Session cache lookups', [
      'result',
    ]);
    this.ttlMs = config?.SESSION_CACHE_TTL_SECONDS
      ? config.SESSION_CACHE_TTL_SECONDS * 1000
      : SessionCache.TTL_MS;
  }

  get(token: string, now = Date.now()): CachedSession | undefined {
    const key = this.key(token);
    const entry = this.byToken.get(key);
    if (!entry) {
      this.lookups?.inc({ result: 'miss' });
      return undefined;
    }
    if (entry.until <= now) {
      this.delete(key, entry.actor.sessionId);
      this.lookups?.inc({ result: 'expired' });
      return undefined;
    }
    this.lookups?.inc({ result: 'hit' });
    return entry.actor;
  }

  /**
   * The cached session, or the one `load` resolves (then cached). When the entry is missing or has
   * expired, the requests that arrive meanwhile for the same token wait for the one lookup in flight
   * instead of each asking identity (a page's burst, or every request of a busy session at once when
   * its entry expires). A failed lookup is not cached: each of its waiters fails, the next request asks
   * again. A revocation while the lookup is in flight keeps its answer out of the cache.
   */
  async resolve(token: string, load: () => Promise<CachedSession>): Promise<CachedSession> {
    const cached = this.get(token);
    if (cached) return cached;
    const key = this.key(token);
    let pending = this.loading.get(key);
    if (!pending) {
      const revocations = this.revocations;
      pending = load()
        .then((actor) => {
          if (this.revocations === revocations) this.set(token, actor);
          return actor;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }

  set(token: string, actor: CachedSession, now = Date.now()): void {
    if (this.byToken.size >= SessionCache.MAX_ENTRIES) {
      const [oldestKey, oldest] = this.byToken.entries().next().value as [string, Entry];
      this.delete(oldestKey, oldest.actor.sessionId);
    }
    const key = this.key(token);
    this.byToken.set(key, { actor, until: now + this.ttlMs });
    this.tokenBySession.set(actor.sessionId, key);
  }

  revoke(sessionId: string): void {
    this.revocations++;
    const key = this.tokenBySession.get(sessionId);
    if (key) this.delete(key, sessionId);
  }

  /** Drops every cached session of a tenant (a new privacy statement re-gates them all). */
  revokeTenant(tenantId: string): void {
    this.revocations++;
    for (const [key, entry] of this.byToken) {
      if (entry.actor.tenantId === tenantId) this.delete(key, entry.actor.sessionId);
    }
  }

  /** Drops every cached session acting under a staff access grant (the grant ended). */
  revokeGrant(grantId: string): void {
    this.revocations++;
    for (const [key, entry] of this.byToken) {
      if (entry.actor.grantId === grantId) this.delete(key, entry.actor.sessionId);
    }
  }

  private delete(key: string, sessionId: string) {
    this.byToken.delete(key);
    this.tokenBySession.delete(sessionId);
  }

  private key(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }
}
