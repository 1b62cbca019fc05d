import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Actor } from '@therapy-room/auth';

interface Entry {
  actor: Actor;
  until: number;
}

/**
 * Resolved sessions for a few seconds, so a page's burst of requests costs identity one lookup.
 * Keyed by the token's hash (the token itself is never kept). A revocation event drops the entry
 * at once; the short TTL bounds anything missed (idle and absolute timeouts are identity's).
 */
@Injectable()
export class SessionCache {
  static readonly TTL_MS = 5_000;
  private static readonly MAX_ENTRIES = 50_000;
  private readonly byToken = new Map<string, Entry>();
  private readonly tokenBySession = new Map<string, string>();

  get(token: string, now = Date.now()): Actor | undefined {
    const key = this.key(token);
    const entry = this.byToken.get(key);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.delete(key, entry.actor.sessionId);
      return undefined;
    }
    return entry.actor;
  }

  set(token: string, actor: Actor, now = Date.now()): void {
    if (this.byToken.size >= SessionCache.MAX_ENTRIES) {
      const [oldestKey, oldest] = this.byToken.entries().next().value as [string, Entry];
      this.delete(oldestKey, oldest.actor.sessionId);
    }
    const key = this.key(token);
    this.byToken.set(key, { actor, until: now + SessionCache.TTL_MS });
    this.tokenBySession.set(actor.sessionId, key);
  }

  revoke(sessionId: string): void {
    const key = this.tokenBySession.get(sessionId);
    if (key) this.delete(key, sessionId);
  }

  private delete(key: string, sessionId: string) {
    this.byToken.delete(key);
    this.tokenBySession.delete(sessionId);
  }

  private key(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }
}
